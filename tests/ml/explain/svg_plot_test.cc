#include "ml/explain/svg_plot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

namespace keel::ml {
namespace {

const double kNaN = std::nan("");
const double kInf = INFINITY;

// A light XML check: the document starts with <svg and ends with </svg>, every tag is closed in
// order, attribute quotes are balanced, and every '&' starts a predefined entity.
::testing::AssertionResult WellFormed(const std::string& svg) {
  if (svg.rfind("<svg", 0) != 0) return ::testing::AssertionFailure() << "does not start <svg";
  std::vector<std::string> open;
  size_t pos = 0;
  bool closed_root = false;
  while (pos < svg.size()) {
    size_t lt = svg.find('<', pos);
    std::string text = svg.substr(pos, lt == std::string::npos ? std::string::npos : lt - pos);
    for (size_t amp = text.find('&'); amp != std::string::npos; amp = text.find('&', amp + 1)) {
      bool entity = false;
      for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) {
        entity = entity || text.compare(amp, std::string(e).size(), e) == 0;
      }
      if (!entity) return ::testing::AssertionFailure() << "bare & in text: " << text;
    }
    if (text.find('>') != std::string::npos) {
      return ::testing::AssertionFailure() << "bare > in text: " << text;
    }
    if (lt == std::string::npos) break;
    if (closed_root) return ::testing::AssertionFailure() << "content after </svg>";
    size_t gt = svg.find('>', lt);
    if (gt == std::string::npos) return ::testing::AssertionFailure() << "unterminated tag";
    std::string tag = svg.substr(lt + 1, gt - lt - 1);
    if (tag.find('<') != std::string::npos) {
      return ::testing::AssertionFailure() << "< inside tag: " << tag;
    }
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) {
      return ::testing::AssertionFailure() << "unbalanced quotes in tag: " << tag;
    }
    if (!tag.empty() && tag[0] == '/') {
      std::string name = tag.substr(1);
      if (open.empty() || open.back() != name) {
        return ::testing::AssertionFailure()
               << "</" << name << "> closes " << (open.empty() ? "nothing" : open.back());
      }
      open.pop_back();
      if (open.empty()) closed_root = true;
    } else if (tag.empty() || tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find_first_of(" \n\t")));
    }
    pos = gt + 1;
  }
  if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> not closed";
  if (!closed_root) return ::testing::AssertionFailure() << "no </svg>";
  return ::testing::AssertionSuccess();
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t count = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++count;
  }
  return count;
}

// The position of the text element showing exactly `text`, or npos.
size_t TextPos(const std::string& svg, const std::string& text) {
  return svg.find(">" + text + "</text>");
}

// No "nan" or "inf" in any case anywhere (labels in these tests avoid those letters).
bool HasNonFiniteText(const std::string& svg) {
  std::string lower = svg;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("nan") != std::string::npos || lower.find("inf") != std::string::npos;
}

// The fill colours of the dots, in document order.
std::vector<std::string> CircleFills(const std::string& svg) {
  std::vector<std::string> fills;
  for (size_t pos = svg.find("<circle"); pos != std::string::npos;
       pos = svg.find("<circle", pos + 1)) {
    size_t fill = svg.find("fill=\"", pos);
    fills.push_back(svg.substr(fill + 6, 7));
  }
  return fills;
}

TEST(BarChartSvgTest, DrawsEveryLabelOnceWithItsValue) {
  std::string svg = BarChartSvg("Feature importance", {"age", "income", "tenure"}, {0.5, 0.25, 2});
  EXPECT_TRUE(WellFormed(svg)) << svg;
  EXPECT_EQ(Count(svg, ">age<"), 1u);
  EXPECT_EQ(Count(svg, ">income<"), 1u);
  EXPECT_EQ(Count(svg, ">tenure<"), 1u);
  EXPECT_NE(TextPos(svg, "0.5"), std::string::npos);
  EXPECT_NE(TextPos(svg, "0.25"), std::string::npos);
  EXPECT_NE(TextPos(svg, "2"), std::string::npos);
  EXPECT_NE(svg.find(">Feature importance<"), std::string::npos);
  EXPECT_EQ(Count(svg, "<rect"), 4u);  // the background and three bars
}

TEST(BarChartSvgTest, KeepsTheGivenOrderAndTruncatesToMaxBars) {
  std::vector<std::string> labels = {"b_first", "a_second", "d_third", "c_fourth"};
  std::vector<double> values = {1, 4, 2, 3};
  std::string svg = BarChartSvg("top", labels, values, /*max_bars=*/3);
  EXPECT_TRUE(WellFormed(svg)) << svg;
  ASSERT_NE(TextPos(svg, "b_first"), std::string::npos);
  ASSERT_NE(TextPos(svg, "a_second"), std::string::npos);
  ASSERT_NE(TextPos(svg, "d_third"), std::string::npos);
  EXPECT_LT(TextPos(svg, "b_first"), TextPos(svg, "a_second"));
  EXPECT_LT(TextPos(svg, "a_second"), TextPos(svg, "d_third"));
  EXPECT_EQ(svg.find("c_fourth"), std::string::npos);
  EXPECT_EQ(svg.find(">3<"), std::string::npos);
  EXPECT_EQ(Count(svg, "<rect"), 4u);
  // A larger bar is wider: the widths follow the values 1, 4, 2.
  std::vector<double> widths;
  for (size_t pos = svg.find("<rect", 1); pos != std::string::npos;
       pos = svg.find("<rect", pos + 1)) {
    size_t w = svg.find("width=\"", pos) + 7;
    widths.push_back(std::stod(svg.substr(w)));
  }
  ASSERT_EQ(widths.size(), 4u);  // background first
  EXPECT_NEAR(widths[2], 4 * widths[1], 0.2);
  EXPECT_NEAR(widths[3], 2 * widths[1], 0.2);
}

TEST(BarChartSvgTest, EscapesLabelsAndTitle) {
  std::string svg = BarChartSvg("\"quoted\" & 'title'", {"<a&b>", "plain"}, {1, 2});
  EXPECT_TRUE(WellFormed(svg)) << svg;
  EXPECT_EQ(svg.find("<a&b>"), std::string::npos);
  EXPECT_EQ(Count(svg, ">&lt;a&amp;b&gt;<"), 1u);
  EXPECT_NE(svg.find("&quot;quoted&quot; &amp; &apos;title&apos;"), std::string::npos);
}

TEST(BarChartSvgTest, NonFiniteValuesShowAsNotAvailable) {
  std::string svg = BarChartSvg("importance", {"x", "y", "z", "w"}, {kNaN, kInf, 1.5, -kInf});
  EXPECT_TRUE(WellFormed(svg)) << svg;
  EXPECT_FALSE(HasNonFiniteText(svg)) << svg;
  EXPECT_EQ(Count(svg, ">n/a<"), 3u);
  EXPECT_EQ(Count(svg, "<rect"), 2u);  // the background and the one finite bar
  EXPECT_NE(TextPos(svg, "1.5"), std::string::npos);
}

TEST(BarChartSvgTest, NegativeValuesExtendLeftOfTheZeroLine) {
  std::string svg = BarChartSvg("coefficients", {"up", "down"}, {2, -1});
  EXPECT_TRUE(WellFormed(svg)) << svg;
  EXPECT_NE(TextPos(svg, "-1"), std::string::npos);
  size_t line = svg.find("<line x1=\"");
  ASSERT_NE(line, std::string::npos);
  double zero_x = std::stod(svg.substr(line + 10));
  std::vector<double> xs;
  for (size_t pos = svg.find("<rect", 1); pos != std::string::npos;
       pos = svg.find("<rect", pos + 1)) {
    xs.push_back(std::stod(svg.substr(svg.find("x=\"", pos) + 3)));
  }
  ASSERT_EQ(xs.size(), 3u);
  EXPECT_NEAR(xs[1], zero_x, 0.1);  // the positive bar starts at zero
  EXPECT_LT(xs[2], zero_x - 1);     // the negative one ends there
}

TEST(BarChartSvgTest, EmptyInputSaysNoData) {
  for (const std::string& svg :
       {BarChartSvg("empty", {}, {}), BarChartSvg("no values", {"a", "b"}, {})}) {
    EXPECT_TRUE(WellFormed(svg)) << svg;
    EXPECT_NE(svg.find(">no data<"), std::string::npos);
    EXPECT_NE(svg.find("<rect x=\"0\" y=\"0\""), std::string::npos);
  }
}

TEST(BarChartSvgTest, ShortensLongLabelsKeepingTheFullTextAsATooltip) {
  std::string label(60, 'q');
  std::string svg = BarChartSvg("long", {label}, {1});
  EXPECT_TRUE(WellFormed(svg)) << svg;
  EXPECT_EQ(Count(svg, "<title>" + label + "</title>"), 1u);
  EXPECT_EQ(Count(svg, ">" + std::string(37, 'q') + "...<"), 1u);
}

// Three features whose SHAP magnitudes are about 0.1 (small), 3 (big) and 1 (mid).
struct ShapData {
  std::vector<std::string> names = {"small", "big", "mid"};
  std::vector<std::vector<double>> shap;
  std::vector<std::vector<double>> values;
};

ShapData MakeShapData(size_t rows) {
  ShapData data;
  for (size_t i = 0; i < rows; ++i) {
    double sign = i % 2 == 0 ? 1.0 : -1.0;
    double t = static_cast<double>(i % 7) / 7.0;
    data.shap.push_back({sign * 0.1 * (1 + t), sign * 3 * (1 + t), sign * (1 + t)});
    data.values.push_back({t, static_cast<double>(i), -t});
  }
  return data;
}

TEST(ShapSummarySvgTest, OrdersFeaturesByMeanAbsoluteShapAndKeepsTheTop) {
  ShapData data = MakeShapData(40);
  std::string svg = ShapSummarySvg(data.names, data.shap, data.values);
  EXPECT_TRUE(WellFormed(svg)) << svg;
  ASSERT_NE(TextPos(svg, "big"), std::string::npos);
  ASSERT_NE(TextPos(svg, "mid"), std::string::npos);
  ASSERT_NE(TextPos(svg, "small"), std::string::npos);
  EXPECT_LT(TextPos(svg, "big"), TextPos(svg, "mid"));
  EXPECT_LT(TextPos(svg, "mid"), TextPos(svg, "small"));
  for (const char* name : {">big<", ">mid<", ">small<"}) EXPECT_EQ(Count(svg, name), 1u);
  EXPECT_EQ(Count(svg, "<circle"), 3u * 40u);

  std::string top2 = ShapSummarySvg(data.names, data.shap, data.values, /*max_features=*/2);
  EXPECT_TRUE(WellFormed(top2)) << top2;
  EXPECT_EQ(top2.find("small"), std::string::npos);
  EXPECT_EQ(Count(top2, "<circle"), 2u * 40u);
}

TEST(ShapSummarySvgTest, SamplesAtMostMaxPointsDeterministically) {
  ShapData data = MakeShapData(1000);
  std::string svg = ShapSummarySvg(data.names, data.shap, data.values, 20, /*max_points=*/100);
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_EQ(Count(svg, "<circle"), 3u * 100u);
  EXPECT_EQ(svg, ShapSummarySvg(data.names, data.shap, data.values, 20, 100));
}

TEST(ShapSummarySvgTest, ColoursDotsByFeatureValueRankAndMissingValuesGrey) {
  std::vector<std::vector<double>> shap = {{0.1}, {0.2}, {0.3}, {0.4}};
  std::vector<std::vector<double>> values = {{5}, {kNaN}, {1}, {3}};
  std::string svg = ShapSummarySvg({"feature"}, shap, values);
  EXPECT_TRUE(WellFormed(svg)) << svg;
  // Highest value red, lowest blue, the middle one halfway, NaN grey.
  EXPECT_EQ(CircleFills(svg),
            (std::vector<std::string>{"#FF0D57", "#9E9E9E", "#1E88E5", "#8F4B9E"}));
  // Without feature values every dot is grey.
  std::string grey = ShapSummarySvg({"feature"}, shap, {});
  EXPECT_EQ(CircleFills(grey), std::vector<std::string>(4, "#9E9E9E"));
}

TEST(ShapSummarySvgTest, DrawsAZeroLineAndRoundTicks) {
  std::vector<std::vector<double>> shap = {{-1.2}, {2.7}, {0.4}};
  std::string svg = ShapSummarySvg({"f"}, shap, {{1}, {2}, {3}});
  EXPECT_TRUE(WellFormed(svg)) << svg;
  EXPECT_NE(TextPos(svg, "0"), std::string::npos);
  EXPECT_NE(TextPos(svg, "-1.5"), std::string::npos);
  EXPECT_NE(TextPos(svg, "3"), std::string::npos);
  EXPECT_NE(svg.find("SHAP value"), std::string::npos);
  // The dots sit left of, right of and just right of the zero tick.
  size_t zero = TextPos(svg, "0");
  size_t text_x = svg.rfind("x=\"", zero) + 3;
  double zero_x = std::stod(svg.substr(text_x));
  std::vector<double> cx;
  for (size_t pos = svg.find("<circle"); pos != std::string::npos;
       pos = svg.find("<circle", pos + 1)) {
    cx.push_back(std::stod(svg.substr(svg.find("cx=\"", pos) + 4)));
  }
  ASSERT_EQ(cx.size(), 3u);
  EXPECT_LT(cx[0], zero_x);
  EXPECT_GT(cx[1], cx[2]);
  EXPECT_GT(cx[2], zero_x);
}

TEST(ShapSummarySvgTest, NonFiniteShapValuesDrawNoDotAndNoNaNText) {
  std::vector<std::vector<double>> shap = {{kNaN, 1}, {kInf, -1}, {0.5, 2}};
  std::vector<std::vector<double>> values = {{kInf, 1}, {2, kNaN}, {3, 4}};
  std::string svg = ShapSummarySvg({"a", "b"}, shap, values);
  EXPECT_TRUE(WellFormed(svg)) << svg;
  EXPECT_FALSE(HasNonFiniteText(svg)) << svg;
  EXPECT_EQ(Count(svg, "<circle"), 4u);  // three for b, one for a
}

TEST(ShapSummarySvgTest, EscapesFeatureNames) {
  std::string svg = ShapSummarySvg({"<a&b>"}, {{1}, {-1}}, {{1}, {2}});
  EXPECT_TRUE(WellFormed(svg)) << svg;
  EXPECT_EQ(svg.find("<a&b>"), std::string::npos);
  EXPECT_EQ(Count(svg, ">&lt;a&amp;b&gt;<"), 1u);
}

TEST(ShapSummarySvgTest, EmptyInputSaysNoData) {
  std::vector<std::string> svgs = {
      ShapSummarySvg({}, {}, {}),
      ShapSummarySvg({"a"}, {}, {}),
      ShapSummarySvg({"a", "b"}, {{1}}, {{1}}),  // rows of the wrong length are skipped
      ShapSummarySvg({"a"}, {{kNaN}, {kInf}}, {{1}, {2}}),
  };
  for (const std::string& svg : svgs) {
    EXPECT_TRUE(WellFormed(svg)) << svg;
    EXPECT_NE(svg.find(">no data<"), std::string::npos) << svg;
    EXPECT_EQ(svg.find("<circle"), std::string::npos);
  }
}

}  // namespace
}  // namespace keel::ml
