#include "registry/model_uri.h"

#include <charconv>

#include "common/limits.h"
#include "common/strings.h"

namespace keel::registry {

namespace {

constexpr std::string_view kScheme = "models:/";

std::string Shown(std::string_view s) { return std::string(s.substr(0, 200)); }

bool IsAsciiDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Result<int64_t> ParseVersionNumber(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 1) {
    return Status::InvalidArgument("model version must be a positive integer, got '" + Shown(text) +
                                   "'");
  }
  return v;
}

Status ValidateAlias(std::string_view alias) {
  if (alias.empty() || alias.size() > kMaxNameBytes) {
    return Status::InvalidArgument("alias must be 1-255 characters");
  }
  for (char c : alias) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("alias '" + Shown(alias) +
                                     "' may contain only letters, digits, '_' and '-'");
    }
  }
  if (EqualsIgnoringCase(alias, "latest")) {
    return Status::InvalidArgument(
        "alias 'latest' is reserved: models:/<name>/latest already "
        "means the newest version");
  }
  if ((alias[0] == 'v' || alias[0] == 'V') && IsAsciiDigits(alias.substr(1))) {
    return Status::InvalidArgument("alias '" + Shown(alias) +
                                   "' is reserved: it reads as a version number");
  }
  return Status::OK();
}

Result<ModelUri> ParseModelUri(std::string_view uri) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("invalid model URI '" + Shown(uri) + "': " + std::string(why) +
                                   "; use models:/<catalog.schema.model>/<version> or "
                                   "models:/<catalog.schema.model>@<alias>");
  };
  if (uri.size() > 4096) return bad("too long");
  if (uri.substr(0, kScheme.size()) != kScheme) return bad("it must start with models:/");
  std::string_view rest = uri.substr(kScheme.size());
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);  // models:///name/1
  ModelUri out;
  size_t at = rest.find('@');
  size_t slash = rest.find('/');
  if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash)) {
    out.name = std::string(rest.substr(0, at));
    std::string_view alias = rest.substr(at + 1);
    size_t sub = alias.find('/');
    if (sub != std::string_view::npos) {
      out.sub_path = std::string(alias.substr(sub + 1));
      alias = alias.substr(0, sub);
    }
    KEEL_RETURN_IF_ERROR(ValidateAlias(alias));
    out.alias = std::string(alias);
  } else if (slash == std::string_view::npos) {
    if (rest.substr(0, 2) == "m-" && rest.find('.') == std::string_view::npos) {
      out.logged_model_id = std::string(rest);
      return out;
    }
    return bad("it names no version or alias");
  } else {
    out.name = std::string(rest.substr(0, slash));
    std::string_view selector = rest.substr(slash + 1);
    size_t sub = selector.find('/');
    if (sub != std::string_view::npos) {
      out.sub_path = std::string(selector.substr(sub + 1));
      selector = selector.substr(0, sub);
    }
    if (selector.empty()) return bad("it names no version or alias");
    if (EqualsIgnoringCase(selector, "latest")) {
      out.latest = true;
    } else if (IsAsciiDigits(selector) || selector[0] == '-' || selector[0] == '+') {
      KEEL_ASSIGN_OR_RETURN(int64_t v, ParseVersionNumber(selector));
      out.version = v;
    } else {
      return Status::InvalidArgument(
          "model URI '" + Shown(uri) + "' names the stage '" + Shown(selector) +
          "'; Keel's registry has no stages: point an alias at the version and use "
          "models:/<name>@<alias>");
    }
  }
  if (out.name.empty()) return bad("the model name is empty");
  return out;
}

std::string FormatModelUri(const ModelUri& uri) {
  if (!uri.logged_model_id.empty()) return std::string(kScheme) + uri.logged_model_id;
  std::string out = std::string(kScheme) + uri.name;
  if (!uri.alias.empty()) {
    out += "@" + uri.alias;
  } else if (uri.version) {
    out += "/" + std::to_string(*uri.version);
  } else {
    out += "/latest";
  }
  if (!uri.sub_path.empty()) out += "/" + uri.sub_path;
  return out;
}

}  // namespace keel::registry
