#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace keel {

// Standard base64 (RFC 4648, with padding).
std::string Base64Encode(std::string_view bytes);
// Decodes standard or URL-safe base64, padding optional. kInvalidParameterValue on bad input.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace keel
