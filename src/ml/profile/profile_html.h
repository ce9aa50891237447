#pragma once

#include <string>
#include <string_view>

#include "ml/profile/table_profile.h"

// The data profile as one self-contained HTML page, the report artifact of `keel profile`: an
// overview table of all columns, then per column its statistics, quantiles, an SVG histogram and
// its top values. Inline CSS and inline SVG only: no scripts and no external resources, so the
// page renders the same from an artifact store, an e-mail or a file:// URL, and cannot run code.
namespace keel::ml {

// Renders `profile` under the heading `title`. Every column name, type and value text (and the
// title) is HTML-escaped, so table data cannot inject markup.
std::string RenderProfileHtml(const TableProfile& profile, std::string_view title);

// `text` with &, <, >, " and ' replaced by character references; safe in element content and in
// quoted attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace keel::ml
