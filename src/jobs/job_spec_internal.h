#pragma once

// Private to jobs/ (STYLE.md §5.2 rule 5): what the three parts of ParseJobSpec share.
// job_spec_reader.cc has the typed field access (SpecReader), job_spec_json.cc reads each part of
// JobSettings with it, and job_spec.cc checks what spans fields and writes JSON back.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "jobs/job_spec.h"

namespace keel::jobs::internal {

// ---- limits (Databricks' where it documents one) -----------------------------------------

inline constexpr size_t kMaxJobNameBytes = 4096;
inline constexpr size_t kMaxDescriptionBytes = 27700;  // Databricks' limit for a job description
inline constexpr size_t kMaxTags = 25;                 // Databricks' limit per job
inline constexpr size_t kMaxTagKeyBytes = 127;
inline constexpr size_t kMaxTagValueBytes = 255;
inline constexpr size_t kMaxParameters = 100;
inline constexpr size_t kMaxParameterNameBytes = 128;
inline constexpr size_t kMaxParameterValueBytes = 64 * 1024;  // as a run-now override
inline constexpr size_t kMaxTasks = 1000;                     // Databricks' limit per job
inline constexpr size_t kMaxTaskKeyBytes = 100;               // Databricks' limit
inline constexpr int64_t kMaxConcurrentRuns = 1000;           // Databricks' limit
inline constexpr int64_t kMaxTimeoutSeconds = 7 * 24 * 3600;  // also trigger waits; 0 = none
inline constexpr int64_t kMaxRetries = 100;                   // -1 is "until it succeeds"
inline constexpr int64_t kMaxRetryIntervalMillis = 24 * 3600 * 1000;
inline constexpr size_t kMaxCommandArgs = 4096;
inline constexpr size_t kMaxArgBytes = 128 * 1024;  // Linux's MAX_ARG_STRLEN
inline constexpr size_t kMaxEnvVars = 1000;
inline constexpr size_t kMaxPathBytes = 4096;
inline constexpr size_t kMaxTextBytes = 64 * 1024;  // condition operands, builtin parameters
inline constexpr size_t kMaxCronBytes = 256;
inline constexpr size_t kMaxTimeZoneBytes = 64;
inline constexpr size_t kMaxTriggerTables = 10;
inline constexpr size_t kMaxWebhooksPerEvent = 3;  // Databricks' limit
inline constexpr size_t kMaxUrlBytes = 2048;
inline constexpr size_t kMaxDeploymentEntries = 100;
inline constexpr size_t kMaxDeploymentValueBytes = 4096;

// ---- messages ------------------------------------------------------------------------------

// kInvalidParameterValue "<where>: <path>: <what>", where <where> is "<file>:<line>:<col>" for
// the path's location or, when the path has none, its nearest located ancestor's (a missing
// field points at its parent); just "<file>" without locations. An empty path is left out.
Status SpecError(const SpecSource& source, std::string_view path, std::string_view what);

// JSON paths as yaml::Located writes them.
inline std::string MemberPath(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}
inline std::string ElementPath(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

// ---- reading -------------------------------------------------------------------------------

using Keys = std::vector<std::string_view>;

// The task kinds, as JSON fields; a task has exactly one.
inline const Keys kTaskKindFields = {"command_task", "condition_task", "run_job_task",
                                     "train_task",   "evaluate_task",  "predict_task"};

// Typed access to the members of settings objects, with messages naming JSON paths. A member
// that is null counts as absent (so an update may clear a field with null). Every method takes
// the object and its path; REQUIRES: the object passed CheckObject.
class SpecReader {
 public:
  // A key of a string map is valid when `valid` says so; `rule` tells the user what is.
  struct KeyRule {
    std::function<bool(std::string_view)> valid;
    std::string_view rule;
  };

  explicit SpecReader(const SpecSource& source) : source_(source) {}

  Status Error(std::string_view path, std::string_view what) const {
    return SpecError(source_, path, what);
  }
  Status Missing(const std::string& path, std::string_view key, std::string_view hint) const {
    return Error(MemberPath(path, key), "missing; " + std::string(hint));
  }

  static const json::Value* Get(const json::Value& obj, std::string_view key) {
    const json::Value* v = obj.Find(key);
    return v == nullptr || v->is_null() ? nullptr : v;
  }

  // Refuses a non-object and members not in `allowed` ("did you mean"); `what` names the object
  // in messages ("a task").
  Status CheckObject(const json::Value& v, const std::string& path, std::string_view what,
                     const Keys& allowed) const;
  // Fields below leave *out unchanged when absent.
  Status String(const json::Value& obj, const std::string& path, std::string_view key,
                size_t max_bytes, std::string* out) const;
  // A string, or a number or boolean written as one (YAML's `default: 10`), as text.
  Result<std::string> Text(const json::Value& v, const std::string& path, size_t max_bytes) const;
  Status Int(const json::Value& obj, const std::string& path, std::string_view key, int64_t min,
             int64_t max, int64_t* out) const;
  Status Bool(const json::Value& obj, const std::string& path, std::string_view key,
              bool* out) const;
  Status Enum(const json::Value& obj, const std::string& path, std::string_view key,
              const Keys& values, std::string* out) const;
  // The list under key (nullptr when absent), at most max_items long.
  Result<const json::Value::Array*> List(const json::Value& obj, const std::string& path,
                                         std::string_view key, size_t max_items) const;
  // An object of texts (see Text) whose keys pass `keys`.
  Status TextMap(const json::Value& obj, const std::string& path, std::string_view key,
                 size_t max_entries, const KeyRule& keys, size_t max_value_bytes,
                 std::map<std::string, std::string>* out) const;

 private:
  Status CheckText(const std::string& path, std::string_view s, size_t max_bytes) const;

  const SpecSource& source_;
};

bool Contains(const Keys& keys, std::string_view key);
std::string Join(const Keys& keys);  // "a, b, c"
// `not "x" (a string)`, for type errors.
std::string Describe(const json::Value& v);
// 's' in single quotes, shortened when long.
std::string Quote(std::string_view s);
bool HasControl(std::string_view s);
// [A-Za-z0-9_-]{1,max_bytes}: task keys, parameter names.
bool IsName(std::string_view s, size_t max_bytes);

// Reads settings into a JobSpec, checking each field on its own: shapes, types, unknown fields,
// ranges, names, URLs, the cron expression and the time zone. What spans fields (the task graph,
// references) is left to ParseJobSpec.
Result<JobSpec> ReadJobSpec(const json::Value& settings, const SpecSource& source);

inline std::string_view PauseStatusName(PauseStatus status) {
  return status == PauseStatus::kPaused ? "PAUSED" : "UNPAUSED";
}

// The JSON field of a builtin task: "train_task" for kind "train".
inline std::string BuiltinField(std::string_view kind) { return std::string(kind) + "_task"; }

}  // namespace keel::jobs::internal
