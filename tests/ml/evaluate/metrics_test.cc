#include "ml/evaluate/metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "common/json.h"
#include "testutil/temp_dir.h"

namespace keel::ml {
namespace {

// Two probability columns from the positive-class probabilities.
std::vector<double> BinaryProbabilities(const std::vector<double>& p1) {
  std::vector<double> out;
  for (double p : p1) {
    out.push_back(1.0 - p);
    out.push_back(p);
  }
  return out;
}

ClassificationMetrics Classify(const std::vector<int32_t>& labels,
                               const std::vector<double>& probabilities, int num_classes) {
  Result<ClassificationMetrics> result =
      ComputeClassificationMetrics(labels, probabilities, num_classes);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : ClassificationMetrics{};
}

RegressionMetrics Regress(const std::vector<double>& y_true, const std::vector<double>& y_pred) {
  Result<RegressionMetrics> result = ComputeRegressionMetrics(y_true, y_pred);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : RegressionMetrics{};
}

std::vector<std::string> Names(const MetricList& list) {
  std::vector<std::string> names;
  for (const auto& [name, value] : list) names.push_back(name);
  return names;
}

TEST(ClassificationMetricsTest, PerfectBinaryClassifierScoresOne) {
  ClassificationMetrics m = Classify({0, 0, 1, 1}, BinaryProbabilities({0.1, 0.4, 0.6, 0.9}), 2);
  EXPECT_EQ(m.num_rows, 4);
  EXPECT_EQ(m.num_classes, 2);
  EXPECT_DOUBLE_EQ(m.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(m.precision, 1.0);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_DOUBLE_EQ(m.f1, 1.0);
  EXPECT_DOUBLE_EQ(m.roc_auc, 1.0);
  EXPECT_DOUBLE_EQ(m.pr_auc, 1.0);
  EXPECT_NEAR(m.log_loss, -(std::log(0.9) + std::log(0.6)) / 2, 1e-15);
  EXPECT_EQ(m.confusion_matrix, (std::vector<std::vector<int64_t>>{{2, 0}, {0, 2}}));
}

TEST(ClassificationMetricsTest, AllWrongBinaryClassifierScoresZero) {
  ClassificationMetrics m = Classify({0, 0, 1, 1}, BinaryProbabilities({0.9, 0.6, 0.4, 0.1}), 2);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.0);
  EXPECT_DOUBLE_EQ(m.precision, 0.0);
  EXPECT_DOUBLE_EQ(m.recall, 0.0);
  EXPECT_DOUBLE_EQ(m.f1, 0.0);
  EXPECT_DOUBLE_EQ(m.roc_auc, 0.0);
  // Ranked: neg, neg, pos, pos -> 0.5 * 1/3 + 0.5 * 2/4.
  EXPECT_NEAR(m.pr_auc, 5.0 / 12, 1e-15);
  EXPECT_NEAR(m.log_loss, -(std::log(0.1) + std::log(0.4)) / 2, 1e-15);
  EXPECT_EQ(m.confusion_matrix, (std::vector<std::vector<int64_t>>{{0, 2}, {2, 0}}));
}

TEST(ClassificationMetricsTest, MatchesSklearnDocstringExample) {
  // sklearn's precision_recall_curve docstring: AUC 0.75, average precision 0.8333.
  ClassificationMetrics m = Classify({0, 0, 1, 1}, BinaryProbabilities({0.1, 0.4, 0.35, 0.8}), 2);
  EXPECT_NEAR(m.roc_auc, 0.75, 1e-15);
  EXPECT_NEAR(m.pr_auc, 0.8333333333333333, 1e-15);
  // Predicted positive only for 0.8: tp=1, fp=0, fn=1.
  EXPECT_DOUBLE_EQ(m.precision, 1.0);
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_NEAR(m.f1, 2.0 / 3, 1e-15);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.75);
}

TEST(ClassificationMetricsTest, TiedScoresFormOneThreshold) {
  // Scores 0.8 tie between a positive and a negative: the ROC curve moves diagonally from (0, 0)
  // to (0.5, 0.5), so the pair counts half; the PR curve takes one step at precision 1/2.
  ClassificationMetrics m = Classify({1, 0, 1, 0}, BinaryProbabilities({0.8, 0.8, 0.3, 0.2}), 2);
  EXPECT_NEAR(m.roc_auc, 0.625, 1e-15);                       // sklearn: 0.625
  EXPECT_NEAR(m.pr_auc, 0.5 * 0.5 + 0.5 * (2.0 / 3), 1e-15);  // sklearn: 0.58333

  // All scores equal: one threshold, chance-level AUC, AP = prevalence.
  ClassificationMetrics flat = Classify({0, 1, 0, 1}, BinaryProbabilities({0.5, 0.5, 0.5, 0.5}), 2);
  EXPECT_DOUBLE_EQ(flat.roc_auc, 0.5);
  EXPECT_DOUBLE_EQ(flat.pr_auc, 0.5);
  // p1 == 0.5 is not above the threshold: everything is predicted negative.
  EXPECT_EQ(flat.confusion_matrix, (std::vector<std::vector<int64_t>>{{2, 0}, {2, 0}}));
  EXPECT_DOUBLE_EQ(flat.precision, 0.0);
  EXPECT_DOUBLE_EQ(flat.recall, 0.0);
  EXPECT_DOUBLE_EQ(flat.f1, 0.0);
}

TEST(ClassificationMetricsTest, RocAucEqualsPairwiseWinRateWithTies) {
  // The ROC area is the probability that a random positive outscores a random negative, ties
  // counting half (Mann-Whitney U). Checked against the O(n^2) definition on coarse scores.
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> bucket(0, 10);
  std::vector<int32_t> labels;
  std::vector<double> p1;
  for (int row = 0; row < 400; ++row) {
    int b = bucket(rng);
    labels.push_back(std::bernoulli_distribution(0.2 + 0.06 * b)(rng) ? 1 : 0);
    p1.push_back(b / 10.0);
  }
  double wins = 0;
  double pairs = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 1) continue;
    for (size_t j = 0; j < labels.size(); ++j) {
      if (labels[j] != 0) continue;
      pairs += 1;
      wins += p1[i] > p1[j] ? 1.0 : p1[i] == p1[j] ? 0.5 : 0.0;
    }
  }
  ClassificationMetrics m = Classify(labels, BinaryProbabilities(p1), 2);
  EXPECT_NEAR(m.roc_auc, wins / pairs, 1e-12);
  EXPECT_GT(m.roc_auc, 0.6);  // the labels do depend on the scores
}

TEST(ClassificationMetricsTest, SingleClassSliceHasNoRankingMetrics) {
  ClassificationMetrics m = Classify({1, 1, 1}, BinaryProbabilities({0.9, 0.3, 0.7}), 2);
  EXPECT_TRUE(std::isnan(m.roc_auc));
  EXPECT_TRUE(std::isnan(m.pr_auc));
  EXPECT_NEAR(m.accuracy, 2.0 / 3, 1e-15);
  EXPECT_DOUBLE_EQ(m.precision, 1.0);
  EXPECT_NEAR(m.recall, 2.0 / 3, 1e-15);

  EXPECT_EQ(Names(m.ToList()),
            (std::vector<std::string>{"accuracy", "precision", "recall", "f1", "log_loss"}));
  json::Value j = m.ToJson();
  ASSERT_NE(j.Find("roc_auc"), nullptr);
  EXPECT_TRUE(j.Find("roc_auc")->is_null());
  EXPECT_TRUE(j.Find("pr_auc")->is_null());
  EXPECT_NEAR(j.Find("accuracy")->as_double(), 2.0 / 3, 1e-15);

  // Multiclass too.
  ClassificationMetrics multi = Classify({2, 2}, {0.1, 0.2, 0.7, 0.5, 0.3, 0.2}, 3);
  EXPECT_TRUE(std::isnan(multi.roc_auc));
  EXPECT_TRUE(std::isnan(multi.pr_auc));
}

TEST(ClassificationMetricsTest, MulticlassConfusionMatrixAndMacroAverages) {
  const std::vector<int32_t> labels = {0, 0, 1, 1, 2, 2};
  const std::vector<double> probabilities = {
      0.7, 0.2, 0.1,  // true 0, predicted 0
      0.2, 0.5, 0.3,  // true 0, predicted 1
      0.1, 0.8, 0.1,  // true 1, predicted 1
      0.3, 0.3, 0.4,  // true 1, predicted 2
      0.2, 0.2, 0.6,  // true 2, predicted 2
      0.4, 0.4, 0.2,  // true 2, predicted 0 (tie: the lowest class wins, as numpy's argmax)
  };
  ClassificationMetrics m = Classify(labels, probabilities, 3);
  EXPECT_EQ(m.confusion_matrix,
            (std::vector<std::vector<int64_t>>{{1, 1, 0}, {0, 1, 1}, {1, 0, 1}}));
  EXPECT_DOUBLE_EQ(m.accuracy, 0.5);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_DOUBLE_EQ(m.f1, 0.5);
  // One-vs-rest pair counts: class 0 5.5/8, class 1 6/8, class 2 6/8 (sklearn: 0.7291666...).
  EXPECT_NEAR(m.roc_auc, (5.5 / 8 + 0.75 + 0.75) / 3, 1e-15);
  EXPECT_NEAR(m.pr_auc, 0.7333333333333334, 1e-15);    // sklearn, per-class AP macro-averaged
  EXPECT_NEAR(m.log_loss, 0.9189154580355116, 1e-15);  // sklearn log_loss

  json::Value j = m.ToJson();
  EXPECT_EQ(j.Find("num_rows")->as_int(), 6);
  EXPECT_EQ(j.Find("num_classes")->as_int(), 3);
  EXPECT_EQ(j.Find("confusion_matrix")->Dump(), "[[1,1,0],[0,1,1],[1,0,1]]");
  EXPECT_EQ(Names(m.ToList()), (std::vector<std::string>{"accuracy", "precision", "recall", "f1",
                                                         "log_loss", "roc_auc", "pr_auc"}));
}

TEST(ClassificationMetricsTest, MulticlassAveragesOnlyOverClassesThatOccur) {
  // Class 2 is neither a label nor a prediction: it is left out of the macro averages, as
  // sklearn's default labels=unique_labels(y_true, y_pred) does, and out of the one-vs-rest AUC.
  const std::vector<double> probabilities = {
      0.8, 0.1, 0.1,  // true 0, predicted 0
      0.6, 0.3, 0.1,  // true 0, predicted 0
      0.5, 0.4, 0.1,  // true 1, predicted 0
      0.1, 0.8, 0.1,  // true 1, predicted 1
  };
  ClassificationMetrics m = Classify({0, 0, 1, 1}, probabilities, 3);
  // Class 0: precision 2/3, recall 1, F1 0.8. Class 1: precision 1, recall 1/2, F1 2/3.
  EXPECT_NEAR(m.precision, (2.0 / 3 + 1.0) / 2, 1e-15);
  EXPECT_NEAR(m.recall, (1.0 + 0.5) / 2, 1e-15);
  EXPECT_NEAR(m.f1, (0.8 + 2.0 / 3) / 2, 1e-15);
  EXPECT_EQ(m.confusion_matrix[2], (std::vector<int64_t>{0, 0, 0}));
  EXPECT_DOUBLE_EQ(m.roc_auc, 1.0);  // both present classes are perfectly ranked one-vs-rest
  EXPECT_DOUBLE_EQ(m.pr_auc, 1.0);
}

TEST(ClassificationMetricsTest, LogLossClipsAndRenormalisesRows) {
  // A confident mistake costs -log(DBL_EPSILON), not infinity (sklearn 1.2 eps="auto").
  ClassificationMetrics m = Classify({0}, {0.0, 1.0}, 2);
  EXPECT_NEAR(m.log_loss, -std::log(2.220446049250313e-16), 1e-12);
  // Rows that do not sum to 1 are renormalised: [2, 6] is [0.25, 0.75].
  ClassificationMetrics scaled = Classify({1, 0}, {0.0, 0.4, 0.2, 0.6}, 2);
  EXPECT_NEAR(scaled.log_loss, -(std::log(1 - 2.220446049250313e-16) + std::log(0.25)) / 2, 1e-15);
}

TEST(ClassificationMetricsTest, RejectsBadInput) {
  auto code = [](const std::vector<int32_t>& labels, const std::vector<double>& probabilities,
                 int num_classes) {
    return ComputeClassificationMetrics(labels, probabilities, num_classes).status().code();
  };
  const ErrorCode bad = ErrorCode::kInvalidParameterValue;
  EXPECT_EQ(code({0, 1}, {0.5, 0.5, 0.5}, 2), bad) << "size mismatch";
  EXPECT_EQ(code({0, 1}, {0.5, 0.5, 0.5, 0.5, 0.1, 0.1}, 2), bad) << "too many probabilities";
  EXPECT_EQ(code({}, {}, 2), bad) << "empty";
  EXPECT_EQ(code({0, 2}, {0.5, 0.5, 0.5, 0.5}, 2), bad) << "label above range";
  EXPECT_EQ(code({0, -1}, {0.5, 0.5, 0.5, 0.5}, 2), bad) << "negative label";
  EXPECT_EQ(code({0, 1}, {0.5, NAN, 0.5, 0.5}, 2), bad) << "NaN";
  EXPECT_EQ(code({0, 1}, {0.5, 0.5, INFINITY, 0.5}, 2), bad) << "inf";
  EXPECT_EQ(code({0, 1}, {0.5, 0.5, 0.5, -INFINITY}, 2), bad) << "-inf";
  EXPECT_EQ(code({0, 1}, {1.1, -0.1, 0.5, 0.5}, 2), bad) << "negative probability";
  EXPECT_EQ(code({0, 0}, {1.0, 1.0}, 1), bad) << "one class";
  EXPECT_EQ(code({0}, {}, 0), bad) << "no classes";
  EXPECT_EQ(code({0}, std::vector<double>(kMaxClassificationClasses + 1, 0.0),
                 kMaxClassificationClasses + 1),
            bad)
      << "too many classes";

  Status status = ComputeClassificationMetrics({0, 5}, {0.5, 0.5, 0.5, 0.5}, 2).status();
  EXPECT_NE(status.message().find("label 5 at row 1"), std::string::npos) << status.ToString();
  status = ComputeClassificationMetrics({0, 1}, {0.5, 0.5, 0.5, NAN}, 2).status();
  EXPECT_NE(status.message().find("class 1 at row 1 is NaN"), std::string::npos)
      << status.ToString();
}

TEST(RegressionMetricsTest, MatchesHandComputedValues) {
  // sklearn's docstring example: MSE 0.375, MAE 0.5, R2 0.9486.
  RegressionMetrics m = Regress({3, -0.5, 2, 7}, {2.5, 0.0, 2, 8});
  EXPECT_EQ(m.num_rows, 4);
  EXPECT_DOUBLE_EQ(m.mse, 0.375);
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt(0.375));
  EXPECT_DOUBLE_EQ(m.mae, 0.5);
  EXPECT_NEAR(m.r2, 0.9486081370449679, 1e-15);
  EXPECT_NEAR(m.mape, (0.5 / 3 + 0.5 / 0.5 + 0 + 1.0 / 7) / 4, 1e-15);
  EXPECT_EQ(Names(m.ToList()), (std::vector<std::string>{"mse", "rmse", "mae", "r2", "mape"}));
  json::Value j = m.ToJson();
  EXPECT_EQ(j.Find("num_rows")->as_int(), 4);
  EXPECT_DOUBLE_EQ(j.Find("mse")->as_double(), 0.375);
}

TEST(RegressionMetricsTest, R2OfConstantTargetIsForcedFinite) {
  EXPECT_DOUBLE_EQ(Regress({2, 2, 2}, {2, 2, 2}).r2, 1.0);
  EXPECT_DOUBLE_EQ(Regress({2, 2, 2}, {2, 2, 3}).r2, 0.0);
  // A worse-than-mean model is negative, not clamped.
  EXPECT_DOUBLE_EQ(Regress({1, 2, 3}, {3, 2, 1}).r2, -3.0);
}

TEST(RegressionMetricsTest, SingleRowHasNoR2) {
  RegressionMetrics m = Regress({4}, {1});
  EXPECT_TRUE(std::isnan(m.r2));
  EXPECT_DOUBLE_EQ(m.mse, 9.0);
  EXPECT_EQ(Names(m.ToList()), (std::vector<std::string>{"mse", "rmse", "mae", "mape"}));
  EXPECT_TRUE(m.ToJson().Find("r2")->is_null());
}

TEST(RegressionMetricsTest, MapeOfZeroTargetIsLargeButFinite) {
  // sklearn: mean(|0 - 1| / DBL_EPSILON, 0) = 2^51.
  EXPECT_DOUBLE_EQ(Regress({0, 1}, {1, 1}).mape, 2251799813685248.0);
}

TEST(RegressionMetricsTest, RejectsBadInput) {
  const ErrorCode bad = ErrorCode::kInvalidParameterValue;
  EXPECT_EQ(ComputeRegressionMetrics({1, 2}, {1}).status().code(), bad) << "size mismatch";
  EXPECT_EQ(ComputeRegressionMetrics({}, {}).status().code(), bad) << "empty";
  EXPECT_EQ(ComputeRegressionMetrics({1, NAN}, {1, 2}).status().code(), bad) << "NaN target";
  EXPECT_EQ(ComputeRegressionMetrics({1, 2}, {INFINITY, 2}).status().code(), bad) << "inf pred";
  EXPECT_EQ(ComputeRegressionMetrics({-INFINITY, 2}, {1, 2}).status().code(), bad) << "-inf";
  EXPECT_EQ(ComputeRegressionMetrics({1, 2}, {1, NAN}).status().code(), bad) << "NaN pred";
  Status status = ComputeRegressionMetrics({1, 2, 3}, {1, 2, NAN}).status();
  EXPECT_NE(status.message().find("prediction at row 2"), std::string::npos) << status.ToString();
}

TEST(MetricsTest, ScoresAMillionRowsInLinearithmicTime) {
  // Guards the O(n log n) promise: a quadratic ROC would take hours here.
  const size_t n = 1'000'000;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<int32_t> labels(n);
  std::vector<double> probabilities(2 * n);
  std::vector<double> y_true(n);
  std::vector<double> y_pred(n);
  for (size_t row = 0; row < n; ++row) {
    const double p = std::round(uniform(rng) * 1000) / 1000;  // many ties
    labels[row] = uniform(rng) < p ? 1 : 0;
    probabilities[2 * row] = 1 - p;
    probabilities[2 * row + 1] = p;
    y_true[row] = uniform(rng) * 100;
    y_pred[row] = y_true[row] + uniform(rng) - 0.5;
  }
  const auto start = std::chrono::steady_clock::now();
  ClassificationMetrics c = Classify(labels, probabilities, 2);
  RegressionMetrics r = Regress(y_true, y_pred);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Labels drawn with P(1) = p for p ~ U(0, 1): the expected AUC is 5/6.
  EXPECT_NEAR(c.roc_auc, 0.8333, 0.01);
  EXPECT_EQ(c.num_rows, static_cast<int64_t>(n));
  EXPECT_NEAR(r.mse, 1.0 / 12, 0.01);
  EXPECT_LT(seconds, 10.0) << "metrics on 1M rows took " << seconds << " s";
}

// ---- Reference test against scikit-learn -------------------------------------------------------

constexpr char kPython[] = "/usr/bin/python3";

// Reads data.csv (label or y_true first, then the prediction columns) and prints sklearn's
// metrics as JSON. Binary: argv[2] == "2"; multiclass: "k"; regression: "regression".
constexpr char kReferenceScript[] = R"PY(
import json, sys
import numpy as np
from sklearn import metrics as M
from sklearn.preprocessing import label_binarize

data = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
mode = sys.argv[2]
if mode == "regression":
    y, p = data[:, 0], data[:, 1]
    mse = M.mean_squared_error(y, p)
    out = {"mse": mse, "rmse": M.mean_squared_error(y, p, squared=False),
           "mae": M.mean_absolute_error(y, p), "r2": M.r2_score(y, p),
           "mape": M.mean_absolute_percentage_error(y, p)}
else:
    k = int(mode)
    y = data[:, 0].astype(int)
    P = data[:, 1:]
    classes = list(range(k))
    if k == 2:
        pred = (P[:, 1] > 0.5).astype(int)
        avg = "binary"
        roc = M.roc_auc_score(y, P[:, 1])
        ap = M.average_precision_score(y, P[:, 1])
    else:
        pred = P.argmax(axis=1)
        avg = "macro"
        roc = M.roc_auc_score(y, P, multi_class="ovr", average="macro", labels=classes)
        ap = M.average_precision_score(label_binarize(y, classes=classes), P, average="macro")
    out = {"accuracy": M.accuracy_score(y, pred),
           "precision": M.precision_score(y, pred, average=avg, zero_division=0),
           "recall": M.recall_score(y, pred, average=avg, zero_division=0),
           "f1": M.f1_score(y, pred, average=avg, zero_division=0),
           "log_loss": M.log_loss(y, P, labels=classes),
           "roc_auc": roc, "pr_auc": ap,
           "confusion_matrix": M.confusion_matrix(y, pred, labels=classes).tolist()}
print(json.dumps(out))
)PY";

class SklearnReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kPython, X_OK) != 0) {
      GTEST_SKIP() << kPython << " not found; install python3 with scikit-learn to run the "
                   << "sklearn reference comparison";
    }
    const std::string probe = std::string(kPython) + " -c 'import numpy, sklearn' 2>/dev/null";
    if (std::system(probe.c_str()) != 0) {
      GTEST_SKIP() << kPython << " cannot import numpy and sklearn (python3-sklearn); skipping "
                   << "the sklearn reference comparison";
    }
    std::ofstream script(dir_.Join("reference.py"));
    script << kReferenceScript;
  }

  // Writes `rows` (already formatted CSV lines) and returns sklearn's metrics for them.
  json::Value RunReference(const std::vector<std::string>& rows, const std::string& mode) {
    const std::string data_path = dir_.Join("data.csv");
    {
      std::ofstream data(data_path);
      for (const std::string& row : rows) data << row << "\n";
    }
    const std::string command =
        std::string(kPython) + " " + dir_.Join("reference.py") + " " + data_path + " " + mode;
    FILE* pipe = popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr) << command;
    if (pipe == nullptr) return json::Value();
    std::string output;
    char buffer[4096];
    size_t read;
    while ((read = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, read);
    EXPECT_EQ(pclose(pipe), 0) << command << " printed: " << output;
    Result<json::Value> parsed = json::Parse(output);
    EXPECT_TRUE(parsed.ok()) << output;
    return parsed.ok() ? *parsed : json::Value();
  }

  // Every entry of `ours` agrees with sklearn within 1e-9 (relative for values above 1).
  static void ExpectAgrees(const MetricList& ours, const json::Value& reference,
                           size_t expected_count) {
    EXPECT_EQ(ours.size(), expected_count);
    for (const auto& [name, value] : ours) {
      const json::Value* theirs = reference.Find(name);
      ASSERT_NE(theirs, nullptr) << name;
      ASSERT_TRUE(theirs->is_number()) << name << ": " << theirs->Dump();
      const double expected = theirs->as_double();
      EXPECT_NEAR(value, expected, 1e-9 * std::max(1.0, std::fabs(expected))) << name;
    }
  }

  static std::string Format(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.17g", value);
    return buffer;
  }

  testutil::TempDir dir_{"keel-metrics"};
};

TEST_F(SklearnReferenceTest, BinaryMetricsMatchSklearn) {
  std::mt19937_64 rng(20240607);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<int32_t> labels;
  std::vector<double> probabilities;
  std::vector<std::string> rows;
  for (int row = 0; row < 3000; ++row) {
    // Multiples of 1/20, including exact 0 and 1 (so clipping matters): many tied scores.
    const double p = std::round(uniform(rng) * 20) / 20;
    const int32_t label = uniform(rng) < 0.15 + 0.7 * p ? 1 : 0;
    labels.push_back(label);
    probabilities.push_back(1 - p);
    probabilities.push_back(p);
    rows.push_back(std::to_string(label) + "," + Format(1 - p) + "," + Format(p));
  }
  ClassificationMetrics ours = Classify(labels, probabilities, 2);
  json::Value reference = RunReference(rows, "2");
  ExpectAgrees(ours.ToList(), reference, 7);
  EXPECT_EQ(ours.ToJson().Find("confusion_matrix")->Dump(),
            reference.Find("confusion_matrix")->Dump());
  EXPECT_GT(ours.roc_auc, 0.7);  // a meaningful, not degenerate, case
  EXPECT_LT(ours.roc_auc, 0.99);
}

TEST_F(SklearnReferenceTest, MulticlassMetricsMatchSklearn) {
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<int> weight(1, 5);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<int32_t> labels;
  std::vector<double> probabilities;
  std::vector<std::string> rows;
  for (int row = 0; row < 4000; ++row) {
    // Small integer weights, normalised: few distinct values per column, so many ties, and tied
    // maxima that exercise argmax's lowest-class rule.
    const int w[3] = {weight(rng), weight(rng), weight(rng)};
    const double total = w[0] + w[1] + w[2];
    double p[3];
    for (int c = 0; c < 3; ++c) p[c] = w[c] / total;
    // Draw the label from the probabilities, so the model is calibrated and AUC is not trivial.
    const double u = uniform(rng);
    const int32_t label = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
    labels.push_back(label);
    std::string line = std::to_string(label);
    for (int c = 0; c < 3; ++c) {
      probabilities.push_back(p[c]);
      line += "," + Format(p[c]);
    }
    rows.push_back(line);
  }
  ClassificationMetrics ours = Classify(labels, probabilities, 3);
  json::Value reference = RunReference(rows, "3");
  ExpectAgrees(ours.ToList(), reference, 7);
  EXPECT_EQ(ours.ToJson().Find("confusion_matrix")->Dump(),
            reference.Find("confusion_matrix")->Dump());
  EXPECT_GT(ours.roc_auc, 0.55);
}

TEST_F(SklearnReferenceTest, RegressionMetricsMatchSklearn) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> y_true;
  std::vector<double> y_pred;
  std::vector<std::string> rows;
  for (int row = 0; row < 3000; ++row) {
    const double y = std::round(normal(rng) * 4) / 2 + 10;  // repeated targets
    const double p = y + normal(rng);
    y_true.push_back(y);
    y_pred.push_back(p);
    rows.push_back(Format(y) + "," + Format(p));
  }
  RegressionMetrics ours = Regress(y_true, y_pred);
  json::Value reference = RunReference(rows, "regression");
  ExpectAgrees(ours.ToList(), reference, 5);
}

}  // namespace
}  // namespace keel::ml
