// TableService: creating, describing, listing and dropping managed tables. The data operations
// are in table_service_data.cc, text ingest in table_service_text.cc.

#include "catalog/table_service.h"

#include <algorithm>
#include <charconv>

#include "catalog/names.h"
#include "common/log.h"
#include "storage/delta/schema_json.h"
#include "storage/delta/value_parse.h"

namespace keel::catalog {

namespace {

// Tables per ListTables page: the default and the largest a caller may ask for.
constexpr int64_t kDefaultTablesPerPage = 100;
constexpr int64_t kMaxTablesPerPage = 1000;

std::optional<int64_t> ParseNonNegative(std::string_view text) {
  int64_t out = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), out);
  if (text.empty() || res.ec != std::errc() || res.ptr != text.data() + text.size() || out < 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

Result<delta::TimeTravel> ParseTimeTravel(std::string_view version, std::string_view timestamp) {
  delta::TimeTravel at;
  if (!version.empty() && !timestamp.empty()) {
    return Status::InvalidArgument("give a version or a timestamp, not both");
  }
  if (!version.empty()) {
    at.version = ParseNonNegative(version);
    if (!at.version) {
      return Status::InvalidArgument("version must be a table version (0, 1, ...), not '" +
                                     std::string(version.substr(0, 64)) + "'");
    }
  }
  if (!timestamp.empty()) {
    if (auto millis = ParseNonNegative(timestamp)) {
      at.timestamp_ms = *millis;
    } else if (auto parsed = delta::ParseTimestamp(timestamp)) {
      // Floor division: a time before the epoch stays before it.
      int64_t micros = parsed->micros;
      at.timestamp_ms = micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
    } else {
      return Status::InvalidArgument(
          "timestamp must be ISO-8601 (2024-05-01T12:00:00Z) or "
          "milliseconds since the epoch, not '" +
          std::string(timestamp.substr(0, 64)) + "'");
    }
  }
  return at;
}

TableService::TableService(CatalogService* catalog, FileSystem* fs, TableServiceOptions options)
    : catalog_(catalog), fs_(fs), options_(std::move(options)) {}

delta::TableOptions TableService::DeltaOptions() const {
  delta::TableOptions t;
  t.clock = options_.clock;
  return t;
}

Result<TableInfo> TableService::CreateTable(const Principal& caller,
                                            const CreateTableRequest& request) {
  KEEL_ASSIGN_OR_RETURN(auto parts, SplitFullName(request.full_name, 3, "table"));
  KEEL_RETURN_IF_ERROR(ValidateTableSchema(request.schema, request.partition_columns));

  CreateSecurableRequest sreq;
  sreq.type = SecurableType::kTable;
  sreq.parent_full_name = parts[0] + "." + parts[1];
  sreq.name = parts[2];
  sreq.comment = request.comment;
  sreq.properties = request.properties;
  // CreateSecurable checks USE_CATALOG, USE_SCHEMA and CREATE_TABLE and derives the location.
  KEEL_ASSIGN_OR_RETURN(SecurableInfo s, catalog_->CreateSecurable(caller, sreq));

  delta::CreateTableOptions copts;
  copts.schema = request.schema;
  copts.partition_columns = request.partition_columns;
  copts.name = s.name;
  copts.description = request.comment;
  auto created = delta::DeltaTable::Create(fs_, s.storage_location, copts, DeltaOptions());
  if (!created.ok()) {
    // No half-made table: take the securable and whatever files were written away again.
    Status undo = catalog_->DeleteSecurable(caller, SecurableType::kTable, s.full_name, false);
    Status removed = fs_->RemoveAll(s.storage_location);
    if (!undo.ok() || !removed.ok()) {
      KEEL_LOG(kError) << "could not undo the creation of table " << s.full_name << ": "
                       << undo.ToString() << " / " << removed.ToString();
    }
    Status cause = created.status();
    if (cause.code() == ErrorCode::kCorruption || cause.code() == ErrorCode::kNotImplemented) {
      return Status::InvalidArgument("table '" + s.full_name +
                                     "' was not created: " + cause.message());
    }
    return cause;
  }
  return Describe(s, {});
}

Result<TableInfo> TableService::Describe(const SecurableInfo& s,
                                         const delta::TimeTravel& at) const {
  TableInfo info;
  info.securable = s;
  size_t dot = s.full_name.find('.');
  size_t dot2 = s.full_name.find('.', dot + 1);
  info.catalog_name = s.full_name.substr(0, dot);
  info.schema_name = s.full_name.substr(dot + 1, dot2 - dot - 1);
  KEEL_ASSIGN_OR_RETURN(auto snapshot, delta::Snapshot::Load(fs_, s.storage_location, at));
  info.version = snapshot->version();
  info.version_timestamp_ms = snapshot->timestamp_ms();
  info.schema = snapshot->schema();
  info.schema_json = delta::SchemaToString(snapshot->schema());
  info.partition_columns = snapshot->partition_columns();
  info.columns = ToColumnInfos(snapshot->schema(), snapshot->partition_columns());
  info.num_files = static_cast<int64_t>(snapshot->files().size());
  info.num_records = snapshot->num_records();
  info.min_reader_version = snapshot->protocol().min_reader_version;
  info.min_writer_version = snapshot->protocol().min_writer_version;
  info.delta_properties = snapshot->metadata().configuration;
  return info;
}

Result<TableInfo> TableService::DescribeTable(const Principal& caller, std::string_view full_name,
                                              const delta::TimeTravel& at) const {
  KEEL_ASSIGN_OR_RETURN(SecurableInfo s,
                        catalog_->GetSecurable(caller, SecurableType::kTable, full_name));
  return Describe(s, at);
}

Result<TablePage> TableService::ListTables(const Principal& caller,
                                           std::string_view schema_full_name, int64_t max_results,
                                           std::string_view page_token) const {
  if (max_results < 0) {
    return Status::InvalidArgument("max_results must not be negative");
  }
  int64_t limit =
      max_results == 0 ? kDefaultTablesPerPage : std::min(max_results, kMaxTablesPerPage);
  KEEL_ASSIGN_OR_RETURN(auto all,
                        catalog_->ListSecurables(caller, SecurableType::kTable, schema_full_name));
  std::sort(all.begin(), all.end(), [](const SecurableInfo& a, const SecurableInfo& b) {
    return NameKey(a.name) < NameKey(b.name);
  });
  // The token is the key of the last name of the previous page: names are unique ignoring
  // case, so the next page starts strictly after it whatever was created or dropped since.
  std::string after = NameKey(page_token);
  TablePage page;
  for (const SecurableInfo& s : all) {
    if (!after.empty() && NameKey(s.name) <= after) continue;
    if (static_cast<int64_t>(page.tables.size()) == limit) {
      page.next_page_token = NameKey(page.tables.back().securable.name);
      break;
    }
    auto info = Describe(s, {});
    if (info.ok()) {
      page.tables.push_back(std::move(*info));
      continue;
    }
    // A table whose log cannot be read is still listed, with its metastore facts only.
    KEEL_LOG(kWarning) << "table " << s.full_name << ": " << info.status().ToString();
    TableInfo bare;
    bare.securable = s;
    bare.catalog_name = s.full_name.substr(0, s.full_name.find('.'));
    bare.schema_name = std::string(schema_full_name.substr(schema_full_name.find('.') + 1));
    page.tables.push_back(std::move(bare));
  }
  return page;
}

Status TableService::DropTable(const Principal& caller, std::string_view full_name) {
  KEEL_ASSIGN_OR_RETURN(SecurableInfo s,
                        catalog_->GetSecurable(caller, SecurableType::kTable, full_name));
  KEEL_RETURN_IF_ERROR(
      catalog_->DeleteSecurable(caller, SecurableType::kTable, s.full_name, false));
  // The location came from the catalog; still, never remove anything outside the storage root.
  const std::string& root = catalog_->options().storage_root;
  if (s.storage_location.size() <= root.size() + 1 ||
      s.storage_location.compare(0, root.size() + 1, root + "/") != 0) {
    KEEL_LOG(kError) << "table " << s.full_name << " has a storage location outside the root";
    return Status::OK();
  }
  Status removed = fs_->RemoveAll(s.storage_location);
  if (!removed.ok()) {
    // The table is gone from the catalog; its files are unreachable and only take space.
    KEEL_LOG(kWarning) << "dropped table " << s.full_name
                       << " but could not remove its files: " << removed.ToString();
  }
  return Status::OK();
}

}  // namespace keel::catalog
