#include "jobs/bundle/interpolation.h"

#include <cstddef>

namespace keel::jobs {

namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }

bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-'; }

// Length of the well-formed name starting at text[pos] and closed by '}' (not counted), or 0.
size_t ReferenceNameLength(std::string_view text, size_t pos) {
  size_t i = pos;
  while (true) {
    if (i >= text.size() || !IsNameStart(text[i])) return 0;
    while (i < text.size() && IsNameChar(text[i])) ++i;
    if (i >= text.size()) return 0;
    if (text[i] == '}') return i - pos;
    if (text[i] != '.') return 0;
    ++i;
  }
}

}  // namespace

Result<std::string> SubstituteReferences(std::string_view text, const ReferenceLookup& lookup,
                                         size_t max_bytes) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t dollar = text.find('$', pos);
    if (dollar == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, dollar - pos));
    // "$${" is the escape for a literal "${".
    if (text.substr(dollar, 3) == "$${") {
      out.append("${");
      pos = dollar + 3;
    } else if (text.substr(dollar, 2) == "${") {
      size_t length = ReferenceNameLength(text, dollar + 2);
      if (length == 0) {
        out.append("${");
        pos = dollar + 2;
      } else {
        KEEL_ASSIGN_OR_RETURN(std::string value, lookup(text.substr(dollar + 2, length)));
        out.append(value);
        pos = dollar + 2 + length + 1;
      }
    } else {
      out.push_back('$');
      pos = dollar + 1;
    }
    if (out.size() > max_bytes) break;
  }
  if (out.size() > max_bytes) {
    return Status::LimitExceeded("substituting references gives a string of more than " +
                                 std::to_string(max_bytes) + " bytes");
  }
  return out;
}

}  // namespace keel::jobs
