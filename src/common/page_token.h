#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace keel {

// Opaque page tokens for offset-paged searches, shaped like MLflow's (base64 of
// {"offset": N}). An empty token is the first page.
std::string MakePageToken(int64_t offset);
// Errors: kInvalidParameterValue telling the caller to pass a next_page_token back.
Result<int64_t> ParsePageToken(std::string_view token);

}  // namespace keel
