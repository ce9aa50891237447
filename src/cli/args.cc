#include "cli/args.h"

#include <charconv>

namespace keel::cli {

Args::Args(std::vector<std::string> words) : words_(std::move(words)), taken_(words_.size()) {}

Result<std::optional<std::string>> Args::Flag(std::string_view name) {
  // One-letter names are short flags: Flag("t") takes `-t VALUE`.
  std::string dashed = (name.size() == 1 ? "-" : "--") + std::string(name);
  std::string prefix = dashed + "=";
  for (size_t i = 0; i < words_.size(); ++i) {
    if (taken_[i]) continue;
    if (words_[i] == "--") break;
    if (words_[i] == dashed) {
      if (i + 1 >= words_.size() || taken_[i + 1]) {
        return Status::InvalidArgument("flag " + dashed + " needs a value");
      }
      taken_[i] = taken_[i + 1] = true;
      return std::optional<std::string>(words_[i + 1]);
    }
    if (words_[i].rfind(prefix, 0) == 0) {
      taken_[i] = true;
      return std::optional<std::string>(words_[i].substr(prefix.size()));
    }
  }
  return std::optional<std::string>();
}

Result<std::string> Args::FlagOr(std::string_view name, std::string_view fallback) {
  KEEL_ASSIGN_OR_RETURN(auto v, Flag(name));
  return v ? *v : std::string(fallback);
}

Result<std::optional<int64_t>> Args::IntFlag(std::string_view name) {
  KEEL_ASSIGN_OR_RETURN(auto v, Flag(name));
  if (!v) return std::optional<int64_t>();
  int64_t out = 0;
  auto res = std::from_chars(v->data(), v->data() + v->size(), out);
  if (v->empty() || res.ec != std::errc() || res.ptr != v->data() + v->size()) {
    return Status::InvalidArgument("flag --" + std::string(name) + " needs an integer, not '" + *v +
                                   "'");
  }
  return std::optional<int64_t>(out);
}

bool Args::BoolFlag(std::string_view name) {
  std::string dashed = "--" + std::string(name);
  for (size_t i = 0; i < words_.size(); ++i) {
    if (words_[i] == "--") break;
    if (!taken_[i] && words_[i] == dashed) {
      taken_[i] = true;
      return true;
    }
  }
  return false;
}

namespace {
// Flags that take no value; every other `--name` (without '=') owns the word after it, so that
// `keel catalogs --home DIR list` never reads DIR as a positional.
bool IsBooleanFlag(std::string_view word) {
  return word == "--force" || word == "--help" || word == "--dry-run" || word == "--merge-schema" ||
         word == "--allow-short-retention" || word == "--no-insert" || word == "--delete" ||
         word == "--remove-aliases";
}
}  // namespace

std::optional<std::string> Args::OptionalPositional() {
  bool after_dashdash = false;
  for (size_t i = 0; i < words_.size(); ++i) {
    if (!after_dashdash && words_[i] == "--") {
      after_dashdash = true;
      taken_[i] = true;
      continue;
    }
    bool is_flag = !after_dashdash && words_[i].rfind("--", 0) == 0 && words_[i].size() > 2;
    if (is_flag) {
      // A flag already taken by BoolFlag owns no value either.
      if (!taken_[i] && words_[i].find('=') == std::string::npos && !IsBooleanFlag(words_[i])) {
        ++i;
      }
      continue;
    }
    if (taken_[i]) continue;
    taken_[i] = true;
    return words_[i];
  }
  return std::nullopt;
}

Result<std::string> Args::Positional(std::string_view what) {
  auto v = OptionalPositional();
  if (!v) return Status::InvalidArgument("missing argument: " + std::string(what));
  return *v;
}

Status Args::Finish() const {
  for (size_t i = 0; i < words_.size(); ++i) {
    if (taken_[i]) continue;
    if (words_[i].rfind("--", 0) == 0) {
      return Status::InvalidArgument("unknown flag '" + words_[i] + "'");
    }
    return Status::InvalidArgument("unexpected argument '" + words_[i] + "'");
  }
  return Status::OK();
}

Result<std::vector<std::string>> RepeatedFlag(Args& args, std::string_view name) {
  std::vector<std::string> out;
  while (true) {
    KEEL_ASSIGN_OR_RETURN(auto v, args.Flag(name));
    if (!v) return out;
    out.push_back(*v);
  }
}

Result<std::pair<std::string, std::string>> SplitAssignment(const std::string& text,
                                                            std::string_view what) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::InvalidArgument("--" + std::string(what) + " takes KEY=VALUE, not '" + text +
                                   "'");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

}  // namespace keel::cli
