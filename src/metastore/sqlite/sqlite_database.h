#pragma once

#include <memory>
#include <string>

#include "metastore/database.h"

namespace keel::metastore {

struct SqliteOptions {
  // How long a writer waits for another writer (in this or another process) before giving up
  // with kTemporarilyUnavailable. Default: 10 s.
  int busy_timeout_ms = 10000;
  // Connections kept open for reuse; more are opened under load and closed when returned.
  // Default: 16.
  int max_idle_connections = 16;
};

// The embedded metastore: a SQLite file in WAL mode with foreign keys on and synchronous=FULL,
// so a committed transaction survives a crash of the process or the machine. Creates the file
// when absent. Each concurrent caller gets its own connection from a pool.
Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path,
                                                     const SqliteOptions& options = {});

}  // namespace keel::metastore
