#include "common/clock.h"
#include "common/log.h"
#include "metastore/migrations/migration.h"

namespace keel::metastore {

namespace {

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

Result<int> ReadVersion(Transaction& tx) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COALESCE(MAX(version), 0) FROM "
                                            "schema_migrations"));
  return static_cast<int>(rows.empty() ? 0 : rows[0].Int(0));
}

int LatestKnown() {
  const auto& all = AllMigrations();
  return all.empty() ? 0 : all.back().version;
}

}  // namespace

Result<int> SchemaVersion(Database& db) {
  int version = 0;
  KEEL_RETURN_IF_ERROR(db.Write([&](Transaction& tx) -> Status {
    KEEL_RETURN_IF_ERROR(tx.Exec(kCreateVersionTable).status());
    KEEL_ASSIGN_OR_RETURN(version, ReadVersion(tx));
    return Status::OK();
  }));
  return version;
}

Status ApplyMigrations(Database& db) {
  KEEL_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  if (current > LatestKnown()) {
    return Status::InvalidState("the metastore is at schema version " + std::to_string(current) +
                                ", newer than this keel binary understands (" +
                                std::to_string(LatestKnown()) +
                                "); upgrade keel before using this workspace");
  }
  for (const Migration& m : AllMigrations()) {
    if (m.version <= current) continue;
    KEEL_RETURN_IF_ERROR(db.Write([&](Transaction& tx) -> Status {
      KEEL_ASSIGN_OR_RETURN(int now, ReadVersion(tx));
      if (now >= m.version) return Status::OK();  // another process got here first
      KEEL_RETURN_IF_ERROR(tx.ExecScript(m.sql));
      KEEL_RETURN_IF_ERROR(
          tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                  {Int(m.version), Text(m.name), Int(Clock::System()->NowMillis())})
              .status());
      return Status::OK();
    }).WithContext("migration " + std::to_string(m.version) + " (" + std::string(m.name) + ")"));
    KEEL_LOG(kDebug) << "metastore migrated to version " << m.version;
  }
  return Status::OK();
}

}  // namespace keel::metastore
