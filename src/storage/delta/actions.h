#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace keel::delta {

// The actions of a Delta log (PROTOCOL.md "Actions"). Field names follow the protocol; a
// value absent from the log is an empty optional (or empty container) here.

// Partition values as the log stores them: column name -> string, nullopt for null.
using PartitionValues = std::map<std::string, std::optional<std::string>>;

struct Protocol {
  int min_reader_version = 1;
  int min_writer_version = 2;
  // Present only for reader version 3 / writer version 7 (table features).
  std::optional<std::vector<std::string>> reader_features;
  std::optional<std::vector<std::string>> writer_features;
};

struct Metadata {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::string format_provider = "parquet";
  std::map<std::string, std::string> format_options;
  std::string schema_string;  // Spark JSON schema
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> configuration;
  std::optional<int64_t> created_time;
};

struct DeletionVector {
  std::string storage_type;
  std::string path_or_inline_dv;
  std::optional<int32_t> offset;
  int32_t size_in_bytes = 0;
  int64_t cardinality = 0;
};

struct AddFile {
  std::string path;  // URI-encoded, relative to the table root (or absolute URI)
  PartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  bool data_change = true;
  std::optional<std::string> stats;  // JSON text
  std::map<std::string, std::string> tags;
  std::optional<DeletionVector> deletion_vector;
};

struct RemoveFile {
  std::string path;
  std::optional<int64_t> deletion_timestamp;
  bool data_change = true;
  std::optional<bool> extended_file_metadata;
  PartitionValues partition_values;
  std::optional<int64_t> size;
  std::optional<DeletionVector> deletion_vector;
};

struct AddCdcFile {
  std::string path;
  PartitionValues partition_values;
  int64_t size = 0;
  bool data_change = false;
};

struct Txn {
  std::string app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;
};

// commitInfo is free-form; Keel keeps the JSON and reads the fields it needs.
struct CommitInfo {
  json::Value value;

  std::optional<int64_t> timestamp() const;
  std::optional<int64_t> in_commit_timestamp() const;
  std::string operation() const;
};

struct DomainMetadata {
  std::string domain;
  std::string configuration;
  bool removed = false;
};

// checkpointMetadata / sidecar belong to V2 checkpoints, which Keel refuses; they are parsed so
// that the refusal can name them.
struct CheckpointMetadata {
  int64_t version = 0;
};
struct Sidecar {
  std::string path;
};

using Action = std::variant<Protocol, Metadata, AddFile, RemoveFile, AddCdcFile, Txn, CommitInfo,
                            DomainMetadata, CheckpointMetadata, Sidecar>;

// Parses one line of a commit file. Unknown action kinds are skipped (returns nullopt), as the
// protocol requires of readers. Errors: kCorruption naming `where` (file and line) when the line
// is not JSON or a known action lacks a required field or has a field of the wrong type.
Result<std::optional<Action>> ParseActionLine(std::string_view line, std::string_view where);

// Parses a whole commit file (newline-delimited JSON; blank lines ignored).
Result<std::vector<Action>> ParseCommitFile(std::string_view text, std::string_view where);

// One action as its single-line JSON form ({"add":{...}}), fields in protocol order.
std::string ActionToJson(const Action& action);
json::Value ProtocolToJson(const Protocol& p);
json::Value MetadataToJson(const Metadata& m);
json::Value AddFileToJson(const AddFile& a);
json::Value RemoveFileToJson(const RemoveFile& r);
json::Value TxnToJson(const Txn& t);

// Typed readers of the action objects, shared by the commit and checkpoint readers.
Result<Protocol> ProtocolFromJson(const json::Value& v);
Result<Metadata> MetadataFromJson(const json::Value& v);
Result<AddFile> AddFileFromJson(const json::Value& v);
Result<RemoveFile> RemoveFileFromJson(const json::Value& v);
Result<Txn> TxnFromJson(const json::Value& v);

// Decodes a URI-encoded add/remove path once (%20 -> ' ', %2520 -> %20). kCorruption for a bad
// escape.
Result<std::string> DecodePath(std::string_view uri_path);
// The identity of a data file in log reconciliation: its path decoded once (the raw text when it
// does not decode), so that differently escaped spellings of one file match.
std::string CanonicalPath(const std::string& log_path);
// Encodes a relative file path for add.path (RFC 3986 path characters kept, others %XX).
std::string EncodePath(std::string_view path);

}  // namespace keel::delta
