#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"

// The hyperparameters a tuning run searches over, parsed from the `search_space` of a tuning spec
// (YAML converted to JSON by the caller). Knows nothing of any model: a parameter is a name and a
// distribution, and a sampled configuration is a JSON object name -> value that the objective
// hands to whatever it trains.
namespace keel::ml {

// More parameters than this are refused: no search explores 65 dimensions usefully, and the cap
// keeps grid sizes and per-trial JSON small.
inline constexpr size_t kMaxSearchSpaceParams = 64;
// Longer choice lists are refused (a list this long is almost certainly a mistake).
inline constexpr size_t kMaxChoiceValues = 1000;
// Integer bounds beyond +-2^53 are refused: they would not survive the trip through a double.
inline constexpr double kMaxIntParamMagnitude = 9007199254740992.0;

enum class ParamKind {
  kUniform,     // a double in [low, high], uniformly
  kLogUniform,  // a double in [low, high], uniform in log(x); REQUIRES low > 0
  kInt,         // an integer in [low, high], both inclusive
  kChoice,      // one of `choices` (any JSON values)
};

// "uniform", "loguniform", "int", "choice": the `type` names a spec uses.
std::string_view ParamKindName(ParamKind kind);

// One parameter. `low`/`high` are meaningful for the numeric kinds (for kInt they hold integers),
// `choices` for kChoice.
struct ParamSpec {
  std::string name;
  ParamKind kind = ParamKind::kUniform;
  double low = 0, high = 0;
  std::vector<json::Value> choices;
};

// A validated search space: every ParamSpec satisfies the rules FromJson checks, so samplers can
// trust it. A plain value type.
struct SearchSpace {
  std::vector<ParamSpec> params;  // in the order given

  // From JSON, e.g.
  //   {"max_depth": {"type": "int", "low": 2, "high": 8},
  //    "eta": {"type": "loguniform", "low": 0.001, "high": 0.3},
  //    "subsample": {"type": "uniform", "low": 0.5, "high": 1.0},
  //    "booster": {"type": "choice", "values": ["gbtree", "dart"]}}
  // A bare list is shorthand for a choice: "booster": ["gbtree", "dart"]. Members other than
  // type/low/high (numeric kinds) or type/values (choice) are refused, so a typo ("lo") is not
  // silently ignored.
  // Errors (kInvalidParameterValue, naming the parameter): not an object, an empty space, more
  // than kMaxSearchSpaceParams parameters, duplicate names, an unknown type, missing,
  // non-numeric or non-finite bounds, low > high, loguniform with low <= 0, int bounds that are
  // not integers (or beyond kMaxIntParamMagnitude), an empty choice or one longer than
  // kMaxChoiceValues.
  static Result<SearchSpace> FromJson(const json::Value& spec);

  // The space back as JSON in FromJson's long form (for logging it with the tuning run).
  json::Value ToJson() const;
};

}  // namespace keel::ml
