#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/securable.h"
#include "metastore/database.h"

namespace keel::catalog {

// SQL for securables and their tags. Runs inside the caller's transaction. Lookups by full
// name ignore case.
class SecurableStore {
 public:
  // Inserts `s`; kResourceAlreadyExists when a sibling of the same type has the same name.
  static Status Insert(metastore::Transaction& tx, const SecurableInfo& s);
  static Result<std::optional<SecurableInfo>> FindByFullName(metastore::Transaction& tx,
                                                             SecurableType type,
                                                             std::string_view full_name);
  static Result<std::optional<SecurableInfo>> FindById(metastore::Transaction& tx,
                                                       std::string_view id);
  // Children of `parent_id` of `type` ("" parent: catalogs), ordered by name.
  static Result<std::vector<SecurableInfo>> ListChildren(metastore::Transaction& tx,
                                                         std::string_view parent_id,
                                                         SecurableType type);
  static Result<int64_t> CountChildren(metastore::Transaction& tx, std::string_view parent_id);
  // Writes comment, owner, properties and the updated_* fields of `s` (matched by id).
  static Status Update(metastore::Transaction& tx, const SecurableInfo& s);
  // Writes name and full_name (and updated_*) of `s` (matched by id); kResourceAlreadyExists
  // when a sibling has the name. Only for objects without children.
  static Status Rename(metastore::Transaction& tx, const SecurableInfo& s);
  // Removes the object, its children (cascade), their grants and tags.
  static Status Delete(metastore::Transaction& tx, std::string_view id);

  static Result<std::map<std::string, std::string>> Tags(metastore::Transaction& tx,
                                                         std::string_view id);
  static Status SetTag(metastore::Transaction& tx, std::string_view id, std::string_view key,
                       std::string_view value);
  static Status UnsetTag(metastore::Transaction& tx, std::string_view id, std::string_view key);
};

}  // namespace keel::catalog
