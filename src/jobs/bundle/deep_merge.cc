#include <optional>
#include <string_view>

#include "jobs/bundle/deep_merge_internal.h"

namespace keel::jobs::bundle_internal {

namespace {

// Arrays of objects that all carry one of these keys merge element by element (Databricks
// merges a target's tasks into the job's by task_key the same way).
constexpr std::string_view kArrayMergeKeys[] = {"task_key", "job_cluster_key", "name"};

std::optional<std::string_view> ArrayMergeKey(const json::Value& base, const json::Value& over) {
  if (base.as_array().empty() || over.as_array().empty()) return std::nullopt;
  for (std::string_view key : kArrayMergeKeys) {
    bool all = true;
    for (const json::Value* array : {&base, &over}) {
      for (const json::Value& element : array->as_array()) {
        const json::Value* id = element.Find(key);
        all = all && id != nullptr && id->is_string();
      }
    }
    if (all) return key;
  }
  return std::nullopt;
}

}  // namespace

void DeepMerge(json::Value* base, const json::Value& over) {
  if (base->is_object() && over.is_object()) {
    for (const auto& [key, value] : over.as_object()) {
      json::Value* existing = nullptr;
      for (auto& member : base->as_object()) {
        if (member.first == key) existing = &member.second;
      }
      if (existing != nullptr) {
        DeepMerge(existing, value);
      } else {
        base->Set(key, value);
      }
    }
    return;
  }
  if (base->is_array() && over.is_array()) {
    std::optional<std::string_view> merge_key = ArrayMergeKey(*base, over);
    if (merge_key) {
      for (const json::Value& element : over.as_array()) {
        const std::string& id = element.Find(*merge_key)->as_string();
        json::Value* match = nullptr;
        for (json::Value& candidate : base->as_array()) {
          if (candidate.Find(*merge_key)->as_string() == id) match = &candidate;
        }
        if (match != nullptr) {
          DeepMerge(match, element);
        } else {
          base->Append(element);
        }
      }
      return;
    }
  }
  *base = over;
}

}  // namespace keel::jobs::bundle_internal
