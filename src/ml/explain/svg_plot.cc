#include "ml/explain/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

namespace keel::ml {

namespace {

// Layout, in SVG user units (pixels).
constexpr double kMargin = 16;
constexpr double kTitleHeight = 34;
constexpr double kCharWidth = 7;  // average width of a 12px sans-serif character
constexpr size_t kMaxLabelChars = 40;
constexpr double kBarHeight = 18;
constexpr double kBarRowHeight = 26;
constexpr double kBarPlotWidth = 420;
constexpr double kValueTextWidth = 72;
constexpr double kShapRowHeight = 30;
constexpr double kShapPlotWidth = 520;
constexpr double kShapAxisHeight = 56;
constexpr double kShapLegendWidth = 80;
constexpr double kDotRadius = 2.5;

// SHAP's own palette: low feature values blue, high red.
constexpr int kLowColor[3] = {0x1E, 0x88, 0xE5};
constexpr int kHighColor[3] = {0xFF, 0x0D, 0x57};
constexpr const char* kMissingColor = "#9E9E9E";

// Escapes text for XML content and attribute values. Control characters other than tab,
// newline and carriage return cannot appear in XML 1.0 at all, so they become '?'.
std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

// The number of characters (UTF-8 code points) in `text`.
size_t CharCount(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// `label` cut to kMaxLabelChars characters (at a UTF-8 boundary) plus "...", when longer.
std::string ShortLabel(std::string_view label, bool* shortened) {
  *shortened = CharCount(label) > kMaxLabelChars;
  if (!*shortened) return std::string(label);
  size_t chars = 0;
  size_t end = 0;
  for (; end < label.size(); ++end) {
    if ((static_cast<unsigned char>(label[end]) & 0xC0) != 0x80) {
      if (chars == kMaxLabelChars - 3) break;
      ++chars;
    }
  }
  return std::string(label.substr(0, end)) + "...";
}

double LabelColumnWidth(const std::vector<std::string>& labels, size_t count) {
  size_t widest = 4;
  for (size_t i = 0; i < count; ++i) {
    widest = std::max(widest, std::min(CharCount(labels[i]), kMaxLabelChars));
  }
  return static_cast<double>(widest) * kCharWidth + 12;
}

// A coordinate: one decimal is finer than a screen pixel.
std::string Num(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  std::string s = buf;
  if (s == "-0.0") s = "0.0";
  return s;
}

// A value for people to read: four significant digits, "n/a" when not finite.
std::string FormatValue(double v) {
  if (!std::isfinite(v)) return "n/a";
  if (v == 0) v = 0;  // no "-0"
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

std::string SvgOpen(double width, double height) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + Num(width) +
         "\" height=\"" + Num(height) + "\" viewBox=\"0 0 " + Num(width) + " " + Num(height) +
         "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
         "<rect x=\"0\" y=\"0\" width=\"" +
         Num(width) + "\" height=\"" + Num(height) + "\" fill=\"#ffffff\"/>\n";
}

std::string Text(double x, double y, std::string_view anchor, std::string_view escaped_text,
                 std::string_view extra = "") {
  std::string out =
      "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" + std::string(anchor) + "\"";
  if (!extra.empty()) out += " " + std::string(extra);
  return out + ">" + std::string(escaped_text) + "</text>\n";
}

std::string Line(double x1, double y1, double x2, double y2, std::string_view stroke,
                 std::string_view extra = "") {
  std::string out = "<line x1=\"" + Num(x1) + "\" y1=\"" + Num(y1) + "\" x2=\"" + Num(x2) +
                    "\" y2=\"" + Num(y2) + "\" stroke=\"" + std::string(stroke) + "\"";
  if (!extra.empty()) out += " " + std::string(extra);
  return out + "/>\n";
}

// A label at the left of a row, shortened with its full text as a tooltip when too long.
std::string RowLabel(double x, double y, std::string_view label) {
  bool shortened = false;
  std::string shown = ShortLabel(label, &shortened);
  std::string text = Text(x, y, "end", XmlEscape(shown));
  if (!shortened) return text;
  return "<g><title>" + XmlEscape(label) + "</title>" + text + "</g>\n";
}

std::string NoDataSvg(std::string_view title) {
  const double width = 420;
  const double height = 110;
  std::string out = SvgOpen(width, height);
  out += Text(width / 2, kMargin + 14, "middle", XmlEscape(title), "font-size=\"14\"");
  out += Text(width / 2, height / 2 + 14, "middle", "no data", "fill=\"#757575\"");
  return out + "</svg>\n";
}

int Clamp(int v, int lo, int hi) { return std::max(lo, std::min(v, hi)); }

// A round tick step (1, 2 or 5 times a power of ten) giving about `target` ticks over `span`.
double NiceStep(double span, int target) {
  double raw = span / target;
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  double fraction = raw / power;
  double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  return nice * power;
}

std::string Color(double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  char buf[8];
  int rgb[3];
  for (int i = 0; i < 3; ++i) {
    rgb[i] =
        static_cast<int>(std::lround(kLowColor[i] + fraction * (kHighColor[i] - kLowColor[i])));
  }
  std::snprintf(buf, sizeof(buf), "#%02X%02X%02X", rgb[0], rgb[1], rgb[2]);
  return buf;
}

// For each of `values`, its rank among the finite ones scaled to [0, 1] (ties share their mean
// rank; a single finite value gets 0.5), or -1 when it is not finite.
std::vector<double> RankFractions(const std::vector<double>& values) {
  std::vector<size_t> order;
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i])) order.push_back(i);
  }
  std::vector<double> fractions(values.size(), -1.0);
  if (order.empty()) return fractions;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  const double last = static_cast<double>(order.size() - 1);
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin + 1;
    while (end < order.size() && values[order[end]] == values[order[begin]]) ++end;
    double mean_rank = (static_cast<double>(begin) + static_cast<double>(end - 1)) / 2;
    for (size_t k = begin; k < end; ++k) {
      fractions[order[k]] = order.size() == 1 ? 0.5 : mean_rank / last;
    }
    begin = end;
  }
  return fractions;
}

}  // namespace

std::string BarChartSvg(std::string_view title, const std::vector<std::string>& labels,
                        const std::vector<double>& values, int max_bars) {
  const size_t count = std::min(
      {labels.size(), values.size(), static_cast<size_t>(Clamp(max_bars, 1, kMaxPlotRows))});
  if (count == 0) return NoDataSvg(title);

  double lo = 0;
  double hi = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) continue;
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
  }
  if (hi == lo) hi = 1;  // all zero (or n/a): an empty scale still needs a width
  const double label_width = LabelColumnWidth(labels, count);
  const double plot_left = kMargin + label_width + (lo < 0 ? kValueTextWidth : 0);
  const double plot_right = plot_left + kBarPlotWidth;
  const double width = plot_right + kValueTextWidth + kMargin;
  const double top = kMargin + kTitleHeight;
  const double height = top + static_cast<double>(count) * kBarRowHeight + kMargin;
  auto x_of = [&](double v) { return plot_left + (v - lo) / (hi - lo) * kBarPlotWidth; };
  const double zero_x = x_of(0);

  std::string out = SvgOpen(width, height);
  out += Text(kMargin, kMargin + 14, "start", XmlEscape(title),
              "font-size=\"14\" font-weight=\"bold\"");
  for (size_t i = 0; i < count; ++i) {
    const double row_top = top + static_cast<double>(i) * kBarRowHeight;
    const double text_y = row_top + kBarHeight / 2 + 4;
    out += RowLabel(kMargin + label_width - 6, text_y, labels[i]);
    const double v = values[i];
    if (!std::isfinite(v)) {
      out += Text(zero_x + 4, text_y, "start", FormatValue(v), "fill=\"#757575\"");
      continue;
    }
    const double end_x = x_of(v);
    out += "<rect x=\"" + Num(std::min(zero_x, end_x)) + "\" y=\"" + Num(row_top) + "\" width=\"" +
           Num(std::abs(end_x - zero_x)) + "\" height=\"" + Num(kBarHeight) + "\" fill=\"" +
           (v < 0 ? Color(1) : Color(0)) + "\"/>\n";
    if (v < 0) {
      out += Text(end_x - 4, text_y, "end", FormatValue(v));
    } else {
      out += Text(end_x + 4, text_y, "start", FormatValue(v));
    }
  }
  out += Line(zero_x, top - 4, zero_x, height - kMargin + 4, "#424242");
  return out + "</svg>\n";
}

std::string ShapSummarySvg(const std::vector<std::string>& feature_names,
                           const std::vector<std::vector<double>>& shap,
                           const std::vector<std::vector<double>>& feature_values, int max_features,
                           int max_points) {
  constexpr std::string_view kTitle = "SHAP summary";
  const size_t num_features = feature_names.size();
  std::vector<size_t> rows;  // the rows of `shap` with one value per feature
  for (size_t row_idx = 0; row_idx < shap.size(); ++row_idx) {
    if (shap[row_idx].size() == num_features) rows.push_back(row_idx);
  }
  if (num_features == 0 || rows.empty()) return NoDataSvg(kTitle);

  // Order features by mean |SHAP| over all valid rows.
  std::vector<double> mean_abs(num_features, 0.0);
  std::vector<size_t> finite_counts(num_features, 0);
  for (size_t row_idx : rows) {
    for (size_t feature_idx = 0; feature_idx < num_features; ++feature_idx) {
      double v = shap[row_idx][feature_idx];
      if (!std::isfinite(v)) continue;
      mean_abs[feature_idx] += std::abs(v);
      ++finite_counts[feature_idx];
    }
  }
  bool any_finite = false;
  for (size_t feature_idx = 0; feature_idx < num_features; ++feature_idx) {
    if (finite_counts[feature_idx] == 0) continue;
    any_finite = true;
    mean_abs[feature_idx] /= static_cast<double>(finite_counts[feature_idx]);
  }
  if (!any_finite) return NoDataSvg(kTitle);
  std::vector<size_t> order(num_features);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return mean_abs[a] > mean_abs[b]; });
  order.resize(std::min(order.size(), static_cast<size_t>(Clamp(max_features, 1, kMaxPlotRows))));

  // Evenly spaced rows, the same for every feature.
  const size_t points =
      std::min(rows.size(), static_cast<size_t>(Clamp(max_points, 1, kMaxShapPointsPerFeature)));
  std::vector<size_t> sampled(points);
  for (size_t k = 0; k < points; ++k) sampled[k] = rows[k * rows.size() / points];

  // The x scale: every shown value and zero, padded, extended to round ticks.
  double lo = 0;
  double hi = 0;
  for (size_t feature_idx : order) {
    for (size_t row_idx : sampled) {
      double v = shap[row_idx][feature_idx];
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  // Keeps hi - lo finite for absurd values (those dots land outside the plot).
  lo = std::max(lo, -1e300);
  hi = std::min(hi, 1e300);
  if (hi == lo) {
    lo -= 1;
    hi += 1;
  }
  const double step = NiceStep(hi - lo, 6);
  lo = std::floor(lo / step) * step;
  hi = std::ceil(hi / step) * step;

  std::vector<std::string> shown_names;
  for (size_t feature_idx : order) shown_names.push_back(feature_names[feature_idx]);
  const double plot_left = kMargin + LabelColumnWidth(shown_names, shown_names.size()) + 8;
  const double plot_right = plot_left + kShapPlotWidth;
  const double top = kMargin + kTitleHeight;
  const double plot_bottom = top + static_cast<double>(order.size()) * kShapRowHeight;
  const double width = plot_right + kShapLegendWidth + kMargin;
  const double height = plot_bottom + kShapAxisHeight + kMargin;
  auto x_of = [&](double v) { return plot_left + (v - lo) / (hi - lo) * kShapPlotWidth; };

  std::string out = SvgOpen(width, height);
  out +=
      "<defs><linearGradient id=\"keel-shap-gradient\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
      "<stop offset=\"0\" stop-color=\"" +
      Color(0) + "\"/><stop offset=\"1\" stop-color=\"" + Color(1) +
      "\"/></linearGradient></defs>\n";
  out += Text(kMargin, kMargin + 14, "start", XmlEscape(kTitle),
              "font-size=\"14\" font-weight=\"bold\"");

  // Rows: a guide line, the label, then the dots.
  for (size_t position = 0; position < order.size(); ++position) {
    const size_t feature_idx = order[position];
    const double center_y = top + (static_cast<double>(position) + 0.5) * kShapRowHeight;
    out += Line(plot_left, center_y, plot_right, center_y, "#e0e0e0", "stroke-dasharray=\"2,3\"");
    out += RowLabel(plot_left - 8, center_y + 4, feature_names[feature_idx]);

    std::vector<double> values(sampled.size(), std::nan(""));
    for (size_t k = 0; k < sampled.size(); ++k) {
      const size_t row_idx = sampled[k];
      if (row_idx < feature_values.size() && feature_values[row_idx].size() == num_features) {
        values[k] = feature_values[row_idx][feature_idx];
      }
    }
    const std::vector<double> fractions = RankFractions(values);
    // Stack colliding dots: the n-th dot in a dot-wide bucket goes alternately below and above
    // the centre line, wrapping inside the row.
    std::map<long, int> bucket_counts;
    const double max_offset = kShapRowHeight / 2 - kDotRadius - 1;
    out += "<g fill-opacity=\"0.8\">\n";
    for (size_t k = 0; k < sampled.size(); ++k) {
      const double v = shap[sampled[k]][feature_idx];
      if (!std::isfinite(v)) continue;
      const double x = x_of(v);
      int n = bucket_counts[std::lround(x / (2 * kDotRadius))]++;
      double offset = static_cast<double>((n + 1) / 2) * 1.5 * kDotRadius;
      offset = std::fmod(offset, max_offset);
      if (n % 2 == 1) offset = -offset;
      out += "<circle cx=\"" + Num(x) + "\" cy=\"" + Num(center_y + offset) + "\" r=\"" +
             Num(kDotRadius) + "\" fill=\"" +
             (fractions[k] < 0 ? std::string(kMissingColor) : Color(fractions[k])) + "\"/>\n";
    }
    out += "</g>\n";
  }

  // Zero line and x axis.
  out += Line(x_of(0), top - 4, x_of(0), plot_bottom, "#616161");
  out += Line(plot_left, plot_bottom, plot_right, plot_bottom, "#424242");
  const int num_ticks = static_cast<int>(std::lround((hi - lo) / step));
  for (int tick = 0; tick <= num_ticks; ++tick) {
    double v = lo + tick * step;
    if (std::abs(v) < step * 1e-9) v = 0;
    const double x = x_of(v);
    out += Line(x, plot_bottom, x, plot_bottom + 5, "#424242");
    out += Text(x, plot_bottom + 18, "middle", FormatValue(v));
  }
  out += Text((plot_left + plot_right) / 2, plot_bottom + 40, "middle",
              "SHAP value (impact on model output)");

  // Colour legend.
  const double legend_x = plot_right + 20;
  const double legend_top = top;
  const double legend_height = std::max(60.0, plot_bottom - top);
  out += "<rect x=\"" + Num(legend_x) + "\" y=\"" + Num(legend_top) + "\" width=\"10\" height=\"" +
         Num(legend_height) + "\" fill=\"url(#keel-shap-gradient)\"/>\n";
  out += Text(legend_x + 14, legend_top + 10, "start", "high");
  out += Text(legend_x + 14, legend_top + legend_height, "start", "low");
  const double mid_y = legend_top + legend_height / 2;
  const double legend_label_x = legend_x + 48;  // right of "high" and "low"
  out += Text(legend_label_x, mid_y, "middle", "Feature value",
              "transform=\"rotate(-90 " + Num(legend_label_x) + " " + Num(mid_y) + ")\"");
  return out + "</svg>\n";
}

}  // namespace keel::ml
