#pragma once

#include <string>
#include <string_view>

namespace keel {

// ASCII case folding for names and keywords (never locale-dependent; bytes >= 0x80 are kept).
char AsciiLower(char c);
std::string AsciiLower(std::string_view s);
bool EqualsIgnoringCase(std::string_view a, std::string_view b);

}  // namespace keel
