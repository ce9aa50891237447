#include "ml/train/explain_artifacts.h"

#include <cmath>

#include "ml/explain/svg_plot.h"
#include "storage/batch/column_ops.h"

namespace keel::ml {

namespace {

// (name, value) pairs sorted by value, largest first (stable for ties).
void SortDescending(std::vector<std::string>* names, std::vector<double>* values) {
  std::vector<size_t> order(names->size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return (*values)[a] > (*values)[b]; });
  std::vector<std::string> sorted_names;
  std::vector<double> sorted_values;
  for (size_t i : order) {
    sorted_names.push_back((*names)[i]);
    sorted_values.push_back((*values)[i]);
  }
  *names = std::move(sorted_names);
  *values = std::move(sorted_values);
}

json::Value Numbers(const std::vector<std::string>& names, const std::vector<double>& values) {
  json::Value out = json::Value::MakeObject();
  for (size_t i = 0; i < names.size(); ++i) out.Set(names[i], values[i]);
  return out;
}

}  // namespace

Status LogExplanations(const XgboostModel* xgboost, const LinearModel* linear,
                       const batch::RecordBatch& rows, TrackedRun* run) {
  json::Value doc = json::Value::MakeObject();
  if (linear != nullptr) {
    std::vector<std::string> names = linear->spec().features;
    std::vector<double> weights;
    for (double c : linear->spec().coefficients) weights.push_back(std::abs(c));
    SortDescending(&names, &weights);
    doc.Set("importance_type", "abs_coefficient");
    doc.Set("feature_importance", Numbers(names, weights));
    KEEL_RETURN_IF_ERROR(
        run->UploadArtifact("explain/feature_importance.svg",
                            BarChartSvg("Feature importance (|coefficient|)", names, weights)));
    return run->UploadArtifact("explain/explanations.json", doc.Dump(true) + "\n");
  }
  std::vector<std::string> names = xgboost->feature_names();
  KEEL_ASSIGN_OR_RETURN(std::vector<double> gain, xgboost->FeatureImportance());
  {
    std::vector<std::string> sorted_names = names;
    std::vector<double> sorted_gain = gain;
    SortDescending(&sorted_names, &sorted_gain);
    doc.Set("importance_type", "total_gain");
    doc.Set("feature_importance", Numbers(sorted_names, sorted_gain));
    KEEL_RETURN_IF_ERROR(run->UploadArtifact(
        "explain/feature_importance.svg",
        BarChartSvg("Feature importance (total gain)", sorted_names, sorted_gain)));
  }
  const int64_t n = std::min(rows.num_rows, kMaxExplainedRows);
  if (n > 0) {
    batch::RecordBatch sample = batch::Slice(rows, 0, n);
    KEEL_ASSIGN_OR_RETURN(std::vector<float> x, xgboost->encoding().EncodeDense(sample));
    KEEL_ASSIGN_OR_RETURN(std::vector<double> contributions, xgboost->Contributions(x, n));
    const size_t k = names.size();
    std::vector<std::vector<double>> shap(n, std::vector<double>(k));
    std::vector<std::vector<double>> values(n, std::vector<double>(k));
    std::vector<double> mean_abs(k, 0.0);
    for (int64_t row = 0; row < n; ++row) {
      for (size_t f = 0; f < k; ++f) {
        shap[row][f] = contributions[row * (k + 1) + f];
        values[row][f] = x[row * k + f];
        mean_abs[f] += std::abs(shap[row][f]) / static_cast<double>(n);
      }
    }
    KEEL_RETURN_IF_ERROR(
        run->UploadArtifact("explain/shap_summary.svg", ShapSummarySvg(names, shap, values)));
    std::vector<std::string> sorted_names = names;
    SortDescending(&sorted_names, &mean_abs);
    doc.Set("shap_rows", n);
    doc.Set("mean_abs_shap", Numbers(sorted_names, mean_abs));
    KEEL_RETURN_IF_ERROR(run->UploadArtifact(
        "explain/shap_importance.svg", BarChartSvg("Mean |SHAP value|", sorted_names, mean_abs)));
  }
  return run->UploadArtifact("explain/explanations.json", doc.Dump(true) + "\n");
}

}  // namespace keel::ml
