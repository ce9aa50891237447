// TrackingService: search over runs and experiments.

#include <algorithm>

#include "common/page_token.h"
#include "tracking/experiment_store.h"
#include "tracking/run_search.h"
#include "tracking/run_store.h"
#include "tracking/search_filter.h"
#include "tracking/tracking_internal.h"
#include "tracking/tracking_service.h"

namespace keel::tracking {

using metastore::Transaction;

namespace {

Status CheckMaxResults(int64_t max_results) {
  if (max_results <= 0 || max_results > kMaxSearchResults) {
    return Status::InvalidArgument("Invalid value " + std::to_string(max_results) +
                                   " for parameter 'max_results' supplied. It must be a positive "
                                   "integer at most " +
                                   std::to_string(kMaxSearchResults));
  }
  return Status::OK();
}

// Whether an experiment passes one clause of an experiment filter.
bool ExperimentMatches(const Comparison& c, const Experiment& e) {
  if (c.key_type == KeyType::kTag) {
    for (const KeyValue& t : e.tags) {
      if (t.key == c.key) return MatchesText(t.value, c);
    }
    return false;
  }
  if (c.key == "name") return MatchesText(e.name, c);
  if (c.key == "creation_time") return MatchesNumber(static_cast<double>(e.creation_time), c);
  if (c.key == "last_update_time") return MatchesNumber(static_cast<double>(e.last_update_time), c);
  if (c.key == "experiment_id") return MatchesText(e.experiment_id, c);
  return false;
}

// Three-way comparison of two experiments on one order_by key.
int CompareExperiments(const OrderBy& o, const Experiment& a, const Experiment& b) {
  auto three_way = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  int c = 0;
  if (o.key == "name")
    c = three_way(a.name, b.name);
  else if (o.key == "creation_time")
    c = three_way(a.creation_time, b.creation_time);
  else if (o.key == "last_update_time")
    c = three_way(a.last_update_time, b.last_update_time);
  else if (o.key == "experiment_id") {
    c = three_way(internal::ParseExperimentId(a.experiment_id).value_or(0),
                  internal::ParseExperimentId(b.experiment_id).value_or(0));
  }
  return o.ascending ? c : -c;
}

}  // namespace

Result<std::vector<std::string>> TrackingService::FindRunIds(Transaction& tx,
                                                             const RunSearchQuery& query) const {
  if (options_.search_index == SearchIndexMode::kOff) {
    return SearchRunIds(tx, db_->dialect(), query);
  }
  // The index may answer only for the versions this transaction sees.
  std::map<int64_t, int64_t> versions;
  for (int64_t id : query.experiment_ids) {
    KEEL_ASSIGN_OR_RETURN(versions[id], ExperimentStore::Version(tx, id));
  }
  if (auto ids = search_index_->Search(query, versions)) return std::move(*ids);
  bool built = false;
  for (const auto& [id, version] : versions) {
    bool quiet = search_index_->SeenQuietAt(id, version);
    if (options_.search_index == SearchIndexMode::kAlways || quiet) {
      KEEL_RETURN_IF_ERROR(search_index_->Build(tx, id, version));
      built = true;
    }
  }
  if (built) {
    if (auto ids = search_index_->Search(query, versions)) return std::move(*ids);
  }
  return SearchRunIds(tx, db_->dialect(), query);
}

Result<RunPage> TrackingService::SearchRuns(const catalog::Principal& caller,
                                            const SearchRunsRequest& req) const {
  KEEL_RETURN_IF_ERROR(CheckMaxResults(req.max_results));
  RunSearchQuery query;
  query.view = req.view;
  query.limit = req.max_results + 1;  // one extra row says whether a next page exists
  KEEL_ASSIGN_OR_RETURN(query.offset, ParsePageToken(req.page_token));
  KEEL_ASSIGN_OR_RETURN(query.filter, ParseFilter(req.filter, SearchEntity::kRuns));
  for (const std::string& o : req.order_by) {
    KEEL_ASSIGN_OR_RETURN(OrderBy parsed, ParseOrderBy(o, SearchEntity::kRuns));
    query.order_by.push_back(std::move(parsed));
  }
  RunPage page;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    for (const std::string& id : req.experiment_ids) {
      KEEL_ASSIGN_OR_RETURN(int64_t numeric, internal::ParseExperimentId(id));
      KEEL_ASSIGN_OR_RETURN(auto rec, ExperimentStore::Get(tx, numeric));
      if (!rec) continue;  // unknown ids match no runs, as in MLflow
      KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, *rec, PermissionLevel::kCanRead));
      query.experiment_ids.push_back(numeric);
    }
    if (query.experiment_ids.empty()) return Status::OK();
    KEEL_ASSIGN_OR_RETURN(auto ids, FindRunIds(tx, query));
    if (static_cast<int64_t>(ids.size()) > req.max_results) {
      ids.resize(req.max_results);
      page.next_page_token = MakePageToken(query.offset + req.max_results);
    }
    KEEL_ASSIGN_OR_RETURN(auto infos, RunStore::GetInfos(tx, ids));
    page.runs.reserve(infos.size());
    for (RunInfo& info : infos) {
      Run run;
      run.info = std::move(info);
      KEEL_RETURN_IF_ERROR(RunStore::LoadData(tx, &run));
      page.runs.push_back(std::move(run));
    }
    return Status::OK();
  }));
  return page;
}

Result<ExperimentPage> TrackingService::SearchExperiments(
    const catalog::Principal& caller, const SearchExperimentsRequest& req) const {
  KEEL_RETURN_IF_ERROR(CheckMaxResults(req.max_results));
  KEEL_ASSIGN_OR_RETURN(Filter filter, ParseFilter(req.filter, SearchEntity::kExperiments));
  std::vector<OrderBy> order_by;
  for (const std::string& o : req.order_by) {
    KEEL_ASSIGN_OR_RETURN(OrderBy parsed, ParseOrderBy(o, SearchEntity::kExperiments));
    order_by.push_back(std::move(parsed));
  }
  // Default order: newest first, then by id.
  order_by.push_back({KeyType::kAttribute, "creation_time", false});
  order_by.push_back({KeyType::kAttribute, "experiment_id", true});
  KEEL_ASSIGN_OR_RETURN(int64_t offset, ParsePageToken(req.page_token));

  std::vector<Experiment> visible;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto all, ExperimentStore::List(tx, req.view));
    for (ExperimentRecord& rec : all) {
      KEEL_ASSIGN_OR_RETURN(PermissionLevel level, internal::EffectiveLevel(tx, caller, rec));
      if (level < PermissionLevel::kCanRead) continue;
      bool keep = true;
      for (const Comparison& c : filter.clauses)
        keep = keep && ExperimentMatches(c, rec.experiment);
      if (keep) visible.push_back(std::move(rec.experiment));
    }
    return Status::OK();
  }));
  std::stable_sort(visible.begin(), visible.end(), [&](const Experiment& a, const Experiment& b) {
    for (const OrderBy& o : order_by) {
      int c = CompareExperiments(o, a, b);
      if (c != 0) return c < 0;
    }
    return false;
  });
  ExperimentPage page;
  int64_t end = std::min<int64_t>(static_cast<int64_t>(visible.size()), offset + req.max_results);
  for (int64_t i = offset; i < end; ++i) page.experiments.push_back(std::move(visible[i]));
  if (end < static_cast<int64_t>(visible.size())) page.next_page_token = MakePageToken(end);
  return page;
}

}  // namespace keel::tracking
