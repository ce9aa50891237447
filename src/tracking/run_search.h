#pragma once

#include <string>
#include <vector>

#include "metastore/database.h"
#include "tracking/search_filter.h"
#include "tracking/tracking_types.h"

namespace keel::tracking {

// A search over runs as one SQL statement: the parsed filter becomes JOINs on
// latest_metrics/params/tags and EXISTS sub-queries on datasets, every value a bound parameter (never pasted into SQL),
// and order_by becomes LEFT JOINs. Pagination is LIMIT/OFFSET over a total order (the requested
// keys, then start_time DESC, run_id).
struct RunSearchQuery {
  std::vector<int64_t> experiment_ids;  // REQUIRES: non-empty
  ViewType view = ViewType::kActiveOnly;
  Filter filter;
  std::vector<OrderBy> order_by;
  int64_t offset = 0;
  int64_t limit = 1000;
};

// Run ids matching `query`, in order. `dialect` is Database::dialect() ("sqlite"/"postgres"),
// which decides how case-sensitive LIKE is spelled.
Result<std::vector<std::string>> SearchRunIds(metastore::Transaction& tx,
                                              std::string_view dialect,
                                              const RunSearchQuery& query);

}  // namespace keel::tracking
