#pragma once

// JSON shapes of managed tables, shared by the table handlers and `keel tables`: Unity
// Catalog's TableInfo/ColumnInfo (plus the Delta facts Keel adds), rows, commits and the result
// of a change.

#include <cstdint>
#include <vector>

#include "catalog/table_service.h"
#include "common/json.h"

namespace keel::server::handlers {

// UC TableInfo (name, catalog_name, schema_name, full_name, table_type "MANAGED",
// data_source_format "DELTA", columns, storage_location, owner, comment, properties,
// created_at/by, updated_at/by, table_id) and the Delta facts of the version described:
// version, version_timestamp, schema (Spark JSON schema object), partition_columns, num_files,
// num_records, min_reader_version, min_writer_version, delta_properties.
json::Value RenderTableInfo(const catalog::TableInfo& t);

// {"schema": <Spark JSON schema>, "rows": [{...}], "version": N}: the first `max_rows` rows
// (-1: all) in the value forms of storage/batch/value_format.h; "truncated": true when rows
// were left out.
json::Value RenderTableRows(const catalog::TableRows& rows, int64_t max_rows = -1);

// One history entry: version, timestamp (ms), operation, operation_parameters, commit_info.
json::Value RenderCommitRecord(const delta::CommitRecord& c);

// What a change did: version, skipped, rows_written, rows_affected, files_added, files_removed.
json::Value RenderCommitResult(const delta::CommitResult& c);

}  // namespace keel::server::handlers
