#include "ml/evaluate/metrics.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <string>

namespace keel::ml {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Neumaier's compensated sum. numpy sums pairwise; plain left-to-right sums over a million rows
// would drift from it by more than the 1e-9 we promise, compensated ones do not.
class CompensatedSum {
 public:
  void Add(double x) {
    double t = sum_ + x;
    if (std::fabs(sum_) >= std::fabs(x)) {
      compensation_ += (sum_ - t) + x;
    } else {
      compensation_ += (x - t) + sum_;
    }
    sum_ = t;
  }
  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0;
  double compensation_ = 0;
};

// One row of a binary ranking problem.
struct ScoredRow {
  double score;
  bool positive;
};

struct CurveAreas {
  double roc_auc;
  double average_precision;
};

// ROC AUC and average precision of `rows` (reordered in place), as sklearn's roc_auc_score and
// average_precision_score: the rows are ranked by descending score and each run of equal scores
// is one threshold, so ties move the curves diagonally (ROC) or in one step (precision-recall).
// REQUIRES: at least one positive and one negative row.
CurveAreas ComputeCurveAreas(std::vector<ScoredRow>* rows) {
  std::sort(rows->begin(), rows->end(),
            [](const ScoredRow& a, const ScoredRow& b) { return a.score > b.score; });
  int64_t num_positive = 0;
  for (const ScoredRow& row : *rows) num_positive += row.positive ? 1 : 0;
  const int64_t num_negative = static_cast<int64_t>(rows->size()) - num_positive;

  // Twice the ROC area in units of one (positive, negative) pair: exact integers, so the only
  // rounding is the final division. 128 bits because the sum reaches 2 * P * N.
  unsigned __int128 twice_roc_pairs = 0;
  CompensatedSum average_precision;
  int64_t tp = 0;
  int64_t fp = 0;
  int64_t prev_tp = 0;
  int64_t prev_fp = 0;
  const size_t n = rows->size();
  for (size_t row_idx = 0; row_idx < n; ++row_idx) {
    if ((*rows)[row_idx].positive) {
      ++tp;
    } else {
      ++fp;
    }
    const bool threshold_ends =
        row_idx + 1 == n || (*rows)[row_idx + 1].score != (*rows)[row_idx].score;
    if (!threshold_ends) continue;
    twice_roc_pairs +=
        static_cast<unsigned __int128>(fp - prev_fp) * static_cast<unsigned __int128>(tp + prev_tp);
    if (tp != prev_tp) {
      const double recall_step = static_cast<double>(tp) / static_cast<double>(num_positive) -
                                 static_cast<double>(prev_tp) / static_cast<double>(num_positive);
      const double precision = static_cast<double>(tp) / static_cast<double>(tp + fp);
      average_precision.Add(recall_step * precision);
    }
    prev_tp = tp;
    prev_fp = fp;
  }
  CurveAreas areas;
  areas.roc_auc = static_cast<double>(twice_roc_pairs) /
                  (2.0 * static_cast<double>(num_positive) * static_cast<double>(num_negative));
  areas.average_precision = average_precision.value();
  return areas;
}

// Precision, recall and F1 from counts, with sklearn's zero_division="warn" results (0).
struct PrecisionRecallF1 {
  double precision;
  double recall;
  double f1;
};

PrecisionRecallF1 ScoreClass(int64_t true_positive, int64_t predicted, int64_t actual) {
  PrecisionRecallF1 out;
  out.precision =
      predicted == 0 ? 0.0 : static_cast<double>(true_positive) / static_cast<double>(predicted);
  out.recall = actual == 0 ? 0.0 : static_cast<double>(true_positive) / static_cast<double>(actual);
  // sklearn 1.2 computes F1 from the rounded precision and recall, not from the counts.
  const double denominator = out.precision + out.recall;
  out.f1 = denominator == 0.0 ? 0.0 : 2.0 * out.precision * out.recall / denominator;
  return out;
}

Status ValidateClassificationInput(const std::vector<int32_t>& labels,
                                   const std::vector<double>& probabilities, int num_classes) {
  if (num_classes < 2 || num_classes > kMaxClassificationClasses) {
    return Status::InvalidArgument(
        "classification metrics need between 2 and " + std::to_string(kMaxClassificationClasses) +
        " classes, got num_classes=" + std::to_string(num_classes) +
        "; a binary problem has 2 (probability columns for class 0 and class 1)");
  }
  if (labels.empty()) {
    return Status::InvalidArgument(
        "cannot compute classification metrics on no rows; check that the evaluation data (or "
        "slice) is not empty");
  }
  const size_t expected = labels.size() * static_cast<size_t>(num_classes);
  if (probabilities.size() != expected) {
    return Status::InvalidArgument("classification metrics need " + std::to_string(num_classes) +
                                   " probabilities per row (row-major): got " +
                                   std::to_string(probabilities.size()) + " probabilities for " +
                                   std::to_string(labels.size()) + " labels, expected " +
                                   std::to_string(expected));
  }
  for (size_t row_idx = 0; row_idx < labels.size(); ++row_idx) {
    const int32_t label = labels[row_idx];
    if (label < 0 || label >= num_classes) {
      return Status::InvalidArgument("label " + std::to_string(label) + " at row " +
                                     std::to_string(row_idx) + " is outside [0, " +
                                     std::to_string(num_classes) +
                                     "); encode the label column as class indices first");
    }
  }
  for (size_t value_idx = 0; value_idx < probabilities.size(); ++value_idx) {
    const double p = probabilities[value_idx];
    if (std::isfinite(p) && p >= 0) continue;
    const std::string what = std::isnan(p) ? "NaN" : std::isinf(p) ? "infinite" : "negative";
    return Status::InvalidArgument(
        "probability of class " + std::to_string(value_idx % num_classes) + " at row " +
        std::to_string(value_idx / num_classes) + " is " + what +
        "; probabilities must be finite and non-negative (check the model's inputs for "
        "NaN/inf)");
  }
  return Status::OK();
}

Status ValidateRegressionInput(const std::vector<double>& y_true,
                               const std::vector<double>& y_pred) {
  if (y_true.size() != y_pred.size()) {
    return Status::InvalidArgument("regression metrics need one prediction per target: got " +
                                   std::to_string(y_true.size()) + " targets and " +
                                   std::to_string(y_pred.size()) + " predictions");
  }
  if (y_true.empty()) {
    return Status::InvalidArgument(
        "cannot compute regression metrics on no rows; check that the evaluation data (or "
        "slice) is not empty");
  }
  for (size_t row_idx = 0; row_idx < y_true.size(); ++row_idx) {
    if (!std::isfinite(y_true[row_idx])) {
      return Status::InvalidArgument("target at row " + std::to_string(row_idx) +
                                     " is NaN or infinite; drop or impute such rows first");
    }
    if (!std::isfinite(y_pred[row_idx])) {
      return Status::InvalidArgument("prediction at row " + std::to_string(row_idx) +
                                     " is NaN or infinite; check the model's inputs for NaN/inf");
    }
  }
  return Status::OK();
}

json::Value NumberOrNull(double value) {
  if (std::isnan(value)) return json::Value();
  return json::Value(value);
}

void AppendUnlessNaN(MetricList* list, const char* name, double value) {
  if (!std::isnan(value)) list->emplace_back(name, value);
}

}  // namespace

MetricList ClassificationMetrics::ToList() const {
  MetricList list;
  AppendUnlessNaN(&list, "accuracy", accuracy);
  AppendUnlessNaN(&list, "precision", precision);
  AppendUnlessNaN(&list, "recall", recall);
  AppendUnlessNaN(&list, "f1", f1);
  AppendUnlessNaN(&list, "log_loss", log_loss);
  AppendUnlessNaN(&list, "roc_auc", roc_auc);
  AppendUnlessNaN(&list, "pr_auc", pr_auc);
  return list;
}

json::Value ClassificationMetrics::ToJson() const {
  json::Value out = json::Value::MakeObject();
  out.Set("num_rows", json::Value(static_cast<long long>(num_rows)));
  out.Set("num_classes", json::Value(num_classes));
  out.Set("accuracy", NumberOrNull(accuracy));
  out.Set("precision", NumberOrNull(precision));
  out.Set("recall", NumberOrNull(recall));
  out.Set("f1", NumberOrNull(f1));
  out.Set("log_loss", NumberOrNull(log_loss));
  out.Set("roc_auc", NumberOrNull(roc_auc));
  out.Set("pr_auc", NumberOrNull(pr_auc));
  json::Value matrix = json::Value::MakeArray();
  for (const std::vector<int64_t>& row : confusion_matrix) {
    json::Value counts = json::Value::MakeArray();
    for (int64_t count : row) counts.Append(json::Value(static_cast<long long>(count)));
    matrix.Append(std::move(counts));
  }
  out.Set("confusion_matrix", std::move(matrix));
  return out;
}

MetricList RegressionMetrics::ToList() const {
  MetricList list;
  AppendUnlessNaN(&list, "mse", mse);
  AppendUnlessNaN(&list, "rmse", rmse);
  AppendUnlessNaN(&list, "mae", mae);
  AppendUnlessNaN(&list, "r2", r2);
  AppendUnlessNaN(&list, "mape", mape);
  return list;
}

json::Value RegressionMetrics::ToJson() const {
  json::Value out = json::Value::MakeObject();
  out.Set("num_rows", json::Value(static_cast<long long>(num_rows)));
  out.Set("mse", NumberOrNull(mse));
  out.Set("rmse", NumberOrNull(rmse));
  out.Set("mae", NumberOrNull(mae));
  out.Set("r2", NumberOrNull(r2));
  out.Set("mape", NumberOrNull(mape));
  return out;
}

Result<ClassificationMetrics> ComputeClassificationMetrics(const std::vector<int32_t>& labels,
                                                           const std::vector<double>& probabilities,
                                                           int num_classes) {
  KEEL_RETURN_IF_ERROR(ValidateClassificationInput(labels, probabilities, num_classes));
  const size_t n = labels.size();
  const size_t k = static_cast<size_t>(num_classes);
  const bool binary = num_classes == 2;

  ClassificationMetrics m;
  m.num_classes = num_classes;
  m.num_rows = static_cast<int64_t>(n);
  m.confusion_matrix.assign(k, std::vector<int64_t>(k, 0));

  // One pass: predicted class, confusion matrix and log loss.
  CompensatedSum log_loss;
  for (size_t row_idx = 0; row_idx < n; ++row_idx) {
    const double* row = probabilities.data() + row_idx * k;
    size_t predicted = 0;
    if (binary) {
      predicted = row[1] > 0.5 ? 1 : 0;
    } else {
      for (size_t class_idx = 1; class_idx < k; ++class_idx) {
        if (row[class_idx] > row[predicted]) predicted = class_idx;
      }
    }
    const size_t label = static_cast<size_t>(labels[row_idx]);
    ++m.confusion_matrix[label][predicted];

    // sklearn: clip to [eps, 1 - eps], divide by the row sum, take -log of the label's entry.
    double row_sum = 0;
    for (size_t class_idx = 0; class_idx < k; ++class_idx) {
      row_sum += std::clamp(row[class_idx], DBL_EPSILON, 1.0 - DBL_EPSILON);
    }
    const double p_label = std::clamp(row[label], DBL_EPSILON, 1.0 - DBL_EPSILON) / row_sum;
    log_loss.Add(-std::log(p_label));
  }
  m.log_loss = log_loss.value() / static_cast<double>(n);

  // Per-class counts from the confusion matrix.
  std::vector<int64_t> actual(k, 0);
  std::vector<int64_t> predicted(k, 0);
  int64_t correct = 0;
  for (size_t true_idx = 0; true_idx < k; ++true_idx) {
    correct += m.confusion_matrix[true_idx][true_idx];
    for (size_t pred_idx = 0; pred_idx < k; ++pred_idx) {
      actual[true_idx] += m.confusion_matrix[true_idx][pred_idx];
      predicted[pred_idx] += m.confusion_matrix[true_idx][pred_idx];
    }
  }
  m.accuracy = static_cast<double>(correct) / static_cast<double>(n);

  if (binary) {
    const PrecisionRecallF1 positive =
        ScoreClass(m.confusion_matrix[1][1], predicted[1], actual[1]);
    m.precision = positive.precision;
    m.recall = positive.recall;
    m.f1 = positive.f1;
  } else {
    // Macro average over the classes seen in labels or predictions (sklearn's unique_labels).
    CompensatedSum precision_sum;
    CompensatedSum recall_sum;
    CompensatedSum f1_sum;
    int seen = 0;
    for (size_t class_idx = 0; class_idx < k; ++class_idx) {
      if (actual[class_idx] == 0 && predicted[class_idx] == 0) continue;
      const PrecisionRecallF1 scores = ScoreClass(m.confusion_matrix[class_idx][class_idx],
                                                  predicted[class_idx], actual[class_idx]);
      precision_sum.Add(scores.precision);
      recall_sum.Add(scores.recall);
      f1_sum.Add(scores.f1);
      ++seen;
    }
    m.precision = precision_sum.value() / seen;
    m.recall = recall_sum.value() / seen;
    m.f1 = f1_sum.value() / seen;
  }

  // Ranking metrics: undefined unless the labels hold at least two classes.
  int present = 0;
  for (size_t class_idx = 0; class_idx < k; ++class_idx) present += actual[class_idx] > 0 ? 1 : 0;
  if (present < 2) {
    m.roc_auc = kNaN;
    m.pr_auc = kNaN;
    return m;
  }
  std::vector<ScoredRow> rows(n);
  if (binary) {
    for (size_t row_idx = 0; row_idx < n; ++row_idx) {
      rows[row_idx] = ScoredRow{probabilities[row_idx * k + 1], labels[row_idx] == 1};
    }
    const CurveAreas areas = ComputeCurveAreas(&rows);
    m.roc_auc = areas.roc_auc;
    m.pr_auc = areas.average_precision;
    return m;
  }
  // One-vs-rest over the classes present in the labels (each has positives and negatives, since
  // at least two classes are present).
  double roc_sum = 0;
  double ap_sum = 0;
  for (size_t class_idx = 0; class_idx < k; ++class_idx) {
    if (actual[class_idx] == 0) continue;
    for (size_t row_idx = 0; row_idx < n; ++row_idx) {
      rows[row_idx] = ScoredRow{probabilities[row_idx * k + class_idx],
                                static_cast<size_t>(labels[row_idx]) == class_idx};
    }
    const CurveAreas areas = ComputeCurveAreas(&rows);
    roc_sum += areas.roc_auc;
    ap_sum += areas.average_precision;
  }
  m.roc_auc = roc_sum / present;
  m.pr_auc = ap_sum / present;
  return m;
}

Result<RegressionMetrics> ComputeRegressionMetrics(const std::vector<double>& y_true,
                                                   const std::vector<double>& y_pred) {
  KEEL_RETURN_IF_ERROR(ValidateRegressionInput(y_true, y_pred));
  const size_t n = y_true.size();
  const double count = static_cast<double>(n);

  CompensatedSum squared_error;
  CompensatedSum absolute_error;
  CompensatedSum percentage_error;
  CompensatedSum target_sum;
  for (size_t row_idx = 0; row_idx < n; ++row_idx) {
    const double error = y_true[row_idx] - y_pred[row_idx];
    squared_error.Add(error * error);
    absolute_error.Add(std::fabs(error));
    percentage_error.Add(std::fabs(error) / std::max(std::fabs(y_true[row_idx]), DBL_EPSILON));
    target_sum.Add(y_true[row_idx]);
  }

  RegressionMetrics m;
  m.num_rows = static_cast<int64_t>(n);
  m.mse = squared_error.value() / count;
  m.rmse = std::sqrt(m.mse);
  m.mae = absolute_error.value() / count;
  m.mape = percentage_error.value() / count;

  if (n < 2) {
    m.r2 = kNaN;
    return m;
  }
  const double mean = target_sum.value() / count;
  CompensatedSum total_squares;
  for (double y : y_true) total_squares.Add((y - mean) * (y - mean));
  const double residual = squared_error.value();
  const double total = total_squares.value();
  if (total == 0) {
    m.r2 = residual == 0 ? 1.0 : 0.0;
  } else {
    m.r2 = 1.0 - residual / total;
  }
  return m;
}

}  // namespace keel::ml
