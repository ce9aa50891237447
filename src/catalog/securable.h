#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace keel::catalog {

// The kinds of governed object, in Unity Catalog's words. The hierarchy is
// metastore > catalog > schema > {table, volume, registered model, function}.
enum class SecurableType {
  kMetastore,
  kCatalog,
  kSchema,
  kTable,
  kVolume,
  kRegisteredModel,
  kFunction,
};

// "CATALOG", "SCHEMA", "TABLE", "VOLUME", "REGISTERED_MODEL", "FUNCTION", "METASTORE".
std::string_view SecurableTypeName(SecurableType type);
// Accepts the names above in any case, as UC's REST paths do ("catalog", "registered_model");
// also "model" for a registered model.
Result<SecurableType> ParseSecurableType(std::string_view name);
// Number of parts in the full name: catalog 1, schema 2, objects 3 (metastore 0).
size_t FullNameParts(SecurableType type);

// A governed object as stored.
struct SecurableInfo {
  std::string id;
  SecurableType type = SecurableType::kCatalog;
  std::string name;       // last part of the full name
  std::string full_name;  // "dev", "dev.default", "dev.default.t"
  std::string parent_id;  // empty for catalogs
  std::string owner;      // the owning principal's name
  std::string owner_id;
  std::string comment;
  std::map<std::string, std::string> properties;
  std::string storage_location;  // empty when the object has no files
  int64_t created_at = 0;
  std::string created_by;
  int64_t updated_at = 0;
  std::string updated_by;
};

}  // namespace keel::catalog
