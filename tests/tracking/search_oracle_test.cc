// Issue 5 acceptance: search results equal a brute-force evaluation over the same runs, for
// every operator and key kind, with ordering and pagination. The oracle below reads runs back
// through GetRun and evaluates filters in plain C++, independently of run_search's SQL.

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <random>

#include "tracking/search_filter.h"
#include "tracking/tracking_test_env.h"

namespace keel::tracking {
namespace {

// ---- the oracle ------------------------------------------------------------------------------

std::optional<std::string> Find(const std::vector<KeyValue>& kvs, const std::string& key) {
  for (const auto& kv : kvs) {
    if (kv.key == key) return kv.value;
  }
  return std::nullopt;
}

std::optional<double> MetricOf(const Run& run, const std::string& key) {
  for (const auto& m : run.metrics) {
    if (m.key == key && !std::isnan(m.value)) return m.value;
  }
  return std::nullopt;
}

bool CompareNumber(double v, CompareOp op, double want) {
  switch (op) {
    case CompareOp::kEq: return v == want;
    case CompareOp::kNe: return v != want;
    case CompareOp::kGt: return v > want;
    case CompareOp::kGe: return v >= want;
    case CompareOp::kLt: return v < want;
    case CompareOp::kLe: return v <= want;
    default: return false;
  }
}

bool CompareText(const std::string& v, const Comparison& c) {
  switch (c.op) {
    case CompareOp::kEq: return v == c.value.text;
    case CompareOp::kNe: return v != c.value.text;
    case CompareOp::kLike: return MatchesLike(v, c.value.text, false);
    case CompareOp::kILike: return MatchesLike(v, c.value.text, true);
    case CompareOp::kIn:
      return std::find(c.value.list.begin(), c.value.list.end(), v) != c.value.list.end();
    case CompareOp::kNotIn:
      return std::find(c.value.list.begin(), c.value.list.end(), v) == c.value.list.end();
    default: return false;
  }
}

bool Matches(const Comparison& c, const Run& run) {
  switch (c.key_type) {
    case KeyType::kMetric: {
      auto v = MetricOf(run, c.key);
      return v && CompareNumber(*v, c.op, c.value.number);
    }
    case KeyType::kParam: {
      auto v = Find(run.params, c.key);
      return v && CompareText(*v, c);
    }
    case KeyType::kTag: {
      auto v = Find(run.tags, c.key);
      return v && CompareText(*v, c);
    }
    case KeyType::kAttribute:
      if (c.key == "run_id") return CompareText(run.info.run_id, c);
      if (c.key == "run_name") return CompareText(run.info.run_name, c);
      if (c.key == "status") return CompareText(run.info.status, c);
      if (c.key == "start_time") {
        return CompareNumber(static_cast<double>(run.info.start_time), c.op, c.value.number);
      }
      return false;
    case KeyType::kDataset:
      for (const auto& in : run.inputs) {
        if (c.key == "name" && CompareText(in.dataset.name, c)) return true;
        if (c.key == "digest" && CompareText(in.dataset.digest, c)) return true;
      }
      return false;
  }
  return false;
}

// MLflow's order: the requested keys (missing values last), then start_time DESC, run_id ASC.
bool Before(const std::vector<OrderBy>& order, const Run& a, const Run& b) {
  for (const OrderBy& o : order) {
    if (o.key_type == KeyType::kMetric) {
      auto x = MetricOf(a, o.key), y = MetricOf(b, o.key);
      if (x.has_value() != y.has_value()) return x.has_value();
      if (x && *x != *y) return o.ascending ? *x < *y : *x > *y;
    } else if (o.key_type == KeyType::kParam || o.key_type == KeyType::kTag) {
      const auto& ka = o.key_type == KeyType::kParam ? a.params : a.tags;
      const auto& kb = o.key_type == KeyType::kParam ? b.params : b.tags;
      auto x = Find(ka, o.key), y = Find(kb, o.key);
      if (x.has_value() != y.has_value()) return x.has_value();
      if (x && *x != *y) return o.ascending ? *x < *y : *x > *y;
    } else if (o.key == "start_time" && a.info.start_time != b.info.start_time) {
      return o.ascending ? a.info.start_time < b.info.start_time
                         : a.info.start_time > b.info.start_time;
    } else if (o.key == "run_name" && a.info.run_name != b.info.run_name) {
      return o.ascending ? a.info.run_name < b.info.run_name : a.info.run_name > b.info.run_name;
    }
  }
  if (a.info.start_time != b.info.start_time) return a.info.start_time > b.info.start_time;
  return a.info.run_id < b.info.run_id;
}

// ---- the test ----------------------------------------------------------------------------------

// Every test runs twice: searches answered by SQL, and by the in-memory index.
class SearchOracleTest : public TrackingTest, public ::testing::WithParamInterface<SearchIndexMode> {
 protected:
  void SetUp() override {
    TrackingTest::SetUp();
    TrackingServiceOptions options{&clock_, dir_.path() + "/storage/artifacts"};
    options.search_index = GetParam();
    tracking_ = std::make_unique<TrackingService>(db_.get(), options);
    experiment_ = NewExperiment(alice_, "oracle");
    std::mt19937 rng(1234);
    const char* names[] = {"alpha", "Alpha-2", "beta", "gamma_x", "delta%", "eps"};
    for (int i = 0; i < 60; ++i) {
      CreateRunRequest req;
      req.experiment_id = experiment_;
      req.run_name = std::string(names[i % 6]) + "-" + std::to_string(i);
      req.start_time = 1000 + (i * 37) % 25;  // repeated start times exercise the tie-breaks
      auto run = tracking_->CreateRun(alice_, req);
      ASSERT_TRUE(run.ok());
      std::vector<Metric> metrics;
      std::vector<KeyValue> params, tags;
      for (const char* key : {"acc", "loss", "f1"}) {
        if (rng() % 5 == 0) continue;  // some runs lack some metrics
        double v = static_cast<int>(rng() % 20) / 10.0;
        metrics.push_back({key, rng() % 17 == 0 ? std::nan("") : v, 1, 0});
      }
      for (const char* key : {"lr", "model"}) {
        if (rng() % 4 == 0) continue;
        static const char* kValues[] = {"0.1", "0.01", "xgb", "XGB", "linear", "a_b"};
        params.push_back({key, kValues[rng() % 6]});
      }
      if (rng() % 3) tags.push_back({"team", rng() % 2 ? "growth" : "Growth"});
      ASSERT_TRUE(tracking_->LogBatch(alice_, run->info.run_id, metrics, params, tags).ok());
      if (i % 4 == 0) {
        DatasetInput in;
        in.dataset = {i % 8 ? "dev.s.train" : "dev.s.other", "d" + std::to_string(i % 3), "delta",
                      "src", "", ""};
        ASSERT_TRUE(tracking_->LogInputs(alice_, run->info.run_id, {in}).ok());
      }
      if (i % 10 == 3) ASSERT_TRUE(tracking_->DeleteRun(alice_, run->info.run_id).ok());
      ids_.push_back(run->info.run_id);
    }
  }

  // Every active run, read back through GetRun.
  std::vector<tracking::Run> AllActive() {
    std::vector<tracking::Run> out;
    for (const auto& id : ids_) {
      auto run = tracking_->GetRun(alice_, id);
      if (run.ok() && run->info.lifecycle_stage == "active") out.push_back(*run);
    }
    return out;
  }

  // Searches with paging of `page` and returns the run ids in order.
  std::vector<std::string> Search(const std::string& filter, const std::vector<std::string>& order,
                                  int page) {
    std::vector<std::string> out;
    SearchRunsRequest req;
    req.experiment_ids = {experiment_};
    req.filter = filter;
    req.order_by = order;
    req.max_results = page;
    for (int guard = 0; guard < 100; ++guard) {
      auto r = tracking_->SearchRuns(alice_, req);
      EXPECT_TRUE(r.ok()) << filter << ": " << r.status().ToString();
      if (!r.ok()) return out;
      EXPECT_LE(static_cast<int>(r->runs.size()), page);
      for (const auto& run : r->runs) out.push_back(run.info.run_id);
      if (r->next_page_token.empty()) break;
      req.page_token = r->next_page_token;
    }
    return out;
  }

  std::vector<std::string> Oracle(const std::string& filter,
                                  const std::vector<std::string>& order) {
    auto parsed = ParseFilter(filter, SearchEntity::kRuns);
    EXPECT_TRUE(parsed.ok()) << filter;
    std::vector<OrderBy> orders;
    for (const auto& o : order) orders.push_back(*ParseOrderBy(o, SearchEntity::kRuns));
    std::vector<tracking::Run> runs;
    for (tracking::Run& run : AllActive()) {
      bool keep = true;
      for (const auto& c : parsed->clauses) keep = keep && Matches(c, run);
      if (keep) runs.push_back(std::move(run));
    }
    std::sort(runs.begin(), runs.end(),
              [&](const tracking::Run& a, const tracking::Run& b) { return Before(orders, a, b); });
    std::vector<std::string> out;
    for (const auto& r : runs) out.push_back(r.info.run_id);
    return out;
  }

  std::string experiment_;
  std::vector<std::string> ids_;
};

TEST_P(SearchOracleTest, EveryOperatorAndKeyKindMatchesBruteForce) {
  const std::vector<std::string> filters = {
      "",
      "metrics.acc > 0.5",
      "metrics.acc >= 0.5",
      "metrics.acc < 1.2",
      "metrics.acc <= 0.3",
      "metrics.acc = 1.0",
      "metrics.acc != 1.0",
      "metric.loss > 0.2 and metrics.f1 < 1.5",
      "params.lr = '0.1'",
      "params.lr != '0.1'",
      "params.model LIKE 'x%'",
      "params.model ILIKE 'x%'",
      "params.model LIKE '%_b'",
      "parameters.model = \"a_b\"",
      "tags.team = 'growth'",
      "tags.team ILIKE 'GROWTH'",
      "tags.team LIKE 'G%'",
      "tags.`mlflow.runName` LIKE 'alpha%'",
      "attributes.run_name LIKE '%delta\\%%'",
      "run_name ILIKE 'alpha%'",
      "attributes.status = 'RUNNING'",
      "attributes.status != 'RUNNING'",
      "attributes.start_time >= 1010",
      "attributes.created < 1005",
      "datasets.name = 'dev.s.train'",
      "datasets.digest IN ('d0', 'd2')",
      "datasets.name NOT IN ('dev.s.train')",
      "metrics.acc > 0.2 AND params.lr = '0.01' AND tags.team = 'Growth'",
  };
  for (const auto& f : filters) {
    EXPECT_EQ(Search(f, {}, 1000), Oracle(f, {})) << "filter: " << f;
  }
  // run_id IN with ids taken from the data, and NOT IN.
  std::string in = "attributes.run_id IN ('" + ids_[0] + "', '" + ids_[5] + "', 'nope')";
  EXPECT_EQ(Search(in, {}, 1000), Oracle(in, {}));
  std::string not_in = "run_id NOT IN ('" + ids_[1] + "')";
  EXPECT_EQ(Search(not_in, {}, 1000), Oracle(not_in, {}));
}

TEST_P(SearchOracleTest, OrderingAndPaginationMatchBruteForce) {
  const std::vector<std::vector<std::string>> orders = {
      {},
      {"metrics.acc DESC"},
      {"metrics.acc ASC"},
      {"metrics.loss", "params.lr DESC"},
      {"params.model ASC", "metrics.f1 DESC"},
      {"tags.team DESC"},
      {"attributes.start_time ASC"},
      {"run_name DESC"},
  };
  for (const auto& order : orders) {
    std::vector<std::string> expected = Oracle("metrics.acc >= 0", order);
    for (int page : {1, 7, 1000}) {
      EXPECT_EQ(Search("metrics.acc >= 0", order, page), expected)
          << "order " << (order.empty() ? "" : order[0]) << " page " << page;
    }
  }
}

TEST_P(SearchOracleTest, FilterSyntaxErrorsAreInvalidParameterValue) {
  for (const char* bad : {"metrics.acc >>> 1", "metrics.acc > 'x'", "params.lr > 1",
                          "params.lr = 0.1", "foo.bar = 'x'", "attributes.nope = 'x'",
                          "metrics.acc > 1 OR metrics.acc < 0", "metrics.acc > 1 AND",
                          "params.lr = 'unterminated", "run_id IN 'x'", "metrics. > 1",
                          "tags.t IN ('a')", "metrics.acc > 1 garbage"}) {
    SearchRunsRequest req;
    req.experiment_ids = {experiment_};
    req.filter = bad;
    auto r = tracking_->SearchRuns(alice_, req);
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue) << bad;
  }
  SearchRunsRequest req;
  req.experiment_ids = {experiment_};
  req.order_by = {"metrics.acc SIDEWAYS"};
  EXPECT_EQ(tracking_->SearchRuns(alice_, req).status().code(), ErrorCode::kInvalidParameterValue);
  req.order_by = {};
  req.max_results = 50001;
  EXPECT_EQ(tracking_->SearchRuns(alice_, req).status().code(), ErrorCode::kInvalidParameterValue);
  req.max_results = 10;
  req.page_token = "not-a-token";
  EXPECT_EQ(tracking_->SearchRuns(alice_, req).status().code(), ErrorCode::kInvalidParameterValue);
}

TEST_P(SearchOracleTest, SqlLookingValuesAreOnlyData) {
  for (const char* f : {"params.lr = '0.1'' OR 1=1 --'", "params.lr = '; DROP TABLE runs; --'",
                        "tags.team LIKE '%'' OR ''1''=''1'"}) {
    EXPECT_EQ(Search(f, {}, 1000), Oracle(f, {})) << f;
  }
  EXPECT_EQ(AllActive().size(), Search("", {}, 1000).size());  // nothing was dropped
}

TEST_P(SearchOracleTest, DeletedRunsAppearOnlyInTheirView) {
  SearchRunsRequest req;
  req.experiment_ids = {experiment_};
  req.view = ViewType::kDeletedOnly;
  auto deleted = tracking_->SearchRuns(alice_, req);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->runs.size(), 6u);
  req.view = ViewType::kAll;
  EXPECT_EQ(tracking_->SearchRuns(alice_, req)->runs.size(), 60u);
}

TEST_P(SearchOracleTest, AWriteAfterASearchIsSeenByTheNextSearch) {
  std::string filter = "metrics.acc > 5";
  EXPECT_TRUE(Search(filter, {}, 1000).empty());
  ASSERT_TRUE(tracking_->LogBatch(alice_, ids_[2], {{"acc", 9.0, 5, 99}}, {}, {}).ok());
  EXPECT_EQ(Search(filter, {}, 1000), std::vector<std::string>{ids_[2]});
  ASSERT_TRUE(tracking_->DeleteRun(alice_, ids_[2]).ok());
  EXPECT_TRUE(Search(filter, {}, 1000).empty());
  ASSERT_TRUE(tracking_->RestoreRun(alice_, ids_[2]).ok());
  ASSERT_TRUE(tracking_->LogBatch(alice_, ids_[4], {}, {}, {{"late", "yes"}}).ok());
  EXPECT_EQ(Search("tags.late = 'yes'", {}, 1000), std::vector<std::string>{ids_[4]});
  EXPECT_EQ(Search(filter, {}, 1000), Oracle(filter, {}));
}

INSTANTIATE_TEST_SUITE_P(SqlAndIndex, SearchOracleTest,
                         ::testing::Values(SearchIndexMode::kOff, SearchIndexMode::kAlways),
                         [](const auto& info) {
                           return info.param == SearchIndexMode::kOff ? std::string("Sql")
                                                                      : std::string("Index");
                         });

}  // namespace
}  // namespace keel::tracking
