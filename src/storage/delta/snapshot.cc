#include "storage/delta/snapshot.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "common/strings.h"
#include "storage/delta/file_stats.h"
#include "storage/delta/schema_json.h"

namespace keel::delta {

Result<std::vector<Action>> ReadCommit(FileSystem* fs, const std::string& root, int64_t version) {
  std::string path = CommitPath(root, version);
  auto text = fs->ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == ErrorCode::kResourceDoesNotExist ||
        text.status().code() == ErrorCode::kIOError) {
      KEEL_ASSIGN_OR_RETURN(bool exists, fs->Exists(path));
      if (!exists) {
        return Status::Corruption("commit " + std::to_string(version) + " of table '" + root +
                                  "' is missing (" + path + ")");
      }
    }
    return text.status();
  }
  return ParseCommitFile(*text, path);
}

namespace {

// The commit timestamp a commit file claims (ICT, then commitInfo.timestamp, then mtime).
Result<int64_t> RawCommitTimestamp(FileSystem* fs, const std::string& root, int64_t version,
                                   const std::vector<Action>& actions) {
  for (const Action& a : actions) {
    if (const auto* ci = std::get_if<CommitInfo>(&a)) {
      if (auto ict = ci->in_commit_timestamp()) return *ict;
      if (auto ts = ci->timestamp()) return *ts;
    }
  }
  return fs->ModifiedTimeMillis(CommitPath(root, version));
}

// The oldest version whose commits are all present up to the latest.
int64_t EarliestContiguousCommit(const LogListing& listing) {
  if (listing.commits.empty()) return -1;
  size_t i = listing.commits.size() - 1;
  while (i > 0 && listing.commits[i - 1] == listing.commits[i] - 1) --i;
  return listing.commits[i];
}

}  // namespace

// Accumulates actions in log order into a Snapshot.
class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(Snapshot* s) : s_(s) {}

  void Apply(Action&& action) {
    std::visit([this](auto&& a) { On(std::move(a)); }, std::move(action));
  }

  Status Finish() {
    if (!have_protocol_) {
      return Status::Corruption("table '" + s_->root_ +
                                "' has no protocol action in its log up to version " +
                                std::to_string(s_->version_));
    }
    if (!have_metadata_) {
      return Status::Corruption("table '" + s_->root_ +
                                "' has no metaData action in its log up to version " +
                                std::to_string(s_->version_));
    }
    s_->files_.reserve(live_.size());
    for (auto& [key, add] : live_) s_->files_.push_back(std::move(add));
    std::sort(s_->files_.begin(), s_->files_.end(),
              [](const AddFile& a, const AddFile& b) { return a.path < b.path; });
    for (auto& [key, rm] : removed_) s_->tombstones_.push_back(std::move(rm));
    std::sort(s_->tombstones_.begin(), s_->tombstones_.end(),
              [](const RemoveFile& a, const RemoveFile& b) { return a.path < b.path; });
    for (auto& [domain, d] : domains_) {
      if (!d.removed) s_->domains_.push_back(std::move(d));
    }
    return Status::OK();
  }

 private:
  void On(Protocol&& p) {
    s_->protocol_ = std::move(p);
    have_protocol_ = true;
  }
  void On(Metadata&& m) {
    s_->metadata_ = std::move(m);
    have_metadata_ = true;
  }
  void On(AddFile&& a) {
    std::string key = CanonicalPath(a.path);
    removed_.erase(key);
    live_[key] = std::move(a);
  }
  void On(RemoveFile&& r) {
    std::string key = CanonicalPath(r.path);
    live_.erase(key);
    removed_[key] = std::move(r);
  }
  void On(Txn&& t) { s_->txns_[t.app_id] = std::move(t); }
  void On(DomainMetadata&& d) { domains_[d.domain] = std::move(d); }
  void On(AddCdcFile&&) {}
  void On(CommitInfo&&) {}
  void On(CheckpointMetadata&&) {}
  void On(Sidecar&&) {}

  Snapshot* s_;
  bool have_protocol_ = false;
  bool have_metadata_ = false;
  std::unordered_map<std::string, AddFile> live_;
  std::unordered_map<std::string, RemoveFile> removed_;
  std::map<std::string, DomainMetadata> domains_;
};

Result<std::shared_ptr<const Snapshot>> Snapshot::Load(FileSystem* fs, const std::string& root,
                                                       const TimeTravel& at) {
  KEEL_ASSIGN_OR_RETURN(LogListing listing, ListLog(fs, root));
  const int64_t latest = listing.latest_version();
  if (latest < 0) {
    return Status::NotFound("'" + root + "' is not a Delta table: its _delta_log has no commits");
  }
  int64_t target = latest;
  if (at.version) {
    if (*at.version < 0 || *at.version > latest) {
      return Status::NotFound("table '" + root + "' has no version " + std::to_string(*at.version) +
                              "; the latest is " + std::to_string(latest));
    }
    target = *at.version;
  } else if (at.timestamp_ms) {
    KEEL_ASSIGN_OR_RETURN(target, VersionAtTimestamp(fs, root, *at.timestamp_ms));
  }

  // Start points, newest first: each complete checkpoint <= target with the commits after it,
  // then commit 0 when the whole log is there.
  std::vector<const CheckpointFiles*> starts;
  for (auto it = listing.checkpoints.rbegin(); it != listing.checkpoints.rend(); ++it) {
    if (it->version <= target && listing.HasCommits(it->version + 1, target)) {
      starts.push_back(&*it);
    }
  }
  const bool from_zero = listing.HasCommits(0, target);
  if (starts.empty() && !from_zero) {
    // A hole after a point the log still starts from (commit 0 or a checkpoint) is damage;
    // otherwise the early commits were cleaned up (log retention) and the version is gone.
    int64_t first_present = -1;
    for (const auto& cp : listing.checkpoints) {
      if (cp.version <= target) first_present = std::max(first_present, cp.version);
    }
    if (!listing.commits.empty() && listing.commits.front() == 0) {
      first_present = std::max<int64_t>(first_present, 0);
    }
    if (first_present >= 0) {
      for (int64_t v = first_present + 1; v <= target; ++v) {
        if (!listing.HasCommits(v, v)) {
          return Status::Corruption("commit " + std::to_string(v) + " of table '" + root +
                                    "' is missing (" + CommitPath(root, v) +
                                    "): the log has a gap before version " +
                                    std::to_string(target));
        }
      }
    }
    return Status::InvalidArgument(
        "version " + std::to_string(target) + " of table '" + root +
        "' can no longer be reconstructed: its log files were cleaned up");
  }

  Status last_error = Status::OK();
  for (size_t attempt = 0; attempt <= starts.size(); ++attempt) {
    const CheckpointFiles* cp = attempt < starts.size() ? starts[attempt] : nullptr;
    if (cp == nullptr && !from_zero) break;
    auto snapshot = std::shared_ptr<Snapshot>(new Snapshot());
    snapshot->fs_ = fs;
    snapshot->root_ = root;
    snapshot->version_ = target;
    SnapshotBuilder builder(snapshot.get());
    int64_t next = 0;
    if (cp != nullptr) {
      bool ok = true;
      for (const std::string& part : cp->paths) {
        auto actions = ReadCheckpointFile(fs, part);
        if (!actions.ok()) {
          last_error = actions.status();
          ok = false;
          break;
        }
        for (Action& a : *actions) builder.Apply(std::move(a));
      }
      if (!ok) continue;  // an unreadable checkpoint: try an older start
      snapshot->checkpoint_version_ = cp->version;
      next = cp->version + 1;
    }
    std::vector<Action> last_commit;
    for (int64_t v = next; v <= target; ++v) {
      KEEL_ASSIGN_OR_RETURN(auto actions, ReadCommit(fs, root, v));
      if (v == target) last_commit = actions;
      for (Action& a : actions) builder.Apply(std::move(a));
    }
    KEEL_RETURN_IF_ERROR(builder.Finish());
    auto schema = ParseSchemaString(snapshot->metadata_.schema_string);
    if (!schema.ok()) {
      return Status(schema.status().code(), "table '" + root + "': " + schema.status().message());
    }
    snapshot->schema_ = std::move(*schema);
    for (const std::string& p : snapshot->metadata_.partition_columns) {
      if (!snapshot->schema_.FieldIndex(p)) {
        return Status::Corruption("table '" + root + "': partition column '" + p +
                                  "' is not in the schema");
      }
    }
    // Timestamp of the version: from its commit when the commit file exists.
    if (listing.HasCommits(target, target)) {
      if (last_commit.empty()) {
        KEEL_ASSIGN_OR_RETURN(last_commit, ReadCommit(fs, root, target));
      }
      KEEL_ASSIGN_OR_RETURN(snapshot->timestamp_ms_,
                            RawCommitTimestamp(fs, root, target, last_commit));
    } else if (cp != nullptr) {
      KEEL_ASSIGN_OR_RETURN(snapshot->timestamp_ms_, fs->ModifiedTimeMillis(cp->paths[0]));
    }
    return std::shared_ptr<const Snapshot>(std::move(snapshot));
  }
  return Status(last_error.code(), "table '" + root + "' cannot be loaded at version " +
                                       std::to_string(target) + ": " + last_error.message());
}

std::shared_ptr<const Snapshot> Snapshot::Empty(FileSystem* fs, const std::string& root) {
  auto s = std::shared_ptr<Snapshot>(new Snapshot());
  s->fs_ = fs;
  s->root_ = root;
  return s;
}

std::optional<int64_t> Snapshot::TxnVersion(const std::string& app_id) const {
  auto it = txns_.find(app_id);
  if (it == txns_.end()) return std::nullopt;
  return it->second.version;
}

std::optional<int64_t> Snapshot::num_records() const {
  int64_t total = 0;
  for (const AddFile& f : files_) {
    if (!f.stats) return std::nullopt;
    // numRecords is at the top level of the stats object; a full parse is not needed.
    size_t at = f.stats->find("\"numRecords\"");
    if (at == std::string::npos) return std::nullopt;
    at = f.stats->find(':', at);
    if (at == std::string::npos) return std::nullopt;
    ++at;
    while (at < f.stats->size() && std::isspace(static_cast<unsigned char>((*f.stats)[at]))) ++at;
    int64_t n = 0;
    bool any = false;
    while (at < f.stats->size() && std::isdigit(static_cast<unsigned char>((*f.stats)[at]))) {
      n = n * 10 + ((*f.stats)[at++] - '0');
      any = true;
    }
    if (!any) return std::nullopt;
    total += n;
  }
  return total;
}

std::string Snapshot::Property(std::string_view key, std::string_view fallback) const {
  auto it = metadata_.configuration.find(std::string(key));
  return it == metadata_.configuration.end() ? std::string(fallback) : it->second;
}

int64_t Snapshot::CheckpointInterval() const {
  std::string v = Property("delta.checkpointInterval", "10");
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (end == v.c_str() || *end != '\0' || n < 1) return 10;
  return n;
}

CheckpointContent Snapshot::ToCheckpoint(int64_t now_ms) const {
  CheckpointContent c;
  c.protocol = protocol_;
  c.metadata = metadata_;
  for (const auto& [id, t] : txns_) c.txns.push_back(t);
  c.adds = files_;
  int64_t retention = 7LL * 24 * 3600 * 1000;
  if (auto r =
          ParseIntervalMillis(Property("delta.deletedFileRetentionDuration", "interval 1 week"));
      r.ok()) {
    retention = *r;
  }
  for (const RemoveFile& r : tombstones_) {
    if (r.deletion_timestamp.value_or(0) >= now_ms - retention) c.removes.push_back(r);
  }
  c.domains = domains_;
  return c;
}

Status ForEachCommit(FileSystem* fs, const std::string& root,
                     const std::function<Status(int64_t, int64_t, std::vector<Action>&)>& visit) {
  KEEL_ASSIGN_OR_RETURN(LogListing listing, ListLog(fs, root));
  int64_t first = EarliestContiguousCommit(listing);
  if (first < 0) return Status::OK();
  int64_t previous = INT64_MIN;
  for (int64_t v = first; v <= listing.commits.back(); ++v) {
    KEEL_ASSIGN_OR_RETURN(auto actions, ReadCommit(fs, root, v));
    KEEL_ASSIGN_OR_RETURN(int64_t ts, RawCommitTimestamp(fs, root, v, actions));
    if (previous != INT64_MIN && ts <= previous) ts = previous + 1;  // strictly increasing
    previous = ts;
    KEEL_RETURN_IF_ERROR(visit(v, ts, actions));
  }
  return Status::OK();
}

Result<int64_t> VersionAtTimestamp(FileSystem* fs, const std::string& root, int64_t timestamp_ms) {
  int64_t first = -1, first_ts = 0, found = -1;
  KEEL_RETURN_IF_ERROR(ForEachCommit(fs, root, [&](int64_t v, int64_t ts, std::vector<Action>&) {
    if (first < 0) {
      first = v;
      first_ts = ts;
    }
    if (ts <= timestamp_ms) found = v;
    return Status::OK();
  }));
  if (first < 0) {
    return Status::NotFound("table '" + root + "' has no commits to time-travel in");
  }
  if (found < 0) {
    return Status::NotFound("table '" + root + "' has no version at or before timestamp " +
                            std::to_string(timestamp_ms) +
                            " ms; its earliest available commit (version " + std::to_string(first) +
                            ") is at " + std::to_string(first_ts) + " ms");
  }
  return found;
}

Result<std::vector<CommitRecord>> ReadHistory(FileSystem* fs, const std::string& root,
                                              int64_t limit) {
  // Timestamps are made monotonic from the earliest commit on, so every commit is read; the
  // newest `limit` are kept.
  std::vector<CommitRecord> out;
  KEEL_RETURN_IF_ERROR(
      ForEachCommit(fs, root, [&](int64_t v, int64_t ts, std::vector<Action>& actions) {
        CommitRecord r;
        r.version = v;
        r.timestamp_ms = ts;
        for (const Action& a : actions) {
          if (const auto* ci = std::get_if<CommitInfo>(&a)) {
            r.commit_info = ci->value;
            r.operation = ci->operation();
          }
        }
        out.push_back(std::move(r));
        return Status::OK();
      }));
  std::reverse(out.begin(), out.end());
  if (limit > 0 && static_cast<int64_t>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
  return out;
}

Result<int64_t> ParseIntervalMillis(std::string_view text) {
  std::string s = AsciiLower(text);
  std::string_view v = s;
  auto trim = [](std::string_view x) {
    while (!x.empty() && x.front() == ' ') x.remove_prefix(1);
    while (!x.empty() && x.back() == ' ') x.remove_suffix(1);
    return x;
  };
  v = trim(v);
  if (v.rfind("interval", 0) == 0) v = trim(v.substr(8));
  size_t i = 0;
  int64_t n = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
    if (n > 1000000000) break;
    n = n * 10 + (v[i++] - '0');
  }
  std::string_view unit = trim(v.substr(i));
  if (i == 0 || unit.empty()) {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a duration such as 'interval 7 days'");
  }
  if (unit.back() == 's' && unit.size() > 1) unit.remove_suffix(1);
  static const struct {
    const char* name;
    int64_t ms;
  } kUnits[] = {{"millisecond", 1}, {"second", 1000},  {"minute", 60000},
                {"hour", 3600000},  {"day", 86400000}, {"week", 604800000}};
  for (const auto& u : kUnits) {
    if (unit == u.name) return n * u.ms;
  }
  return Status::InvalidArgument("'" + std::string(text) +
                                 "' has an unknown unit; use days, hours, minutes, ...");
}

}  // namespace keel::delta
