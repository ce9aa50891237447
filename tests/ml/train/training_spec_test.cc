#include "ml/train/training_spec.h"

#include <gtest/gtest.h>

#include <set>

#include "ml/ml_test_util.h"
#include "ml/sample/sample_data.h"
#include "ml/train/data_split.h"

namespace keel::ml {
namespace {

TEST(TrainingSpecTest, ParsesEveryField) {
  auto spec = ParseTrainingSpecText(R"(table: dev.s.t
version: 3
label: y
features: [a, b]
problem: regression
algorithm: linear
params: {alpha: 0.5}
split: {train: 0.6, validation: 0.2, test: 0.2, seed: 9, stratify: false}
early_stopping_rounds: 4
metric: mae
seed: 11
experiment: /Shared/x
run_name: r
register: dev.s.m
tune:
  strategy: grid
  max_trials: 7
  timeout: 2m
  parallelism: 2
  search_space:
    alpha: {type: loguniform, low: 0.01, high: 10}
)");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->table, "dev.s.t");
  EXPECT_EQ(spec->version, 3);
  EXPECT_EQ(spec->features, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(spec->problem, ProblemType::kRegression);
  EXPECT_EQ(spec->algorithm, Algorithm::kLinear);
  ASSERT_EQ(spec->params.size(), 1u);
  EXPECT_DOUBLE_EQ(spec->params[0].second.as_double(), 0.5);
  EXPECT_DOUBLE_EQ(spec->split.train, 0.6);
  EXPECT_EQ(spec->split.seed, 9u);
  EXPECT_FALSE(spec->split.stratify);
  EXPECT_EQ(spec->EffectiveMetric(), "mae");
  EXPECT_EQ(spec->tune.strategy, SearchStrategy::kGrid);
  EXPECT_EQ(spec->tune.max_trials, 7);
  EXPECT_DOUBLE_EQ(spec->tune.timeout_seconds, 120);
  ASSERT_TRUE(spec->search_space.has_value());
  EXPECT_TRUE(ValidateTrainingSpec(*spec).ok());

  SetParam(&*spec, "alpha", "2");
  SetParam(&*spec, "fit", "true");
  EXPECT_EQ(spec->params[0].second.as_int(), 2);
  EXPECT_TRUE(spec->params[1].second.as_bool());
}

TEST(TrainingSpecTest, BadSpecsNameTheField) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  const Case cases[] = {
      {"label: y\nproblem: regression\n", "table"},
      {"table: t\nlabel: y\nproblem: sideways\n", "sideways"},
      {"table: t\nlabel: y\nproblem: regression\nalgorithm: forest\n", "forest"},
      {"table: t\nlabel: y\nproblem: regression\nlabl: y\n", "labl"},
      {"table: t\nlabel: y\nproblem: regression\nsplit: {train: 1.5}\n", "split.train"},
      {"table: t\nlabel: y\nproblem: regression\nparams: [1, 2]\n", "params"},
      {"table: t\nlabel: y\nproblem: regression\ntune: {timeout: soon}\n", "soon"},
      {"table: t\nlabel: y\nproblem: regression\ntune: {search_space: {d: {type: int, low: 5, "
       "high: 1}}}\n",
       "search_space"},
      {"table: [unclosed\n", "training spec"},
  };
  for (const Case& c : cases) {
    auto spec = ParseTrainingSpecText(c.yaml);
    ASSERT_FALSE(spec.ok()) << c.yaml;
    EXPECT_EQ(spec.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_NE(spec.status().message().find(c.message), std::string::npos)
        << c.yaml << " -> " << spec.status().message();
  }
  TrainingSpec spec;
  spec.table = "t";
  spec.label = "y";
  spec.split = {0.5, 0.2, 0.2, 1, true, ""};
  EXPECT_NE(ValidateTrainingSpec(spec).message().find("add up to 1"), std::string::npos);
  spec.split = {0.8, 0.1, 0.1, 1, true, ""};
  spec.metric = "rmse";  // a regression metric on a classification problem
  EXPECT_NE(ValidateTrainingSpec(spec).message().find("metric 'rmse'"), std::string::npos);
  spec.metric = "";
  spec.features = {"y"};
  EXPECT_FALSE(ValidateTrainingSpec(spec).ok());
}

TEST(TrainingSpecTest, Durations) {
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("90s"), 90);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("10m"), 600);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("1h"), 3600);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("2.5"), 2.5);
  for (const char* bad : {"", "m", "-1s", "1d", "nan", "9999999h"}) {
    EXPECT_FALSE(ParseDurationSeconds(bad).ok()) << bad;
  }
  EXPECT_TRUE(*MetricDirection("roc_auc", ProblemType::kClassification));
  EXPECT_FALSE(*MetricDirection("log_loss", ProblemType::kClassification));
  EXPECT_TRUE(*MetricDirection("r2", ProblemType::kRegression));
  EXPECT_FALSE(*MetricDirection("rmse", ProblemType::kRegression));
}

TEST(DataSplitTest, SeededStratifiedAndTimeOrdered) {
  batch::RecordBatch data = GenerateChurnData(1000, 5);
  auto labels = EncodeLabels(data, "churned", ProblemType::kClassification);
  ASSERT_TRUE(labels.ok());
  SplitSpec split;
  split.train = 0.7;
  split.validation = 0.15;
  split.test = 0.15;
  split.seed = 3;
  auto a = SplitRows(data, split, &labels->values);
  auto b = SplitRows(data, split, &labels->values);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->train, b->train);
  EXPECT_EQ(a->test, b->test);
  EXPECT_EQ(a->train.size() + a->validation.size() + a->test.size(), 1000u);
  std::set<int64_t> all(a->train.begin(), a->train.end());
  all.insert(a->validation.begin(), a->validation.end());
  all.insert(a->test.begin(), a->test.end());
  EXPECT_EQ(all.size(), 1000u);  // a partition
  // Stratified: each part's positive rate is the table's, to a row or two.
  auto rate = [&](const std::vector<int64_t>& rows) {
    double positives = 0;
    for (int64_t r : rows) positives += labels->values[r];
    return positives / static_cast<double>(rows.size());
  };
  double overall = rate(std::vector<int64_t>(all.begin(), all.end()));
  EXPECT_NEAR(rate(a->test), overall, 0.01);
  EXPECT_NEAR(rate(a->validation), overall, 0.01);
  split.seed = 4;
  auto c = SplitRows(data, split, &labels->values);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->test, c->test);

  // Time-ordered: every training row is older than every test row.
  split.time_column = "tenure_months";
  auto timed = SplitRows(data, split, nullptr);
  ASSERT_TRUE(timed.ok()) << timed.status().ToString();
  int32_t newest_train = 0, oldest_test = 1 << 30;
  const batch::Column& tenure = data.columns[*data.schema.FieldIndex("tenure_months")];
  for (int64_t r : timed->train) newest_train = std::max(newest_train, tenure.i32[r]);
  for (int64_t r : timed->test) oldest_test = std::min(oldest_test, tenure.i32[r]);
  EXPECT_LE(newest_train, oldest_test);
  split.time_column = "plan";
  EXPECT_FALSE(SplitRows(data, split, nullptr).ok());
  split.time_column = "nope";
  EXPECT_FALSE(SplitRows(data, split, nullptr).ok());

  EXPECT_EQ(GenerateChurnData(50, 1).columns[5].f64, GenerateChurnData(50, 1).columns[5].f64);
  EXPECT_FALSE(GenerateSampleData("weather", 10, 1).ok());
  EXPECT_FALSE(GenerateSampleData("churn", 0, 1).ok());
}

}  // namespace
}  // namespace keel::ml
