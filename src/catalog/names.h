#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace keel::catalog {

// Names are validated here, once; every other layer trusts a name that came through this file.
//
// Object names (catalogs, schemas, tables, volumes, models, functions): 1-255 bytes of ASCII
// letters, digits, '_' and '-', not starting with '-'. That excludes '.', '/', '\', spaces,
// control characters and NUL, so a name can never form a path or split a full name. Names are
// unique ignoring case (see NameKey).
Status ValidateObjectName(std::string_view name, std::string_view what);

// Principal names (users, groups, service principals): 1-255 bytes of ASCII letters, digits and
// '_', '-', '.', '@', '+'; must start with a letter or digit and must not contain "..". User
// names are often e-mail addresses.
Status ValidatePrincipalName(std::string_view name);

// Tags (UC securable tags, model-version tags): keys 1-255 bytes, values at most 1020 bytes.
Status ValidateTagKey(std::string_view key);
Status ValidateTag(std::string_view key, std::string_view value);

// The case-folded form used for uniqueness and lookups.
std::string NameKey(std::string_view name);

// Splits "a.b.c" into {"a","b","c"}, validating each part. `parts` is the expected count
// (1 catalog, 2 schema, 3 table/model/volume/function).
Result<std::vector<std::string>> SplitFullName(std::string_view full_name, size_t parts,
                                               std::string_view what);

}  // namespace keel::catalog
