#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "metastore/database.h"
#include "tracking/run_search.h"

namespace keel::tracking {

// An in-memory copy of what run search reads (runs, latest metrics, params, tags, datasets) for
// the experiments that were searched while nobody wrote to them, so that repeated searches over
// large experiments do not probe SQLite once per run.
//
// It answers a query only when every experiment's indexed version equals the version in the
// metastore (experiment_versions, bumped by every write transaction to its runs), read in the
// caller's transaction — so its answers are those SQL would give for the same snapshot. The
// semantics (filters, ordering, ties, pagination) are run_search's; the search tests run both.
//
// Thread-safe. Snapshots are immutable and shared with in-flight searches.
class RunSearchIndex {
 public:
  // The run ids of `query`, or nullopt when some experiment is not indexed at `versions`.
  std::optional<std::vector<std::string>> Search(const RunSearchQuery& query,
                                                 const std::map<int64_t, int64_t>& versions) const;
  // Loads the experiment as seen by `tx` and keeps it as `version`.
  Status Build(metastore::Transaction& tx, int64_t experiment_id, int64_t version);
  // Whether a search saw the experiment at `version` before (then it is worth indexing);
  // records the sighting.
  bool SeenQuietAt(int64_t experiment_id, int64_t version);

  struct Snapshot;  // defined in run_search_index.cc

 private:
  mutable std::mutex mu_;
  std::map<int64_t, std::shared_ptr<const Snapshot>> snapshots_;  // guarded by mu_
  std::map<int64_t, int64_t> last_seen_version_;                  // guarded by mu_
};

}  // namespace keel::tracking
