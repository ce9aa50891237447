#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace keel::cli {

// The words after `keel <area> <verb>`. Commands take what they understand — flags first, then
// positionals — and Finish() refuses anything left over, so a typo in a flag is an error
// instead of being ignored. Flags may be written `--name value` or `--name=value`.
class Args {
 public:
  explicit Args(std::vector<std::string> words);

  // The value of `--name` (`-n` for a one-letter name), removing it from the words. Error when
  // the flag has no value.
  Result<std::optional<std::string>> Flag(std::string_view name);
  // Like Flag, with a default.
  Result<std::string> FlagOr(std::string_view name, std::string_view fallback);
  // An integer flag.
  Result<std::optional<int64_t>> IntFlag(std::string_view name);
  // A flag without a value (`--force`); true when present.
  bool BoolFlag(std::string_view name);

  // The next positional word, or an error naming `what` when there is none.
  Result<std::string> Positional(std::string_view what);
  std::optional<std::string> OptionalPositional();

  // Error when any word was not taken.
  Status Finish() const;

 private:
  std::vector<std::string> words_;
  std::vector<bool> taken_;
};

// Every value of a repeatable flag (--property, --set, --tag), in order.
Result<std::vector<std::string>> RepeatedFlag(Args& args, std::string_view name);

// "k=v" -> {k, v}; `what` names the flag in the message.
Result<std::pair<std::string, std::string>> SplitAssignment(const std::string& text,
                                                            std::string_view what);

}  // namespace keel::cli
