#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/catalog_service.h"
#include "catalog/table_schema.h"
#include "common/clock.h"
#include "common/fs/file_system.h"
#include "storage/batch/record_batch.h"
#include "storage/csv/text_ingest.h"
#include "storage/delta/delta_table.h"

namespace keel::catalog {

// Told about every successful read and write of a managed table, after it happened, with the
// table version read or written (lineage: which run read which version). Implementations must
// be thread-safe and must not fail the caller; they are called on the caller's thread.
class TableAccessObserver {
 public:
  virtual ~TableAccessObserver() = default;
  virtual void OnRead(const Principal& who, const std::string& full_name, int64_t version) = 0;
  virtual void OnWrite(const Principal& who, const std::string& full_name, int64_t version) = 0;
};

struct TableServiceOptions {
  // Source of commit timestamps (and so of time travel by timestamp). Default: system clock.
  const Clock* clock = Clock::System();
  // Told about reads and writes; not owned. Default: none.
  TableAccessObserver* observer = nullptr;
};

struct CreateTableRequest {
  std::string full_name;  // "catalog.schema.table"
  batch::Schema schema;
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> properties;  // UC properties (kept in the metastore)
  std::string comment;
};

// Unity Catalog's TableInfo for a managed Delta table, plus the Delta facts of one version.
struct TableInfo {
  SecurableInfo securable;  // name, full_name, id, owner, comment, properties, storage_location
  std::string catalog_name;
  std::string schema_name;
  std::vector<ColumnInfo> columns;
  // Delta facts of the version described.
  int64_t version = -1;
  int64_t version_timestamp_ms = 0;
  std::string schema_json;  // Spark JSON schema string
  batch::Schema schema;
  std::vector<std::string> partition_columns;
  int64_t num_files = 0;
  std::optional<int64_t> num_records;  // absent when some file has no statistics
  int min_reader_version = 1;
  int min_writer_version = 2;
  std::map<std::string, std::string> delta_properties;  // metaData.configuration
};

struct TablePage {
  std::vector<TableInfo> tables;
  std::string next_page_token;  // empty on the last page
};

// Rows read from a table, with the version they were read at.
struct TableRows {
  batch::RecordBatch rows;
  int64_t version = -1;
};

// A write given as CSV or JSON-lines text (`keel tables write|ingest`, POST .../rows).
struct TextWriteRequest {
  csv::TextFormat format = csv::TextFormat::kCsv;
  delta::WriteOptions write;
};

struct IngestRequest {
  csv::TextFormat format = csv::TextFormat::kCsv;
  delta::WriteMode mode = delta::WriteMode::kAppend;
  // The schema for a table that does not exist yet; empty: inferred from the text.
  batch::Schema schema;
  std::vector<std::string> partition_columns;  // for a new table
};

struct IngestResult {
  bool created = false;  // the table did not exist and was created
  delta::CommitResult commit;
};

// The version to read from user text (CLI flags, query parameters): `version` a non-negative
// integer, `timestamp` ISO-8601 ("2024-05-01T12:00:00Z", a bare date is midnight UTC) or
// milliseconds since the epoch. Both empty: the latest version; both given:
// kInvalidParameterValue.
Result<delta::TimeTravel> ParseTimeTravel(std::string_view version, std::string_view timestamp);

// Managed Delta tables governed by the catalog: every table is a TABLE securable whose files
// live at the storage_location the catalog derives from ids (never from names or requests).
// Authorization happens here, so the CLI, the server and jobs obey the same grants:
//  - create: USE_CATALOG, USE_SCHEMA and CREATE_TABLE (checked by CatalogService);
//  - describe/list: what UC's GetTable needs (ownership, a privilege on the table, or BROWSE);
//  - Read and History: SELECT; every change of the data: MODIFY; drop: owner or MANAGE.
// Successful reads and writes are reported to options.observer.
//
// Thread-safety: thread-safe; concurrent writers are serialised by Delta's optimistic commits
// (the loser gets kResourceConflict).
//
// Errors: kResourceDoesNotExist (unknown table, version or timestamp), kPermissionDenied
// (names the privilege needed), kInvalidParameterValue (bad names, schemas, predicates, data),
// kResourceAlreadyExists, kResourceConflict (a concurrent commit won), kCorruption/kIOError
// from storage.
class TableService {
 public:
  TableService(CatalogService* catalog, FileSystem* fs, TableServiceOptions options = {});

  // ---- metadata ---------------------------------------------------------------------------
  // Creates the securable, then the Delta table (version 0) at its storage_location. If the
  // Delta create fails, the securable and any files are removed again.
  Result<TableInfo> CreateTable(const Principal& caller, const CreateTableRequest& request);
  Result<TableInfo> DescribeTable(const Principal& caller, std::string_view full_name,
                                  const delta::TimeTravel& at = {}) const;
  // Tables of schema "cat.sch" the caller may see, by name; at most `max_results` (0: the
  // default of 100, at most 1000) after `page_token` (the next_page_token of the last page).
  Result<TablePage> ListTables(const Principal& caller, std::string_view schema_full_name,
                               int64_t max_results = 0, std::string_view page_token = "") const;
  // Removes the metastore entry, then the table's files.
  Status DropTable(const Principal& caller, std::string_view full_name);

  // ---- data -------------------------------------------------------------------------------
  Result<TableRows> Read(const Principal& caller, std::string_view full_name,
                         const delta::ScanOptions& scan = {},
                         const delta::TimeTravel& at = {}) const;
  Result<std::vector<delta::CommitRecord>> History(const Principal& caller,
                                                   std::string_view full_name,
                                                   int64_t limit = 0) const;
  Result<delta::CommitResult> Write(const Principal& caller, std::string_view full_name,
                                    const batch::RecordBatch& data,
                                    const delta::WriteOptions& options = {});
  // Parses `text` as the table's columns (columns matched by name; with merge_schema, new
  // columns take inferred types) and writes it.
  Result<delta::CommitResult> WriteText(const Principal& caller, std::string_view full_name,
                                        std::string_view text, const TextWriteRequest& request);
  // `keel tables ingest`: creates the table when absent (with request.schema or an inferred
  // one), else appends or overwrites.
  Result<IngestResult> Ingest(const Principal& caller, std::string_view full_name,
                              std::string_view text, const IngestRequest& request);
  Result<delta::CommitResult> DeleteRows(const Principal& caller, std::string_view full_name,
                                         const std::string& predicate);
  Result<delta::CommitResult> UpdateRows(
      const Principal& caller, std::string_view full_name, const std::string& predicate,
      const std::vector<std::pair<std::string, std::string>>& assignments);
  Result<delta::CommitResult> Merge(const Principal& caller, std::string_view full_name,
                                    const batch::RecordBatch& source,
                                    const delta::MergeOptions& options);
  // Parses `text` as the table's columns and merges it on options.keys (`keel tables merge`).
  Result<delta::CommitResult> MergeText(const Principal& caller, std::string_view full_name,
                                        std::string_view text, csv::TextFormat format,
                                        const delta::MergeOptions& options);
  Result<delta::CommitResult> Restore(const Principal& caller, std::string_view full_name,
                                      const delta::TimeTravel& at);
  Result<delta::VacuumResult> Vacuum(const Principal& caller, std::string_view full_name,
                                     const delta::VacuumOptions& options = {});

 private:
  // The table (authorized for `p`) opened for data access.
  struct Opened {
    SecurableInfo securable;
    delta::DeltaTable table;
  };
  Result<Opened> OpenFor(const Principal& caller, std::string_view full_name, Privilege p) const;
  Result<TableInfo> Describe(const SecurableInfo& s, const delta::TimeTravel& at) const;
  // Reports a successful change to the observer and passes the result on.
  Result<delta::CommitResult> Wrote(const Principal& caller, const SecurableInfo& s,
                                    Result<delta::CommitResult> result) const;
  delta::TableOptions DeltaOptions() const;

  CatalogService* catalog_;
  FileSystem* fs_;
  TableServiceOptions options_;
};

}  // namespace keel::catalog
