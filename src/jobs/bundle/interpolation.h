#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

// The `${name}` references of bundle files (Databricks Asset Bundles' syntax), as opposed to
// the `{{name}}` references that jobs resolve at run time (jobs/references.h).
namespace keel::jobs {

// Gives the value of a reference's name ("var.catalog", "bundle.target"), or an error whose
// message says what is wrong with the name (the caller adds where it was).
using ReferenceLookup = std::function<Result<std::string>(std::string_view name)>;

// Replaces each `${name}` in `text` with lookup(name), where name is one or more segments
// [A-Za-z_][A-Za-z0-9_-]* joined by '.'. `$${` stands for a literal `${`; a `${` that does not
// start a well-formed reference (`${x:-y}`, `${ x }`, no closing brace) is copied as is, so
// shell syntax in commands survives. Substituted text is not scanned again.
//
// Errors: the first error of lookup, unchanged; kRequestLimitExceeded when the result would pass
// `max_bytes`.
Result<std::string> SubstituteReferences(std::string_view text, const ReferenceLookup& lookup,
                                         size_t max_bytes);

}  // namespace keel::jobs
