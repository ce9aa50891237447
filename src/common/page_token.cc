#include "common/page_token.h"

#include "common/base64.h"
#include "common/json.h"

namespace keel {

std::string MakePageToken(int64_t offset) {
  json::Value v;
  v.Set("offset", offset);
  return Base64Encode(v.Dump());
}

Result<int64_t> ParsePageToken(std::string_view token) {
  if (token.empty()) return 0;
  static const Status kBad = Status::InvalidArgument(
      "Invalid page token; use the "
      "next_page_token of a previous response");
  if (token.size() > 1024) return kBad;
  auto decoded = Base64Decode(token);
  if (!decoded.ok()) return kBad;
  auto doc = json::Parse(*decoded);
  if (!doc.ok()) return kBad;
  const json::Value* offset = doc->Find("offset");
  if (offset == nullptr || !offset->is_int() || offset->as_int() < 0) return kBad;
  return offset->as_int();
}

}  // namespace keel
