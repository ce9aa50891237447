// TableService: reading and changing the data of managed tables (SELECT / MODIFY).

#include "catalog/table_service.h"

namespace keel::catalog {

Result<TableService::Opened> TableService::OpenFor(const Principal& caller,
                                                   std::string_view full_name, Privilege p) const {
  KEEL_ASSIGN_OR_RETURN(SecurableInfo s,
                        catalog_->AuthorizeDataAccess(caller, SecurableType::kTable, full_name, p));
  auto table = delta::DeltaTable::Open(fs_, s.storage_location, DeltaOptions());
  if (!table.ok()) {
    if (table.status().code() == ErrorCode::kResourceDoesNotExist) {
      return Status::NotFound("table '" + s.full_name +
                              "' has no Delta log (its files are missing); drop it and create "
                              "it again");
    }
    return table.status();
  }
  return Opened{std::move(s), std::move(*table)};
}

Result<delta::CommitResult> TableService::Wrote(const Principal& caller, const SecurableInfo& s,
                                                Result<delta::CommitResult> result) const {
  if (result.ok() && !result->skipped && options_.observer != nullptr) {
    options_.observer->OnWrite(caller, s.full_name, result->version);
  }
  return result;
}

Result<TableRows> TableService::Read(const Principal& caller, std::string_view full_name,
                                     const delta::ScanOptions& scan,
                                     const delta::TimeTravel& at) const {
  KEEL_ASSIGN_OR_RETURN(Opened o, OpenFor(caller, full_name, Privilege::kSelect));
  KEEL_ASSIGN_OR_RETURN(auto snapshot, o.table.Load(at));
  TableRows out;
  KEEL_ASSIGN_OR_RETURN(out.rows, delta::ScanTable(*snapshot, scan));
  out.version = snapshot->version();
  if (options_.observer != nullptr) {
    options_.observer->OnRead(caller, o.securable.full_name, out.version);
  }
  return out;
}

Result<std::vector<delta::CommitRecord>> TableService::History(const Principal& caller,
                                                               std::string_view full_name,
                                                               int64_t limit) const {
  if (limit < 0) return Status::InvalidArgument("the history limit must not be negative");
  KEEL_ASSIGN_OR_RETURN(Opened o, OpenFor(caller, full_name, Privilege::kSelect));
  return o.table.History(limit);
}

Result<delta::CommitResult> TableService::Write(const Principal& caller, std::string_view full_name,
                                                const batch::RecordBatch& data,
                                                const delta::WriteOptions& options) {
  KEEL_ASSIGN_OR_RETURN(Opened o, OpenFor(caller, full_name, Privilege::kModify));
  return Wrote(caller, o.securable, o.table.Write(data, options));
}

Result<delta::CommitResult> TableService::DeleteRows(const Principal& caller,
                                                     std::string_view full_name,
                                                     const std::string& predicate) {
  KEEL_ASSIGN_OR_RETURN(Opened o, OpenFor(caller, full_name, Privilege::kModify));
  return Wrote(caller, o.securable, o.table.Delete(predicate));
}

Result<delta::CommitResult> TableService::UpdateRows(
    const Principal& caller, std::string_view full_name, const std::string& predicate,
    const std::vector<std::pair<std::string, std::string>>& assignments) {
  if (assignments.empty()) {
    return Status::InvalidArgument("an update needs at least one assignment (col=EXPR)");
  }
  KEEL_ASSIGN_OR_RETURN(Opened o, OpenFor(caller, full_name, Privilege::kModify));
  return Wrote(caller, o.securable, o.table.Update(predicate, assignments));
}

Result<delta::CommitResult> TableService::Merge(const Principal& caller, std::string_view full_name,
                                                const batch::RecordBatch& source,
                                                const delta::MergeOptions& options) {
  KEEL_ASSIGN_OR_RETURN(Opened o, OpenFor(caller, full_name, Privilege::kModify));
  return Wrote(caller, o.securable, o.table.Merge(source, options));
}

Result<delta::CommitResult> TableService::Restore(const Principal& caller,
                                                  std::string_view full_name,
                                                  const delta::TimeTravel& at) {
  if (!at.version && !at.timestamp_ms) {
    return Status::InvalidArgument("restore needs a version or a timestamp to go back to");
  }
  KEEL_ASSIGN_OR_RETURN(Opened o, OpenFor(caller, full_name, Privilege::kModify));
  return Wrote(caller, o.securable, o.table.Restore(at));
}

Result<delta::VacuumResult> TableService::Vacuum(const Principal& caller,
                                                 std::string_view full_name,
                                                 const delta::VacuumOptions& options) {
  KEEL_ASSIGN_OR_RETURN(Opened o, OpenFor(caller, full_name, Privilege::kModify));
  return o.table.Vacuum(options);
}

}  // namespace keel::catalog
