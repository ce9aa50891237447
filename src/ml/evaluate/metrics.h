#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"

// Evaluation metrics for classification and regression, as pure functions of labels and
// predictions: no tracking, no files. Training, tuning, AutoML and `keel evaluate` all call these,
// so one model scores the same wherever it is measured. Every metric follows scikit-learn 1.2
// (sklearn.metrics) to 1e-9, so numbers logged by Keel can be compared with numbers from Python.
//
// All functions are thread-safe (they touch only their arguments) and O(n log n) in the number
// of rows: a million rows take well under a second.
namespace keel::ml {

// Named metric values in a stable order, e.g. {"accuracy", 0.93}: what gets logged to tracking.
using MetricList = std::vector<std::pair<std::string, double>>;

// More classes are refused: the confusion matrix is num_classes^2 counts and the one-vs-rest
// curves sort the rows once per class.
inline constexpr int kMaxClassificationClasses = 1024;

struct ClassificationMetrics {
  int num_classes = 0;
  int64_t num_rows = 0;
  // Fraction of rows whose predicted class is the label.
  double accuracy = 0;
  // Binary: of the positive class (1). Multiclass: unweighted mean over the classes that occur in
  // the labels or the predictions (sklearn average="macro"). A class never predicted has
  // precision 0, one never in the labels recall 0 (sklearn zero_division="warn").
  double precision = 0;
  double recall = 0;
  double f1 = 0;  // multiclass: the mean of per-class F1, not the F1 of the means
  // Mean cross-entropy of the labels under the probabilities, clipped and renormalised per row.
  double log_loss = 0;
  // Area under the ROC curve (trapezoids between distinct thresholds, so tied scores count
  // half). Multiclass: one-vs-rest, unweighted mean over the classes present in the labels.
  // NaN when the labels hold a single class: the curve is then undefined.
  double roc_auc = 0;
  // Average precision, the usual estimate of the area under the precision-recall curve:
  // sum over distinct thresholds of (R_n - R_{n-1}) * P_n, without interpolation (sklearn
  // average_precision_score). Multiclass: one-vs-rest, mean over the classes present in the
  // labels. NaN when the labels hold a single class.
  double pr_auc = 0;
  // confusion_matrix[true_class][predicted_class]: num_classes x num_classes row counts.
  std::vector<std::vector<int64_t>> confusion_matrix;

  // "accuracy", "precision", "recall", "f1", "log_loss", "roc_auc", "pr_auc" in that order;
  // NaN values are omitted (tracking cannot store them usefully).
  MetricList ToList() const;
  // {"num_rows", "num_classes", the seven metrics (NaN as null), "confusion_matrix": [[...]]}.
  json::Value ToJson() const;
};

// Scores class probabilities against labels.
//   labels[i] in [0, num_classes).
//   probabilities: row-major num_rows x num_classes; binary problems pass two columns, column 1
//     being the positive class. Rows need not sum to 1 (log loss renormalises them; the curves
//     use the columns as scores).
// The predicted class is the argmax of the row, the lowest class on ties; for binary problems it
// is 1 iff p1 > 0.5, the threshold sklearn's and xgboost's predict() use.
// log_loss is sklearn 1.2's log_loss(labels=range(num_classes)) with its default eps="auto":
// probabilities are clipped to [DBL_EPSILON, 1 - DBL_EPSILON] and each row then renormalised.
// Errors (kInvalidParameterValue): num_classes < 2 or > kMaxClassificationClasses, no rows,
// probabilities.size() != labels.size() * num_classes, a label out of range, a NaN, infinite
// or negative probability.
Result<ClassificationMetrics> ComputeClassificationMetrics(const std::vector<int32_t>& labels,
                                                           const std::vector<double>& probabilities,
                                                           int num_classes);

struct RegressionMetrics {
  int64_t num_rows = 0;
  double mse = 0;   // mean squared error
  double rmse = 0;  // sqrt(mse)
  double mae = 0;   // mean absolute error
  // Coefficient of determination, 1 - SS_res / SS_tot. As sklearn's force_finite: when y_true is
  // constant (SS_tot == 0) it is 1.0 for a perfect prediction, else 0.0. NaN for a single row
  // (sklearn: "not well-defined with less than two samples").
  double r2 = 0;
  // Mean absolute percentage error as a fraction (0.1 = 10%): mean(|y - p| / max(|y|,
  // DBL_EPSILON)), so a zero target gives a huge but finite term, as in sklearn.
  double mape = 0;

  // "mse", "rmse", "mae", "r2", "mape" in that order; NaN values are omitted.
  MetricList ToList() const;
  // {"num_rows", the five metrics (NaN as null)}.
  json::Value ToJson() const;
};

// Scores predictions against targets (sklearn.metrics 1.2: mean_squared_error,
// mean_absolute_error, r2_score, mean_absolute_percentage_error).
// Errors (kInvalidParameterValue): sizes differ, no rows, a NaN or infinite value.
Result<RegressionMetrics> ComputeRegressionMetrics(const std::vector<double>& y_true,
                                                   const std::vector<double>& y_pred);

}  // namespace keel::ml
