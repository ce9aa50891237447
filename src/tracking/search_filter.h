#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace keel::tracking {

// MLflow's search filter language (mlflow/utils/search_utils.py), parsed into clauses that are
// ANDed together. Values are data, never SQL: the store binds them as parameters.
//
//   filter     := clause ( AND clause )*            (AND is case-insensitive; OR is refused)
//   clause     := key op value
//   key        := [type "."] name                   type: metric(s), param(s)/parameter(s),
//                                                   tag(s), attribute(s)/attr/run, dataset(s);
//                                                   a bare name is an attribute
//   name       := identifier | `back quoted` | "double quoted"   (may contain dots)
//   op         := = | != | > | >= | < | <= | LIKE | ILIKE | IN | NOT IN    (case-insensitive)
//   value      := number | 'single' | "double" quoted string | ( 'a', 'b', ... )
//
// Which ops apply: metrics take numbers with = != > >= < <=; params, tags and string attributes
// (run_name, status, user_id, artifact_uri) take strings with = != LIKE ILIKE; run_id also takes
// IN / NOT IN; numeric attributes (start_time, end_time, created) take numbers; datasets (name,
// digest, context) take strings with = != LIKE ILIKE IN NOT IN. For experiments: name with
// = != LIKE ILIKE, tags, creation_time / last_update_time with numbers. For logged models:
// metrics, params, tags, string attributes (name, model_id, model_type, status, source_run_id)
// and creation_timestamp / last_updated_timestamp with numbers. Registered models: name and
// tags; model versions: name, tags, run_id (also IN), source_path and version_number.

enum class KeyType { kMetric, kParam, kTag, kAttribute, kDataset };
enum class CompareOp { kEq, kNe, kGt, kGe, kLt, kLe, kLike, kILike, kIn, kNotIn };
enum class SearchEntity { kRuns, kExperiments, kLoggedModels, kRegisteredModels, kModelVersions };

struct FilterValue {
  bool is_number = false;
  double number = 0;              // when is_number
  std::string text;               // when a string
  std::vector<std::string> list;  // for IN / NOT IN
};

struct Comparison {
  KeyType key_type = KeyType::kAttribute;
  std::string key;  // attribute aliases normalised: "created" -> "start_time", "run name" ...
  CompareOp op = CompareOp::kEq;
  FilterValue value;
};

struct Filter {
  std::vector<Comparison> clauses;  // empty: everything matches
};

struct OrderBy {
  KeyType key_type = KeyType::kAttribute;
  std::string key;
  bool ascending = true;
};

inline constexpr size_t kMaxFilterBytes = 64 * 1024;
inline constexpr size_t kMaxFilterClauses = 200;
inline constexpr size_t kMaxInListValues = 10000;
inline constexpr size_t kMaxOrderByBytes = 1024;

// Errors: kInvalidParameterValue naming the problem and its position.
Result<Filter> ParseFilter(std::string_view text, SearchEntity entity);
// "metrics.acc DESC", "attributes.start_time", "params.`a b` ASC", "name" (experiments).
Result<OrderBy> ParseOrderBy(std::string_view text, SearchEntity entity);

// Whether a present value passes a clause (the value's key already matched). Text: = != LIKE
// ILIKE IN NOT IN; numbers: = != > >= < <=. Other operators never match.
bool MatchesText(const std::string& value, const Comparison& clause);
bool MatchesNumber(double value, const Comparison& clause);

// SQL LIKE: '%' any run, '_' one character; `case_insensitive` folds ASCII case (ILIKE).
bool MatchesLike(std::string_view value, std::string_view pattern, bool case_insensitive);

}  // namespace keel::tracking
