#include "tracking/run_search_index.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include "common/json.h"

namespace keel::tracking {

namespace {

// One run as search sees it. Keys are interned per snapshot; NaN metrics are left out, which is
// what SQL does with them (they never match and sort with the missing values).
struct Entry {
  std::string run_id, name, status, user_id, artifact_uri;
  int64_t start_time = 0;
  std::optional<int64_t> end_time;
  bool active = true;
  std::vector<std::pair<int, double>> metrics;       // sorted by key id
  std::vector<std::pair<int, std::string>> params;   // sorted by key id
  std::vector<std::pair<int, std::string>> tags;     // sorted by key id
  std::vector<std::array<std::string, 3>> datasets;  // name, digest, input tags JSON
};

template <typename V>
const V* Lookup(const std::vector<std::pair<int, V>>& kvs, int key) {
  auto it = std::lower_bound(kvs.begin(), kvs.end(), key,
                             [](const auto& kv, int k) { return kv.first < k; });
  return (it != kvs.end() && it->first == key) ? &it->second : nullptr;
}

}  // namespace

struct RunSearchIndex::Snapshot {
  int64_t version = 0;
  std::unordered_map<std::string, int> key_ids;
  std::vector<Entry> runs;

  int KeyId(const std::string& key) const {
    auto it = key_ids.find(key);
    return it == key_ids.end() ? -1 : it->second;
  }

  bool Matches(const Comparison& c, const Entry& e) const {
    switch (c.key_type) {
      case KeyType::kMetric: {
        const double* v = Lookup(e.metrics, KeyId(c.key));
        return v && MatchesNumber(*v, c);
      }
      case KeyType::kParam:
      case KeyType::kTag: {
        const std::string* v = Lookup(c.key_type == KeyType::kParam ? e.params : e.tags, KeyId(c.key));
        return v && MatchesText(*v, c);
      }
      case KeyType::kAttribute:
        if (c.key == "run_id") return MatchesText(e.run_id, c);
        if (c.key == "run_name") return MatchesText(e.name, c);
        if (c.key == "status") return MatchesText(e.status, c);
        if (c.key == "user_id") return MatchesText(e.user_id, c);
        if (c.key == "artifact_uri") return MatchesText(e.artifact_uri, c);
        if (c.key == "start_time") return MatchesNumber(double(e.start_time), c);
        if (c.key == "end_time") {
          return e.end_time && MatchesNumber(double(*e.end_time), c);
        }
        return false;
      case KeyType::kDataset:
        for (const auto& d : e.datasets) {
          if (c.key == "name" && MatchesText(d[0], c)) return true;
          if (c.key == "digest" && MatchesText(d[1], c)) return true;
          if (c.key == "context") {
            json::Value tag;
            tag.Set("key", "mlflow.data.context");
            tag.Set("value", c.value.text);
            if (d[2].find(tag.Dump()) != std::string::npos) return true;
          }
        }
        return false;
    }
    return false;
  }
};

namespace {

// -1, 0, 1 for one ORDER BY key, with missing values last in both directions.
template <typename T>
int CompareOptional(const T* a, const T* b, bool ascending) {
  if (!a || !b) return (a ? 0 : 1) - (b ? 0 : 1);
  if (*a == *b) return 0;
  bool less = *a < *b;
  return (less == ascending) ? -1 : 1;
}

}  // namespace

std::optional<std::vector<std::string>> RunSearchIndex::Search(
    const RunSearchQuery& q, const std::map<int64_t, int64_t>& versions) const {
  std::vector<std::shared_ptr<const Snapshot>> snaps;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int64_t id : q.experiment_ids) {
      auto it = snapshots_.find(id);
      auto v = versions.find(id);
      if (it == snapshots_.end() || v == versions.end() || it->second->version != v->second) {
        return std::nullopt;
      }
      snaps.push_back(it->second);
    }
  }
  struct Hit {
    const Snapshot* snap;
    const Entry* entry;
  };
  std::vector<Hit> hits;
  for (const auto& snap : snaps) {
    for (const Entry& e : snap->runs) {
      if (q.view == ViewType::kActiveOnly && !e.active) continue;
      if (q.view == ViewType::kDeletedOnly && e.active) continue;
      bool keep = true;
      for (const Comparison& c : q.filter.clauses) {
        if (!(keep = snap->Matches(c, e))) break;
      }
      if (keep) hits.push_back({snap.get(), &e});
    }
  }
  auto compare = [&](const Hit& x, const Hit& y) {
    const Entry& a = *x.entry;
    const Entry& b = *y.entry;
    for (const OrderBy& o : q.order_by) {
      int c = 0;
      if (o.key_type == KeyType::kMetric) {
        c = CompareOptional(Lookup(a.metrics, x.snap->KeyId(o.key)),
                            Lookup(b.metrics, y.snap->KeyId(o.key)), o.ascending);
      } else if (o.key_type == KeyType::kParam || o.key_type == KeyType::kTag) {
        bool param = o.key_type == KeyType::kParam;
        c = CompareOptional(Lookup(param ? a.params : a.tags, x.snap->KeyId(o.key)),
                            Lookup(param ? b.params : b.tags, y.snap->KeyId(o.key)), o.ascending);
      } else if (o.key == "start_time") {
        c = CompareOptional(&a.start_time, &b.start_time, o.ascending);
      } else if (o.key == "end_time") {
        c = CompareOptional(a.end_time ? &*a.end_time : nullptr, b.end_time ? &*b.end_time : nullptr,
                            o.ascending);
      } else {
        auto field = [&](const Entry& e) -> const std::string* {
          if (o.key == "run_id") return &e.run_id;
          if (o.key == "run_name") return &e.name;
          if (o.key == "status") return &e.status;
          if (o.key == "user_id") return &e.user_id;
          return &e.artifact_uri;
        };
        c = CompareOptional(field(a), field(b), o.ascending);
      }
      if (c != 0) return c < 0;
    }
    if (a.start_time != b.start_time) return a.start_time > b.start_time;
    return a.run_id < b.run_id;
  };
  int64_t end = std::min<int64_t>(static_cast<int64_t>(hits.size()), q.offset + q.limit);
  std::vector<std::string> out;
  if (q.offset >= end) return out;
  // Only the requested page needs to be in order.
  std::partial_sort(hits.begin(), hits.begin() + end, hits.end(), compare);
  for (int64_t i = q.offset; i < end; ++i) out.push_back(hits[i].entry->run_id);
  return out;
}

Status RunSearchIndex::Build(metastore::Transaction& tx, int64_t experiment_id, int64_t version) {
  auto snap = std::make_shared<Snapshot>();
  snap->version = version;
  std::unordered_map<std::string, size_t> by_id;
  KEEL_ASSIGN_OR_RETURN(auto runs,
                        tx.Query("SELECT run_id, name, status, user_id, artifact_uri, start_time, "
                                 "end_time, lifecycle_stage FROM runs WHERE experiment_id = ?",
                                 {metastore::Int(experiment_id)}));
  snap->runs.reserve(runs.size());
  for (const auto& r : runs) {
    Entry e;
    e.run_id = r.Text(0);
    e.name = r.Text(1);
    e.status = r.Text(2);
    e.user_id = r.Text(3);
    e.artifact_uri = r.Text(4);
    e.start_time = r.Int(5);
    if (!r.IsNull(6)) e.end_time = r.Int(6);
    e.active = r.Text(7) == "active";
    by_id.emplace(e.run_id, snap->runs.size());
    snap->runs.push_back(std::move(e));
  }
  auto intern = [&](const std::string& key) {
    auto [it, inserted] = snap->key_ids.emplace(key, static_cast<int>(snap->key_ids.size()));
    return it->second;
  };
  const std::string join = " JOIN runs r ON r.run_id = t.run_id WHERE r.experiment_id = ?";
  KEEL_ASSIGN_OR_RETURN(auto metrics, tx.Query("SELECT t.run_id, t.key, t.value FROM latest_metrics t" +
                                                   join + " AND t.is_nan = 0",
                                               {metastore::Int(experiment_id)}));
  for (const auto& r : metrics) {
    auto it = by_id.find(r.Text(0));
    if (it != by_id.end()) snap->runs[it->second].metrics.emplace_back(intern(r.Text(1)), r.Double(2));
  }
  for (const char* table : {"params", "tags"}) {
    KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string("SELECT t.run_id, t.key, t.value FROM ") +
                                                  table + " t" + join,
                                              {metastore::Int(experiment_id)}));
    for (const auto& r : rows) {
      auto it = by_id.find(r.Text(0));
      if (it == by_id.end()) continue;
      Entry& e = snap->runs[it->second];
      (std::string(table) == "params" ? e.params : e.tags).emplace_back(intern(r.Text(1)), r.Text(2));
    }
  }
  KEEL_ASSIGN_OR_RETURN(auto inputs,
                        tx.Query("SELECT i.run_id, d.name, d.digest, i.tags FROM run_inputs i JOIN "
                                 "datasets d ON d.dataset_id = i.dataset_id WHERE d.experiment_id = ?",
                                 {metastore::Int(experiment_id)}));
  for (const auto& r : inputs) {
    auto it = by_id.find(r.Text(0));
    if (it != by_id.end()) snap->runs[it->second].datasets.push_back({r.Text(1), r.Text(2), r.Text(3)});
  }
  for (Entry& e : snap->runs) {
    std::sort(e.metrics.begin(), e.metrics.end());
    std::sort(e.params.begin(), e.params.end());
    std::sort(e.tags.begin(), e.tags.end());
  }
  std::lock_guard<std::mutex> lock(mu_);
  snapshots_[experiment_id] = std::move(snap);
  return Status::OK();
}

bool RunSearchIndex::SeenQuietAt(int64_t experiment_id, int64_t version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = last_seen_version_.emplace(experiment_id, version);
  if (inserted) return false;
  bool quiet = it->second == version;
  it->second = version;
  return quiet;
}

}  // namespace keel::tracking
