#pragma once

// Helpers shared by the YAML parser (yaml.cc) and emitter (yaml_emit.cc). Private to common/.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "common/json.h"

namespace keel::yaml::internal {

// Decodes the UTF-8 sequence at text[pos]; returns its length (0 when invalid) and the code
// point in *cp. REQUIRES: pos < text.size().
size_t DecodeUtf8(std::string_view text, size_t pos, uint32_t* cp);

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> words);

// The value of a plain (unquoted) scalar by the YAML 1.2 core schema: null, bool, int (decimal,
// 0x, 0o; beyond int64 a double), float (.inf, .nan too), else the string itself.
json::Value ResolvePlain(std::string_view s);

}  // namespace keel::yaml::internal
