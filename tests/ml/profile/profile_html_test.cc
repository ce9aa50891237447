#include "ml/profile/profile_html.h"

#include <gtest/gtest.h>

#include "ml/ml_test_util.h"
#include "ml/profile/profile_test_util.h"

namespace keel::ml {
namespace {

using batch::TypeId;

size_t CountOf(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) {
    ++count;
  }
  return count;
}

TableProfile HostileProfile() {
  batch::RecordBatch batch;
  testing::AddStringColumn(&batch, "<script>", {"<img src=x onerror=alert(1)>", "a&b", "\"q'"});
  testing::AddNullableStringColumn(&batch, "ok", {"x", std::nullopt, "y"});
  testing::AddNumericColumn(&batch, "score", TypeId::kDouble, {1.5, 2.5, 10});
  ProfileOptions options;
  options.label_column = "score";
  auto profile = ProfileBatch(batch, options);
  EXPECT_TRUE(profile.ok()) << profile.status().ToString();
  return profile.ok() ? *profile : TableProfile{};
}

TEST(ProfileHtmlTest, EscapesColumnNamesValuesAndTheTitle) {
  const std::string html = RenderProfileHtml(HostileProfile(), "profile of <b>dev.s.t</b> & co");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b"), std::string::npos);
  EXPECT_NE(html.find("&quot;q&#39;"), std::string::npos);
  EXPECT_NE(html.find("<title>profile of &lt;b&gt;dev.s.t&lt;/b&gt; &amp; co</title>"),
            std::string::npos);
}

TEST(ProfileHtmlTest, IsSelfContainedWithASvgHistogramPerNumericColumn) {
  const std::string html = RenderProfileHtml(HostileProfile(), "t");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  // No scripts, no external resources of any kind.
  for (const char* forbidden :
       {"<script", "<link", "<img", "<iframe", "src=\"", "href=\"http", "url(", "@import"}) {
    EXPECT_EQ(html.find(forbidden), std::string::npos) << forbidden;
  }
  // One svg (for "score"), with one rect per bin (20 by default).
  EXPECT_EQ(CountOf(html, "<svg"), 1u);
  EXPECT_EQ(CountOf(html, "<rect class=\"bin\""), 20u);
  // One section per column, linked from the overview.
  EXPECT_EQ(CountOf(html, "<section class=\"column\""), 3u);
  EXPECT_NE(html.find("href=\"#column-2\""), std::string::npos);
  EXPECT_NE(html.find("Label correlation"), std::string::npos);
}

TEST(ProfileHtmlTest, RendersAnEmptyProfile) {
  const std::string html = RenderProfileHtml(TableProfile{}, "empty");
  EXPECT_NE(html.find("0 rows, 0 columns"), std::string::npos);
  EXPECT_EQ(CountOf(html, "<section"), 0u);
}

TEST(ProfileHtmlTest, HtmlEscapeReplacesEveryMarkupCharacter) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">it's & more</a>"),
            "&lt;a href=&quot;x&quot;&gt;it&#39;s &amp; more&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain"), "plain");
}

}  // namespace
}  // namespace keel::ml
