#include "catalog/names.h"

#include "common/limits.h"
#include "common/strings.h"

namespace keel::catalog {

namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A printable rendering of a rejected name for messages (no control bytes, bounded length).
std::string Printable(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 64)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  if (name.size() > 64) out += "...";
  return out;
}

}  // namespace

Status ValidateTagKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxNameBytes) {
    return Status::InvalidArgument("tag keys must be 1-255 bytes");
  }
  return Status::OK();
}

Status ValidateTag(std::string_view key, std::string_view value) {
  KEEL_RETURN_IF_ERROR(ValidateTagKey(key));
  if (value.size() > kMaxNameBytes * 4) {
    return Status::InvalidArgument("tag values must be at most 1020 bytes");
  }
  return Status::OK();
}

Status ValidateObjectName(std::string_view name, std::string_view what) {
  if (name.empty()) return Status::InvalidArgument(std::string(what) + " name must not be empty");
  if (name.size() > kMaxNameBytes) {
    return Status::InvalidArgument(std::string(what) + " name is " + std::to_string(name.size()) +
                                   " bytes long; the limit is " + std::to_string(kMaxNameBytes));
  }
  if (name[0] == '-') {
    return Status::InvalidArgument(std::string(what) + " name '" + Printable(name) +
                                   "' must not start with '-'");
  }
  for (char c : name) {
    if (!IsAsciiAlnum(c) && c != '_' && c != '-') {
      return Status::InvalidArgument(
          std::string(what) + " name '" + Printable(name) +
          "' is not valid: use letters, digits, '_' and '-' only (no '.', '/', spaces or "
          "control characters)");
    }
  }
  return Status::OK();
}

Status ValidatePrincipalName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("principal name must not be empty");
  if (name.size() > kMaxNameBytes) {
    return Status::InvalidArgument("principal name is " + std::to_string(name.size()) +
                                   " bytes long; the limit is " + std::to_string(kMaxNameBytes));
  }
  bool ok = IsAsciiAlnum(name[0]) && name.find("..") == std::string_view::npos;
  for (char c : name) {
    ok = ok && (IsAsciiAlnum(c) || c == '_' || c == '-' || c == '.' || c == '@' || c == '+');
  }
  if (!ok) {
    return Status::InvalidArgument(
        "principal name '" + Printable(name) +
        "' is not valid: start with a letter or digit and use letters, digits and _ - . @ + "
        "(no '..', '/', spaces or control characters)");
  }
  return Status::OK();
}

std::string NameKey(std::string_view name) { return AsciiLower(name); }

Result<std::vector<std::string>> SplitFullName(std::string_view full_name, size_t parts,
                                               std::string_view what) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t dot = full_name.find('.', start);
    out.emplace_back(full_name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
    if (out.size() > parts) break;
  }
  if (out.size() != parts) {
    static const char* kShapes[] = {"", "catalog", "catalog.schema", "catalog.schema.name"};
    return Status::InvalidArgument(std::string(what) + " name '" + Printable(full_name) +
                                   "' must have the form " +
                                   (parts <= 3 ? kShapes[parts] : "a.b.c"));
  }
  static const char* kLevels[] = {"catalog", "schema", "object"};
  for (size_t i = 0; i < out.size(); ++i) {
    KEEL_RETURN_IF_ERROR(ValidateObjectName(out[i], i + 1 == parts ? what : kLevels[i]));
  }
  return out;
}

}  // namespace keel::catalog
