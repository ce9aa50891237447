#include "ml/profile/profile_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace keel::ml {

namespace {

// Size of a histogram's drawing area, in SVG user units (CSS pixels).
constexpr int kHistogramWidth = 360;
constexpr int kHistogramHeight = 120;
constexpr int kHistogramAxisHeight = 16;

constexpr std::string_view kStyle = R"css(
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px;
       color: #1f2328; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 8px; word-break: break-all; }
.summary { color: #59636e; margin: 0 0 20px; }
.type { font-weight: normal; font-size: 13px; color: #59636e; margin-left: 8px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e5e7eb; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.overview { margin-bottom: 28px; }
section.column { border: 1px solid #d1d9e0; border-radius: 6px; padding: 14px 16px;
                 margin-bottom: 16px; }
.grid { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.grid h3 { font-size: 13px; margin: 0 0 4px; color: #59636e; }
.bar { background: #4c78a8; height: 10px; display: inline-block; vertical-align: middle; }
.value { max-width: 240px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
svg text { font-size: 10px; fill: #59636e; }
svg rect.bin { fill: #4c78a8; }
svg rect.bin:hover { fill: #f58518; }
)css";

// Six significant digits, as a profile reader wants them ("0.333333", "1.5e+06"); "–" for none.
std::string FormatNumber(std::optional<double> v) {
  if (!v) return "\u2013";
  if (std::isnan(*v)) return "NaN";
  if (std::isinf(*v)) return *v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", *v);
  return buf;
}

std::string FormatPercent(int64_t part, int64_t whole) {
  if (whole <= 0) return "0%";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100.0 * static_cast<double>(part) / whole);
  return buf;
}

void AppendRow(std::string_view name, const std::string& value, std::string* out) {
  *out += "<tr><th>";
  *out += HtmlEscape(name);
  *out += "</th><td class=\"num\">";
  *out += HtmlEscape(value);
  *out += "</td></tr>";
}

void AppendOverview(const TableProfile& profile, std::string* out) {
  *out +=
      "<table class=\"overview\"><thead><tr><th>Column</th><th>Type</th><th class=\"num\">Count"
      "</th><th class=\"num\">Nulls</th><th class=\"num\">Distinct</th><th class=\"num\">Mean"
      "</th><th class=\"num\">Min</th><th class=\"num\">Max</th>";
  if (!profile.label_column.empty()) *out += "<th class=\"num\">Label correlation</th>";
  *out += "</tr></thead><tbody>";
  for (size_t column_idx = 0; column_idx < profile.columns.size(); ++column_idx) {
    const ColumnProfile& column = profile.columns[column_idx];
    *out += "<tr><td><a href=\"#column-" + std::to_string(column_idx) + "\">" +
            HtmlEscape(column.name) + "</a></td><td>" + HtmlEscape(column.type) +
            "</td><td class=\"num\">" + std::to_string(column.count) + "</td><td class=\"num\">" +
            std::to_string(column.nulls) + " (" + FormatPercent(column.nulls, profile.num_rows) +
            ")</td><td class=\"num\">" + (column.distinct_approximate ? "\u2248" : "") +
            std::to_string(column.distinct) + "</td><td class=\"num\">" +
            FormatNumber(column.mean) + "</td><td class=\"num\">" + FormatNumber(column.min) +
            "</td><td class=\"num\">" + FormatNumber(column.max) + "</td>";
    if (!profile.label_column.empty()) {
      *out += "<td class=\"num\">" + FormatNumber(column.label_correlation) + "</td>";
    }
    *out += "</tr>";
  }
  *out += "</tbody></table>";
}

void AppendHistogram(const ColumnProfile& column, std::string* out) {
  if (column.histogram.empty()) return;
  int64_t tallest = 1;
  for (const ColumnProfile::Bin& bin : column.histogram) tallest = std::max(tallest, bin.count);
  const double bar_width = static_cast<double>(kHistogramWidth) / column.histogram.size();
  char buf[160];
  *out += "<div><h3>Histogram</h3><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
          std::to_string(kHistogramWidth) + "\" height=\"" +
          std::to_string(kHistogramHeight + kHistogramAxisHeight) + "\" role=\"img\">";
  for (size_t bin_idx = 0; bin_idx < column.histogram.size(); ++bin_idx) {
    const ColumnProfile::Bin& bin = column.histogram[bin_idx];
    const double height =
        static_cast<double>(kHistogramHeight) * static_cast<double>(bin.count) / tallest;
    std::snprintf(buf, sizeof(buf),
                  "<rect class=\"bin\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\">",
                  bin_idx * bar_width, kHistogramHeight - height, std::max(bar_width - 1, 0.5),
                  height);
    *out += buf;
    const bool last = bin_idx + 1 == column.histogram.size();
    *out += "<title>[" + FormatNumber(bin.low) + ", " + FormatNumber(bin.high) +
            (last ? "]" : ")") + ": " + std::to_string(bin.count) + "</title></rect>";
  }
  std::snprintf(buf, sizeof(buf), "<text x=\"0\" y=\"%d\">", kHistogramHeight + 12);
  *out += buf + HtmlEscape(FormatNumber(column.histogram.front().low)) + "</text>";
  std::snprintf(buf, sizeof(buf), "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", kHistogramWidth,
                kHistogramHeight + 12);
  *out += buf + HtmlEscape(FormatNumber(column.histogram.back().high)) + "</text></svg></div>";
}

void AppendTopValues(const ColumnProfile& column, std::string* out) {
  if (column.top_values.empty()) return;
  const int64_t most = std::max<int64_t>(column.top_values.front().second, 1);
  *out += "<div><h3>Top values</h3><table><tbody>";
  for (const auto& [value, count] : column.top_values) {
    const int width = static_cast<int>(std::lround(120.0 * static_cast<double>(count) / most));
    *out += "<tr><td class=\"value\" title=\"" + HtmlEscape(value) + "\">" + HtmlEscape(value) +
            "</td><td class=\"num\">" + std::to_string(count) +
            "</td><td><span class=\"bar\" "
            "style=\"width:" +
            std::to_string(std::max(width, 1)) + "px\"></span> " +
            FormatPercent(count, column.count) + "</td></tr>";
  }
  *out += "</tbody></table></div>";
}

void AppendColumn(const TableProfile& profile, size_t column_idx, std::string* out) {
  const ColumnProfile& column = profile.columns[column_idx];
  *out += "<section class=\"column\" id=\"column-" + std::to_string(column_idx) + "\"><h2>" +
          HtmlEscape(column.name) + "<span class=\"type\">" + HtmlEscape(column.type) +
          "</span></h2><div class=\"grid\"><div><h3>Statistics</h3><table><tbody>";
  AppendRow("Count", std::to_string(column.count), out);
  AppendRow(
      "Nulls",
      std::to_string(column.nulls) + " (" + FormatPercent(column.nulls, profile.num_rows) + ")",
      out);
  AppendRow(column.distinct_approximate ? "Distinct (approximate)" : "Distinct",
            std::to_string(column.distinct), out);
  if (column.min || column.nan_count > 0 || column.inf_count > 0) {
    AppendRow("Min", FormatNumber(column.min), out);
    AppendRow("Max", FormatNumber(column.max), out);
    AppendRow("Mean", FormatNumber(column.mean), out);
    AppendRow("Std. deviation", FormatNumber(column.stddev), out);
    AppendRow("NaN", std::to_string(column.nan_count), out);
    AppendRow("Infinite", std::to_string(column.inf_count), out);
  }
  if (column.label_correlation) {
    AppendRow("Correlation with " + profile.label_column, FormatNumber(column.label_correlation),
              out);
  }
  *out += "</tbody></table></div>";
  if (!column.quantiles.empty()) {
    *out += "<div><h3>Quantiles</h3><table><tbody>";
    for (const auto& [q, value] : column.quantiles) {
      AppendRow(FormatNumber(q * 100) + "%", FormatNumber(value), out);
    }
    *out += "</tbody></table></div>";
  }
  AppendHistogram(column, out);
  AppendTopValues(column, out);
  *out += "</div></section>";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
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
        out += "&#39;";
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

std::string RenderProfileHtml(const TableProfile& profile, std::string_view title) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>";
  out += HtmlEscape(title);
  out += "</title><style>";
  out += kStyle;
  out += "</style></head><body><h1>";
  out += HtmlEscape(title);
  out += "</h1><p class=\"summary\">" + std::to_string(profile.num_rows) + " rows, " +
         std::to_string(profile.columns.size()) + " columns";
  if (!profile.label_column.empty()) {
    out += ", label <strong>" + HtmlEscape(profile.label_column) + "</strong>";
  }
  out += "</p>";
  AppendOverview(profile, &out);
  for (size_t column_idx = 0; column_idx < profile.columns.size(); ++column_idx) {
    AppendColumn(profile, column_idx, &out);
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace keel::ml
