#pragma once

#include <string_view>
#include <vector>

#include "metastore/database.h"

namespace keel::metastore {

// One schema change, from src/metastore/migrations/NNNN_what.sql (embedded at build time).
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every migration this binary knows, in version order (generated code).
const std::vector<Migration>& AllMigrations();

// Brings the database to the newest schema: each pending migration runs in its own write
// transaction together with its row in `schema_migrations`, so a crash leaves the schema at a
// whole version. Safe when several processes start at once (the write lock serialises them and
// each re-reads the version inside its transaction). A database whose version is newer than
// this binary knows is refused with kInvalidState, before anything is changed.
Status ApplyMigrations(Database& db);

// The version the database is at (0 for a new, empty database).
Result<int> SchemaVersion(Database& db);

}  // namespace keel::metastore
