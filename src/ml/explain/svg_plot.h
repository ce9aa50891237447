#pragma once

#include <string>
#include <string_view>
#include <vector>

// Plots for model explanations, written as self-contained SVG 1.1 documents (no scripts, no
// external fonts or style sheets) so that they can be logged as run artifacts and shown by the
// MLflow UI or any browser. Names are XML-escaped; non-finite numbers are never printed (they
// show as "n/a" or are left out), so a plot is always well-formed XML. Both functions are pure
// and thread-safe; the same input gives byte-identical output.
namespace keel::ml {

// Most bars in a bar chart and features in a SHAP summary, whatever the caller asks for: more
// would not be readable.
inline constexpr int kMaxPlotRows = 200;
// Most dots per feature row in a SHAP summary.
inline constexpr int kMaxShapPointsPerFeature = 2000;

// Horizontal bar chart, e.g. feature importance or mean |SHAP|: one bar per (label, value)
// pair in the order given (sort before calling), the first `max_bars` pairs only (clamped to
// [1, kMaxPlotRows]), labels on the left, each value printed after its bar. Negative values
// extend left of a zero line. A non-finite value draws no bar and prints "n/a". Labels longer
// than 40 characters are shortened with "..." (the full text is kept in a tooltip). When
// `labels` and `values` differ in length the extra entries are ignored; with no pairs the SVG
// says "no data".
std::string BarChartSvg(std::string_view title, const std::vector<std::string>& labels,
                        const std::vector<double>& values, int max_bars = 20);

// SHAP summary plot (beeswarm-like): one row per feature, ordered by mean |SHAP| descending
// (ties keep the input order), the top `max_features` (clamped to [1, kMaxPlotRows]). Each row
// has one dot per sampled input row at x = its SHAP value, stacked vertically where dots
// collide, coloured from blue (low) to red (high) by the rank of the feature's value among the
// sampled rows, grey where that value is missing (NaN or infinite). When there are more than
// `max_points` rows (clamped to [1, kMaxShapPointsPerFeature]), evenly spaced rows are sampled,
// the same ones for every feature, so the plot is deterministic. A vertical line marks zero and
// an x axis with round-numbered ticks sits below.
// shap[row][feature] and feature_values[row][feature], `feature_names.size()` values per row.
// A row of `shap` with another length is skipped; `feature_values` may be empty (all dots
// grey); a non-finite SHAP value draws no dot and counts as missing in the mean. With no
// features or no finite SHAP values the SVG says "no data".
std::string ShapSummarySvg(const std::vector<std::string>& feature_names,
                           const std::vector<std::vector<double>>& shap,
                           const std::vector<std::vector<double>>& feature_values,
                           int max_features = 20, int max_points = 500);

}  // namespace keel::ml
