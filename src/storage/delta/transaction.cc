#include "storage/delta/transaction.h"

#include <algorithm>

#include "common/log.h"
#include "storage/delta/checkpoint.h"
#include "storage/delta/data_writer.h"
#include "storage/delta/scan.h"

namespace keel::delta {
namespace {

std::string Describe(int64_t version, const std::vector<Action>& winner) {
  std::string op;
  for (const Action& a : winner) {
    if (const auto* ci = std::get_if<CommitInfo>(&a)) op = ci->operation();
  }
  return "version " + std::to_string(version) + (op.empty() ? "" : " (" + op + ")");
}

}  // namespace

Transaction::Transaction(std::shared_ptr<const Snapshot> read_snapshot, CommitOptions options)
    : read_snapshot_(std::move(read_snapshot)), options_(options) {}

void Transaction::ReadWhere(const Expression& predicate, const std::vector<const AddFile*>& files) {
  read_predicates_.push_back(predicate);
  for (const AddFile* f : files) read_files_.push_back(CanonicalPath(f->path));
}

void Transaction::Remove(const AddFile& file, bool data_change) {
  RemoveFile r;
  r.path = file.path;
  r.deletion_timestamp = options_.clock->NowMillis();
  r.data_change = data_change;
  r.extended_file_metadata = true;
  r.partition_values = file.partition_values;
  r.size = file.size;
  removes_.push_back(std::move(r));
}

void Transaction::SetTxn(std::string app_id, int64_t version) {
  txn_ = Txn{std::move(app_id), version, options_.clock->NowMillis()};
}

Status Transaction::CheckConflicts(int64_t winner_version,
                                   const std::vector<Action>& winner) const {
  const std::string who = "a concurrent commit, " + Describe(winner_version, winner);
  const bool blind_append = !read_whole_table_ && read_predicates_.empty() && removes_.empty();
  for (const Action& a : winner) {
    if (std::holds_alternative<Protocol>(a)) {
      return Status::Conflict(who + ", changed the table protocol; read the table again and retry");
    }
    if (std::holds_alternative<Metadata>(a)) {
      return Status::Conflict(who +
                              ", changed the table metadata (schema, partitioning or "
                              "properties); read the table again and retry");
    }
    if (const auto* t = std::get_if<Txn>(&a); t != nullptr && txn_ && t->app_id == txn_->app_id) {
      return Status::Conflict(who + ", committed for the same application id '" + t->app_id + "'");
    }
    if (blind_append) continue;
    if (const auto* add = std::get_if<AddFile>(&a); add != nullptr && add->data_change) {
      if (read_whole_table_) {
        return Status::Conflict(who +
                                ", added data to the table this operation read "
                                "(ConcurrentAppend); retry the operation");
      }
      FileStats stats = FileStatsWithPartitions(*read_snapshot_, *add);
      for (const Expression& p : read_predicates_) {
        if (p.MayMatch(stats)) {
          return Status::Conflict(who + ", added data matching '" + p.ToString() +
                                  "', which this operation read (ConcurrentAppend); retry the "
                                  "operation");
        }
      }
    }
    if (const auto* rm = std::get_if<RemoveFile>(&a)) {
      std::string key = CanonicalPath(rm->path);
      for (const RemoveFile& mine : removes_) {
        if (CanonicalPath(mine.path) == key) {
          return Status::Conflict(who + ", already removed file '" + key +
                                  "' that this operation removes (ConcurrentDeleteDelete); "
                                  "retry the operation");
        }
      }
      for (const std::string& read : read_files_) {
        if (read == key) {
          return Status::Conflict(who + ", removed file '" + key +
                                  "' that this operation read (ConcurrentDeleteRead); retry the "
                                  "operation");
        }
      }
    }
  }
  return Status::OK();
}

std::string Transaction::CommitText(int64_t version, int64_t now_ms, const std::string& operation,
                                    const json::Value& parameters,
                                    const json::Value& metrics) const {
  json::Value info = json::Value::MakeObject();
  info.Set("timestamp", now_ms);
  info.Set("operation", operation);
  info.Set("operationParameters", parameters.is_object() ? parameters : json::Value::MakeObject());
  if (read_snapshot_->version() >= 0 && version > 0) {
    info.Set("readVersion", read_snapshot_->version());
  }
  info.Set("isolationLevel", "Serializable");
  info.Set("isBlindAppend", !read_whole_table_ && read_predicates_.empty() && removes_.empty());
  if (metrics.is_object()) info.Set("operationMetrics", metrics);
  info.Set("engineInfo", "Keel/" KEEL_VERSION);
  info.Set("txnId", NewUuid());

  std::string text = ActionToJson(CommitInfo{std::move(info)});
  text.push_back('\n');
  auto line = [&text](const Action& a) {
    text += ActionToJson(a);
    text.push_back('\n');
  };
  if (protocol_) line(*protocol_);
  if (metadata_) line(*metadata_);
  if (txn_) line(*txn_);
  for (const RemoveFile& r : removes_) line(r);
  for (const AddFile& a : adds_) line(a);
  for (const AddCdcFile& c : cdcs_) line(c);
  return text;
}

void Transaction::MaybeCheckpoint(int64_t version) const {
  int64_t interval = read_snapshot_->version() < 0 ? 10 : read_snapshot_->CheckpointInterval();
  if (metadata_) {
    auto it = metadata_->configuration.find("delta.checkpointInterval");
    if (it != metadata_->configuration.end())
      interval = std::max<int64_t>(1, std::atoll(it->second.c_str()));
  }
  if (!options_.checkpoint || version == 0 || version % interval != 0) return;
  const std::string& root = read_snapshot_->root();
  auto snapshot = Snapshot::Load(read_snapshot_->fs(), root, TimeTravel{version, std::nullopt});
  Status s = snapshot.ok() ? WriteCheckpoint(read_snapshot_->fs(), root, version,
                                             (*snapshot)->ToCheckpoint(options_.clock->NowMillis()))
                           : snapshot.status();
  // The commit is durable either way; a missing checkpoint only slows readers down.
  if (!s.ok()) {
    KEEL_LOG(kWarning) << "checkpoint of " << root << " at version " << version
                       << " failed: " << s.ToString();
  }
}

Result<int64_t> Transaction::Commit(const std::string& operation, json::Value parameters,
                                    json::Value metrics) {
  FileSystem* fs = read_snapshot_->fs();
  const std::string& root = read_snapshot_->root();
  int64_t version = read_snapshot_->version() + 1;
  KEEL_RETURN_IF_ERROR(fs->CreateDirs(LogDir(root)));
  // Commit timestamps increase with versions even when racing writers commit within one
  // millisecond (or clocks step back): time travel by timestamp depends on it.
  int64_t earliest_ms = read_snapshot_->version() >= 0 ? read_snapshot_->timestamp_ms() + 1 : 0;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    int64_t now_ms = std::max(options_.clock->NowMillis(), earliest_ms);
    std::string text = CommitText(version, now_ms, operation, parameters, metrics);
    Status put = fs->PutIfAbsent(CommitPath(root, version), text);
    if (put.ok()) {
      MaybeCheckpoint(version);
      return version;
    }
    if (put.code() != ErrorCode::kResourceAlreadyExists) return put;
    if (read_snapshot_->version() < 0) {
      return Status::AlreadyExists("table '" + root + "' was created by a concurrent writer");
    }
    KEEL_ASSIGN_OR_RETURN(auto winner, ReadCommit(fs, root, version));
    KEEL_RETURN_IF_ERROR(CheckConflicts(version, winner));
    for (const Action& a : winner) {
      const auto* info = std::get_if<CommitInfo>(&a);
      auto ts = info ? info->timestamp() : std::nullopt;
      if (ts) earliest_ms = std::max(earliest_ms, *ts + 1);
    }
    ++version;
  }
  return Status::Conflict("table '" + root + "' kept changing: gave up after " +
                          std::to_string(options_.max_attempts) + " commit attempts");
}

}  // namespace keel::delta
