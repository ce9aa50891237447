#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/fs/file_system.h"
#include "common/result.h"
#include "storage/delta/actions.h"

namespace keel::delta {

// What a classic checkpoint holds: the reconciled state of a table at one version.
struct CheckpointContent {
  Protocol protocol;
  Metadata metadata;
  std::vector<Txn> txns;
  std::vector<AddFile> adds;
  std::vector<RemoveFile> removes;  // unexpired tombstones
  std::vector<DomainMetadata> domains;
};

// Reads one part of a classic (single- or multi-part) checkpoint: a Parquet file whose
// top-level columns are the action structs `txn`, `add`, `remove`, `metaData`, `protocol`
// (and optionally `commitInfo`, `cdc`, `domainMetadata`, `checkpointMetadata`, `sidecar`), one
// action per row. Columns a writer left out are simply absent; `add.stats_parsed` is ignored
// (statistics are hints). Errors: kCorruption naming the file when it is not Parquet or an
// action lacks a required field.
Result<std::vector<Action>> ReadCheckpointFile(FileSystem* fs, const std::string& path);

// Writes the classic single-part checkpoint of `version` in the standard checkpoint schema
// (PROTOCOL.md "Checkpoint Schema": add.partitionValues and tags as map<string,string>,
// add.stats as a JSON string, metaData.format as struct<provider,options>), so that Spark,
// delta-rs and DuckDB read it. The file appears atomically (temporary name + rename); then
// `_delta_log/_last_checkpoint` is replaced with {"version":V,"size":ROWS} — only when it does
// not already point at a newer version. Idempotent: rewriting the same version is harmless.
Status WriteCheckpoint(FileSystem* fs, const std::string& table_root, int64_t version,
                       const CheckpointContent& content);

// "<root>/_delta_log/00000000000000000010.checkpoint.parquet" for a single-part checkpoint.
std::string CheckpointPath(const std::string& table_root, int64_t version);

}  // namespace keel::delta
