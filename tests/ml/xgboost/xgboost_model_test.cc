#include "ml/xgboost/xgboost_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "common/fs/file_system.h"
#include "ml/ml_test_util.h"
#include "ml/model_loader.h"
#include "testutil/temp_dir.h"

namespace keel::ml {
namespace {

using batch::TypeId;

// y = 1 when 2a - b + (color == "red") + noise > 0; `a` has some nulls, color has a null too.
batch::RecordBatch MakeData(int rows, uint64_t seed, bool with_label = true) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<std::optional<double>> a, b, y;
  std::vector<std::string> color;
  const char* colors[] = {"red", "green", "blue"};
  for (int i = 0; i < rows; ++i) {
    double av = normal(rng), bv = normal(rng);
    std::string c = colors[rng() % 3];
    double score = 2 * av - bv + (c == "red" ? 1.0 : 0.0) + 0.3 * normal(rng);
    a.push_back(i % 17 == 0 ? std::nullopt : std::optional<double>(av));
    b.push_back(bv);
    color.push_back(c);
    y.push_back(score > 0 ? 1 : 0);
  }
  batch::RecordBatch batch;
  testing::AddNumericColumn(&batch, "a", TypeId::kDouble, a);
  testing::AddNumericColumn(&batch, "b", TypeId::kDouble, b);
  testing::AddStringColumn(&batch, "color", color);
  if (with_label) testing::AddNumericColumn(&batch, "y", TypeId::kInt, y);
  return batch;
}

struct Trained {
  FeatureEncoding encoding;
  std::unique_ptr<XgboostModel> model;
  std::vector<std::pair<int, IterationMetrics>> rounds;
};

Result<Trained> Train(const batch::RecordBatch& train, const batch::RecordBatch& valid,
                      XgboostTrainOptions options) {
  Trained t;
  KEEL_ASSIGN_OR_RETURN(t.encoding, FeatureEncoding::Fit(train, {"a", "b", "color"}));
  KEEL_ASSIGN_OR_RETURN(auto labels, EncodeLabels(train, "y", ProblemType::kClassification));
  KEEL_ASSIGN_OR_RETURN(auto x, t.encoding.EncodeDense(train));
  KEEL_ASSIGN_OR_RETURN(auto vlabels,
                        EncodeLabels(valid, "y", ProblemType::kClassification, &labels.classes));
  KEEL_ASSIGN_OR_RETURN(auto vx, t.encoding.EncodeDense(valid));
  options.problem = ProblemType::kClassification;
  options.on_iteration = [&](int round, const IterationMetrics& m) {
    t.rounds.emplace_back(round, m);
  };
  KEEL_ASSIGN_OR_RETURN(
      t.model, TrainXgboost(t.encoding, labels.classes, {&x, &labels.values, train.num_rows},
                            {&vx, &vlabels.values, valid.num_rows}, options));
  return t;
}

TEST(XgboostModelTest, LearnsWithCategoriesAndMissingValuesAndRoundTrips) {
  batch::RecordBatch train = MakeData(2000, 1), valid = MakeData(500, 2);
  XgboostTrainOptions options;
  options.num_boost_round = 30;
  options.params = {{"max_depth", "3"}, {"eta", "0.3"}};
  options.eval_metrics = {"logloss", "auc"};
  options.nthread = 1;
  auto trained = Train(train, valid, options);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  ASSERT_EQ(trained->rounds.size(), 30u);
  // train-logloss, train-auc, validation-logloss, validation-auc every round.
  ASSERT_EQ(trained->rounds.back().second.size(), 4u);
  EXPECT_EQ(trained->rounds.back().second[3].first, "validation-auc");
  EXPECT_GT(trained->rounds.back().second[3].second, 0.9);
  EXPECT_LT(trained->rounds.back().second[0].second, trained->rounds.front().second[0].second);

  auto output = trained->model->Score(valid);
  ASSERT_TRUE(output.ok()) << output.status().ToString();
  ASSERT_EQ(output->num_classes, 2);
  ASSERT_EQ(output->num_rows(), 500);
  std::vector<int32_t> predicted = output->PredictedClasses();
  int correct = 0;
  for (int i = 0; i < 500; ++i) correct += predicted[i] == valid.columns[3].i32[i];
  EXPECT_GT(correct, 430);

  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  const std::string model_dir = dir.path() + "/model";
  ASSERT_TRUE(SaveXgboostModel(fs, model_dir, *trained->model).ok());
  EXPECT_EQ(SaveXgboostModel(fs, model_dir, *trained->model).code(),
            ErrorCode::kResourceAlreadyExists);
  auto loaded = LoadModel(fs, model_dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->flavor(), "xgboost");
  EXPECT_EQ((*loaded)->classes(), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ((*loaded)->feature_names(), (std::vector<std::string>{"a", "b", "color"}));
  auto reloaded = (*loaded)->Score(valid);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->values, output->values);

  // Rows without the label and with an unseen category still score.
  batch::RecordBatch unlabeled = MakeData(5, 3, /*with_label=*/false);
  unlabeled.columns[2] = batch::Column::Make(batch::DataType::Primitive(TypeId::kString));
  unlabeled.columns[2].length = 0;
  for (int i = 0; i < 5; ++i) {
    unlabeled.columns[2].bytes += "purple";
    unlabeled.columns[2].offsets.push_back(static_cast<int64_t>(unlabeled.columns[2].bytes.size()));
    unlabeled.columns[2].MarkAppendedValid();
  }
  EXPECT_TRUE((*loaded)->Score(unlabeled).ok());
}

TEST(XgboostModelTest, ShapValuesAddUpToTheMargin) {
  batch::RecordBatch train = MakeData(1000, 4), valid = MakeData(50, 5);
  XgboostTrainOptions options;
  options.num_boost_round = 10;
  options.nthread = 1;
  auto trained = Train(train, valid, options);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  auto x = trained->encoding.EncodeDense(valid);
  ASSERT_TRUE(x.ok());
  auto shap = trained->model->Contributions(*x, 50);
  ASSERT_TRUE(shap.ok()) << shap.status().ToString();
  ASSERT_EQ(shap->size(), 50u * 4);
  auto output = trained->model->ScoreEncoded(*x, 50);
  ASSERT_TRUE(output.ok());
  for (int row = 0; row < 50; ++row) {
    double margin = 0;
    for (int f = 0; f < 4; ++f) margin += (*shap)[row * 4 + f];
    double p = output->values[row * 2 + 1];
    EXPECT_NEAR(1.0 / (1.0 + std::exp(-margin)), p, 1e-5);
  }
  auto importance = trained->model->FeatureImportance();
  ASSERT_TRUE(importance.ok()) << importance.status().ToString();
  ASSERT_EQ(importance->size(), 3u);
  EXPECT_GT((*importance)[0], (*importance)[2]);  // a matters more than color
}

TEST(XgboostModelTest, EarlyStoppingKeepsTheBestRounds) {
  batch::RecordBatch train = MakeData(300, 6), valid = MakeData(300, 7);
  XgboostTrainOptions options;
  options.num_boost_round = 500;
  options.early_stopping_rounds = 5;
  options.params = {{"max_depth", "6"}, {"eta", "0.5"}};
  options.eval_metrics = {"logloss"};
  options.nthread = 1;
  auto trained = Train(train, valid, options);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  EXPECT_LT(trained->rounds.size(), 500u);
  int best = trained->model->best_iteration();
  ASSERT_GE(best, 0);
  EXPECT_EQ(trained->model->boosted_rounds(), best + 1);
  EXPECT_EQ(static_cast<int>(trained->rounds.size()), best + 1 + 5);
}

TEST(XgboostModelTest, MulticlassAndRegression) {
  std::mt19937_64 rng(8);
  std::normal_distribution<double> normal;
  std::vector<std::optional<double>> a, b, target;
  std::vector<std::string> kind;
  for (int i = 0; i < 900; ++i) {
    double av = normal(rng), bv = normal(rng);
    a.push_back(av);
    b.push_back(bv);
    kind.push_back(av > 0.5 ? "high" : av < -0.5 ? "low" : "mid");
    target.push_back(3 * av + bv);
  }
  batch::RecordBatch data;
  testing::AddNumericColumn(&data, "a", TypeId::kDouble, a);
  testing::AddNumericColumn(&data, "b", TypeId::kDouble, b);
  testing::AddStringColumn(&data, "kind", kind);
  testing::AddNumericColumn(&data, "target", TypeId::kDouble, target);

  auto encoding = FeatureEncoding::Fit(data, {"a", "b"});
  ASSERT_TRUE(encoding.ok());
  auto x = encoding->EncodeDense(data);
  ASSERT_TRUE(x.ok());
  auto labels = EncodeLabels(data, "kind", ProblemType::kClassification);
  ASSERT_TRUE(labels.ok());
  EXPECT_EQ(labels->classes, (std::vector<std::string>{"high", "low", "mid"}));
  XgboostTrainOptions options;
  options.problem = ProblemType::kClassification;
  options.num_boost_round = 20;
  auto multi = TrainXgboost(*encoding, labels->classes, {&*x, &labels->values, 900}, {}, options);
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  auto out = (*multi)->Score(data);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->num_classes, 3);
  std::vector<int32_t> predicted = out->PredictedClasses();
  int correct = 0;
  for (int i = 0; i < 900; ++i) correct += predicted[i] == static_cast<int>(labels->values[i]);
  EXPECT_GT(correct, 850);
  auto shap = (*multi)->Contributions(*x, 900);
  ASSERT_TRUE(shap.ok()) << shap.status().ToString();
  EXPECT_EQ(shap->size(), 900u * 3);

  auto y = EncodeLabels(data, "target", ProblemType::kRegression);
  ASSERT_TRUE(y.ok());
  options.problem = ProblemType::kRegression;
  auto reg = TrainXgboost(*encoding, {}, {&*x, &y->values, 900}, {}, options);
  ASSERT_TRUE(reg.ok());
  auto pred = (*reg)->Predict(data);
  ASSERT_TRUE(pred.ok());
  double sse = 0;
  for (int i = 0; i < 900; ++i) sse += std::pow((*pred)[i] - y->values[i], 2);
  EXPECT_LT(sse / 900, 0.2);
}

TEST(XgboostModelTest, BadInputIsAClearError) {
  batch::RecordBatch train = MakeData(100, 9);
  auto encoding = FeatureEncoding::Fit(train, {"a", "b", "color"});
  ASSERT_TRUE(encoding.ok());
  auto x = encoding->EncodeDense(train);
  auto labels = EncodeLabels(train, "y", ProblemType::kClassification);
  ASSERT_TRUE(x.ok() && labels.ok());
  XgboostTrainOptions options;
  options.problem = ProblemType::kClassification;
  options.params = {{"max_depth", "-3"}};
  auto bad = TrainXgboost(*encoding, labels->classes, {&*x, &labels->values, 100}, {}, options);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(bad.status().message().find("max_depth"), std::string::npos) << bad.status().message();

  options.params = {};
  options.early_stopping_rounds = 3;
  EXPECT_EQ(TrainXgboost(*encoding, labels->classes, {&*x, &labels->values, 100}, {}, options)
                .status()
                .code(),
            ErrorCode::kInvalidParameterValue);
  options.early_stopping_rounds = 0;
  options.num_boost_round = 0;
  EXPECT_FALSE(
      TrainXgboost(*encoding, labels->classes, {&*x, &labels->values, 100}, {}, options).ok());
  options.num_boost_round = 5;
  EXPECT_FALSE(
      TrainXgboost(*encoding, labels->classes, {&*x, &labels->values, 0}, {}, options).ok());

  // Corrupt model files are a kCorruption naming the file.
  auto model = TrainXgboost(*encoding, labels->classes, {&*x, &labels->values, 100}, {}, options);
  ASSERT_TRUE(model.ok());
  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  ASSERT_TRUE(SaveXgboostModel(fs, dir.path() + "/m", **model).ok());
  ASSERT_TRUE(fs->WriteFileAtomic(dir.path() + "/m/model.json", "{not a model").ok());
  auto loaded = LoadModel(fs, dir.path() + "/m");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kCorruption);
}

TEST(FeatureEncodingTest, ErrorsNameTheColumn) {
  batch::RecordBatch data;
  testing::AddNumericColumn(&data, "x", TypeId::kDouble, {1.0, INFINITY, 2.0});
  testing::AddNumericColumn(&data, "y", TypeId::kDouble, {1.0, 1.0, 1.0});
  auto fit = FeatureEncoding::Fit(data, {"x"});
  ASSERT_FALSE(fit.ok());
  EXPECT_NE(fit.status().message().find("'x' holds an infinite value at row 1"), std::string::npos)
      << fit.status().message();
  EXPECT_FALSE(FeatureEncoding::Fit(data, {"nope"}).ok());
  EXPECT_FALSE(FeatureEncoding::Fit(data, {"y", "y"}).ok());
  auto one_class = EncodeLabels(data, "y", ProblemType::kClassification);
  ASSERT_FALSE(one_class.ok());
  EXPECT_NE(one_class.status().message().find("only one class"), std::string::npos);
  auto nan_label = EncodeLabels(data, "x", ProblemType::kRegression);
  ASSERT_FALSE(nan_label.ok());
  EXPECT_NE(nan_label.status().message().find("infinite"), std::string::npos);

  // Round trip of the saved form.
  auto enc = FeatureEncoding::Fit(data, {"y"});
  ASSERT_TRUE(enc.ok());
  auto back = FeatureEncoding::FromJson(enc->ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ToJson().Dump(), enc->ToJson().Dump());
  EXPECT_FALSE(FeatureEncoding::FromJson(json::Value::MakeObject()).ok());
}

}  // namespace
}  // namespace keel::ml
