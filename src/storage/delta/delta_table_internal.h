#pragma once

#include <string>
#include <vector>

#include "common/json.h"

namespace keel::delta {

// A JSON array of strings (commitInfo.operationParameters hold such arrays as JSON text).
inline json::Value JsonList(const std::vector<std::string>& v) {
  json::Value a = json::Value::MakeArray();
  for (const auto& s : v) a.Append(s);
  return a;
}

}  // namespace keel::delta
