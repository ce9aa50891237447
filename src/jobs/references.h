#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

// Dynamic value references in task parameters, as Databricks Jobs writes them: `{{job.run_id}}`,
// `{{job.id}}`, `{{job.name}}`, `{{job.parameters.<name>}}`, `{{job.trigger.type}}`,
// `{{job.start_time.iso_datetime}}`, `{{task.name}}`, `{{task.run_id}}`,
// `{{task.execution_count}}`, `{{tasks.<task_key>.values.<key>}}`,
// `{{tasks.<task_key>.result_state}}`, `{{tasks.<task_key>.run_id}}`. Whitespace inside the
// braces is allowed; `\{{` is a literal `{{`.
namespace keel::jobs {

struct Reference {
  std::string text;                // "tasks.train.values.model_uri" (trimmed)
  std::vector<std::string> parts;  // {"tasks", "train", "values", "model_uri"}
};

// Every reference in `text`, in order. Errors: kInvalidParameterValue for an unclosed `{{`, an
// empty reference, or one that is not of the forms above (naming it).
Result<std::vector<Reference>> FindReferences(std::string_view text);

// Replaces every reference with resolve(ref). Errors: the first from FindReferences or resolve.
Result<std::string> SubstituteReferences(
    std::string_view text, const std::function<Result<std::string>(const Reference&)>& resolve);

}  // namespace keel::jobs
