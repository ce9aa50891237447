// SpecReader (job_spec_internal.h): typed access to settings objects, with messages that name
// JSON paths and suggest the field meant.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "jobs/job_spec_internal.h"

namespace keel::jobs::internal {

namespace {

// Settings copied from a Databricks workspace carry fields Keel does not run; naming them as
// such beats "unknown field".
const Keys kDatabricksOnly = {"job_clusters",
                              "email_notifications",
                              "notification_settings",
                              "git_source",
                              "format",
                              "queue",
                              "health",
                              "continuous",
                              "environments",
                              "access_control_list",
                              "edit_mode",
                              "budget_policy_id",
                              "performance_target",
                              "existing_cluster_id",
                              "new_cluster",
                              "job_cluster_key",
                              "libraries",
                              "environment_key",
                              "disable_auto_optimization",
                              "compute",
                              "file_arrival",
                              "on_duration_warning_threshold_exceeded",
                              "on_streaming_backlog_exceeded"};
const Keys kDatabricksKinds = {"notebook_task",
                               "spark_python_task",
                               "spark_jar_task",
                               "spark_submit_task",
                               "python_wheel_task",
                               "pipeline_task",
                               "sql_task",
                               "dbt_task",
                               "for_each_task",
                               "dashboard_task",
                               "clean_rooms_notebook_task"};

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "; did you mean 'x'?" for the closest of `keys` (ignoring case), or "".
std::string Suggest(std::string_view word, const Keys& keys) {
  if (word.size() > 64) return "";
  std::string lower = AsciiLower(word);
  std::string_view best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (std::string_view k : keys) {
    size_t d = EditDistance(lower, AsciiLower(k));
    if (d < best_distance) {
      best = k;
      best_distance = d;
    }
  }
  return best.empty() ? "" : "; did you mean '" + std::string(best) + "'?";
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

bool Contains(const Keys& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string Join(const Keys& keys) {
  std::string out;
  for (std::string_view k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

std::string Describe(const json::Value& v) {
  std::string text = v.Dump();
  if (v.is_double()) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%g", v.as_double());
    text = buf;
  }
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  switch (v.type()) {
    case json::Type::kNull:
      return "not null";
    case json::Type::kBool:
      return "not " + text + " (a boolean)";
    case json::Type::kInt:
    case json::Type::kDouble:
      return "not " + text + " (a number)";
    case json::Type::kString:
      return "not " + text + " (a string)";
    case json::Type::kArray:
      return "not a list";
    case json::Type::kObject:
      return "not an object";
  }
  return "not " + text;
}

bool IsName(std::string_view s, size_t max_bytes) {
  return !s.empty() && s.size() <= max_bytes && std::all_of(s.begin(), s.end(), IsNameChar);
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

std::string Quote(std::string_view s) {
  return "'" + std::string(s.size() > 80 ? s.substr(0, 77) : s) + (s.size() > 80 ? "...'" : "'");
}

Status SpecReader::CheckObject(const json::Value& v, const std::string& path, std::string_view what,
                               const Keys& allowed) const {
  if (!v.is_object()) return Error(path, std::string(what) + " must be an object, " + Describe(v));
  for (const auto& [key, value] : v.as_object()) {
    if (Contains(allowed, key)) continue;
    std::string key_path = MemberPath(path, key);
    if (Contains(kDatabricksKinds, key)) {
      return Error(key_path, "Databricks " + key + "s do not run in Keel; use one of " +
                                 Join(kTaskKindFields));
    }
    if (Contains(kDatabricksOnly, key)) {
      return Error(key_path, "a Databricks field that Keel does not support; remove it");
    }
    std::string hint = Suggest(key, allowed);
    if (hint.empty()) hint = " (" + std::string(what) + " has " + Join(allowed) + ")";
    return Error(key_path, "unknown field" + hint);
  }
  return Status::OK();
}

Status SpecReader::String(const json::Value& obj, const std::string& path, std::string_view key,
                          size_t max_bytes, std::string* out) const {
  const json::Value* v = Get(obj, key);
  if (v == nullptr) return Status::OK();
  std::string key_path = MemberPath(path, key);
  if (!v->is_string()) return Error(key_path, "must be a string, " + Describe(*v));
  KEEL_RETURN_IF_ERROR(CheckText(key_path, v->as_string(), max_bytes));
  *out = v->as_string();
  return Status::OK();
}

Result<std::string> SpecReader::Text(const json::Value& v, const std::string& path,
                                     size_t max_bytes) const {
  std::string s;
  if (v.is_string()) {
    s = v.as_string();
  } else if (v.is_bool() || v.is_int() || (v.is_double() && std::isfinite(v.as_double()))) {
    s = v.Dump();
  } else {
    return Error(path, "must be a string, " + Describe(v));
  }
  KEEL_RETURN_IF_ERROR(CheckText(path, s, max_bytes));
  return s;
}

// Strings reach argv, environments and file names, where a NUL would cut them short.
Status SpecReader::CheckText(const std::string& path, std::string_view s, size_t max_bytes) const {
  if (s.size() > max_bytes) {
    return Error(path, "is " + std::to_string(s.size()) + " bytes long; the limit is " +
                           std::to_string(max_bytes));
  }
  if (s.find('\0') != std::string_view::npos) return Error(path, "must not hold a NUL character");
  return Status::OK();
}

Status SpecReader::Int(const json::Value& obj, const std::string& path, std::string_view key,
                       int64_t min, int64_t max, int64_t* out) const {
  const json::Value* v = Get(obj, key);
  if (v == nullptr) return Status::OK();
  if (!v->is_int() || v->as_int() < min || v->as_int() > max) {
    return Error(MemberPath(path, key), "must be an integer from " + std::to_string(min) + " to " +
                                            std::to_string(max) + ", " + Describe(*v));
  }
  *out = v->as_int();
  return Status::OK();
}

Status SpecReader::Bool(const json::Value& obj, const std::string& path, std::string_view key,
                        bool* out) const {
  const json::Value* v = Get(obj, key);
  if (v == nullptr) return Status::OK();
  if (!v->is_bool()) return Error(MemberPath(path, key), "must be true or false, " + Describe(*v));
  *out = v->as_bool();
  return Status::OK();
}

Status SpecReader::Enum(const json::Value& obj, const std::string& path, std::string_view key,
                        const Keys& values, std::string* out) const {
  const json::Value* v = Get(obj, key);
  if (v == nullptr) return Status::OK();
  std::string key_path = MemberPath(path, key);
  if (!v->is_string()) {
    return Error(key_path, "must be one of " + Join(values) + ", " + Describe(*v));
  }
  if (!Contains(values, v->as_string())) {
    return Error(key_path, Quote(v->as_string()) + " is not one of " + Join(values) +
                               Suggest(v->as_string(), values));
  }
  *out = v->as_string();
  return Status::OK();
}

Result<const json::Value::Array*> SpecReader::List(const json::Value& obj, const std::string& path,
                                                   std::string_view key, size_t max_items) const {
  const json::Value* v = Get(obj, key);
  if (v == nullptr) return nullptr;
  std::string key_path = MemberPath(path, key);
  if (!v->is_array()) return Error(key_path, "must be a list, " + Describe(*v));
  if (v->size() > max_items) {
    return Error(key_path, "has " + std::to_string(v->size()) + " entries; the limit is " +
                               std::to_string(max_items));
  }
  return &v->as_array();
}

Status SpecReader::TextMap(const json::Value& obj, const std::string& path, std::string_view key,
                           size_t max_entries, const KeyRule& keys, size_t max_value_bytes,
                           std::map<std::string, std::string>* out) const {
  const json::Value* v = Get(obj, key);
  if (v == nullptr) return Status::OK();
  std::string map_path = MemberPath(path, key);
  if (!v->is_object()) return Error(map_path, "must be an object of strings, " + Describe(*v));
  if (v->size() > max_entries) {
    return Error(map_path, "has " + std::to_string(v->size()) + " entries; the limit is " +
                               std::to_string(max_entries));
  }
  for (const auto& [name, value] : v->as_object()) {
    std::string entry_path = MemberPath(map_path, name);
    if (!keys.valid(name)) {
      return Error(entry_path, Quote(name) + " is not " + std::string(keys.rule));
    }
    if (out->count(name)) return Error(entry_path, "duplicate key " + Quote(name));
    KEEL_ASSIGN_OR_RETURN((*out)[name], Text(value, entry_path, max_value_bytes));
  }
  return Status::OK();
}

}  // namespace keel::jobs::internal
