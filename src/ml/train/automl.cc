#include "ml/train/automl.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "ml/profile/table_profile.h"
#include "ml/train/workflows.h"

namespace keel::ml {

namespace {

// XGBoost's search space: the parameters that matter most on tabular data.
Result<SearchSpace> XgboostSpace() {
  auto doc = json::Parse(R"({
    "max_depth": {"type": "int", "low": 2, "high": 10},
    "eta": {"type": "loguniform", "low": 0.01, "high": 0.3},
    "num_boost_round": {"type": "int", "low": 50, "high": 400},
    "subsample": {"type": "uniform", "low": 0.5, "high": 1.0},
    "colsample_bytree": {"type": "uniform", "low": 0.5, "high": 1.0},
    "min_child_weight": {"type": "loguniform", "low": 0.5, "high": 20},
    "lambda": {"type": "loguniform", "low": 0.1, "high": 10}
  })");
  if (!doc.ok()) return doc.status();
  return SearchSpace::FromJson(*doc);
}

// A column whose every value differs (an integer or string key such as customer_id) says
// nothing a model can generalise from; AutoML leaves it out.
bool IsIdentifierLike(const ColumnProfile& column, int64_t num_rows) {
  bool key_type = column.type == "long" || column.type == "int" || column.type == "string";
  // An approximate count (HyperLogLog, about 1% error) counts when it is within 2% of the rows.
  bool all_distinct = column.distinct_approximate
                          ? static_cast<double>(column.distinct) >= 0.98 * static_cast<double>(num_rows)
                          : column.distinct == num_rows;
  return key_type && num_rows >= 50 && column.nulls == 0 && all_distinct;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Result<AutomlResult> RunAutoml(const MlContext& ctx, const AutomlRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  if (!(request.timeout_seconds > 0)) {
    return Status::InvalidArgument("--timeout must be more than 0 (e.g. 90s, 10m)");
  }
  if (request.max_trials < 1) return Status::InvalidArgument("--max-trials must be at least 1");
  TrainingSpec spec;
  spec.table = request.table;
  spec.version = request.version;
  spec.label = request.target;
  spec.problem = request.problem;
  spec.metric = request.metric;
  spec.seed = request.seed;
  spec.split.seed = request.seed;
  spec.split.train = 0.7;
  spec.split.validation = 0.15;
  spec.split.test = 0.15;
  spec.experiment =
      request.experiment.empty() ? "/Shared/keel-automl-" + request.table : request.experiment;
  KEEL_ASSIGN_OR_RETURN(bool maximize, MetricDirection(spec.EffectiveMetric(), spec.problem));
  // 1. The profile: what the data looks like (logged next to the models trained on it), and
  // which columns are identifiers to leave out of the features.
  delta::TimeTravel at;
  at.version = request.version;
  KEEL_ASSIGN_OR_RETURN(catalog::TableRows rows, ctx.tables->Read(ctx.caller, spec.table, {}, at));
  ProfileOptions profile_options;
  profile_options.label_column = spec.label;
  KEEL_ASSIGN_OR_RETURN(TableProfile profile, ProfileBatch(rows.rows, profile_options));
  std::vector<std::string> excluded;
  for (const ColumnProfile& column : profile.columns) {
    if (column.name == spec.label) continue;
    if (IsIdentifierLike(column, profile.num_rows)) {
      excluded.push_back(column.name);
    } else {
      spec.features.push_back(column.name);
    }
  }
  // Pin the table version, so every trial and the best re-training read the same rows.
  spec.version = rows.version;
  rows = {};
  KEEL_ASSIGN_OR_RETURN(PreparedData data, PrepareData(ctx, spec));

  KEEL_ASSIGN_OR_RETURN(
      auto summary_run,
      TrackedRun::Start(ctx, spec.EffectiveExperiment(), "automl", {{"keel.run_kind", "automl"}}));
  AutomlResult result;
  result.run_id = summary_run->run_id();
  result.experiment_id = summary_run->experiment_id();
  Status status = [&]() -> Status {
    KEEL_RETURN_IF_ERROR(
        summary_run->LogParams({{"table", spec.table},
                                {"table_version", std::to_string(data.input.version)},
                                {"target", spec.label},
                                {"problem", std::string(ProblemTypeName(spec.problem))},
                                {"metric", spec.EffectiveMetric()},
                                {"timeout_seconds", json::Value(request.timeout_seconds).Dump()},
                                {"max_trials", std::to_string(request.max_trials)}}));
    KEEL_RETURN_IF_ERROR(summary_run->LogInput(data.input, "training"));
    std::string excluded_text;
    for (const std::string& name : excluded) excluded_text += (excluded_text.empty() ? "" : ",") + name;
    KEEL_RETURN_IF_ERROR(summary_run->LogParams({{"excluded_identifier_columns", excluded_text}}));
    KEEL_RETURN_IF_ERROR(LogProfileArtifacts(
        profile, spec.table + " version " + std::to_string(data.input.version), summary_run.get()));

    struct Candidate {
      Algorithm algorithm;
      json::Value params;
      double objective;
      std::string run_id;
    };
    std::vector<Candidate> candidates;
    auto better = [&](double a, double b) { return maximize ? a > b : a < b; };
    TrainOptions trial_options;
    trial_options.parent_run_id = summary_run->run_id();
    trial_options.log_model = false;

    // 2. The linear baseline.
    const bool linear_fits =
        spec.problem == ProblemType::kRegression || data.labels.classes.size() == 2;
    int trial_number = 0;
    if (linear_fits) {
      TrainingSpec linear = spec;
      linear.algorithm = Algorithm::kLinear;
      TrainOptions options = trial_options;
      options.run_name = "automl-linear-baseline";
      auto trained = TrainOnData(ctx, linear, data, options);
      ++result.trials;
      if (trained.ok()) {
        candidates.push_back(
            {Algorithm::kLinear, json::Value::MakeObject(), trained->objective, trained->run_id});
      } else {
        ++result.failed_trials;
      }
      ++trial_number;
    }

    // 3. XGBoost with TPE in the remaining budget.
    KEEL_ASSIGN_OR_RETURN(SearchSpace space, XgboostSpace());
    TuneOptions tune;
    tune.strategy = SearchStrategy::kTpe;
    tune.max_trials = std::max(1, request.max_trials - trial_number);
    tune.timeout_seconds = std::max(0.001, request.timeout_seconds - SecondsSince(start));
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    tune.parallelism = std::clamp(request.parallelism, 1, cores);
    tune.seed = request.seed;
    tune.maximize = maximize;
    TrainingSpec xgb = spec;
    xgb.algorithm = Algorithm::kXgboost;
    xgb.early_stopping_rounds = 20;
    xgb.params = {{"tree_method", json::Value("hist")}};
    TrainOptions xgb_options = trial_options;
    xgb_options.nthread = std::max(1, cores / tune.parallelism);
    Objective objective = [&](int trial, const json::Value& params) -> Result<double> {
      TrainOptions options = xgb_options;
      options.run_name = "automl-xgboost-" + std::to_string(trial);
      KEEL_ASSIGN_OR_RETURN(TrainResult r,
                            TrainOnData(ctx, WithParams(xgb, params), data, options));
      return r.objective;
    };
    auto search = RunSearch(space, tune, objective);
    if (search.ok()) {
      result.trials += static_cast<int>(search->trials.size());
      for (const TrialResult& trial : search->trials) {
        if (!trial.status.ok()) {
          ++result.failed_trials;
          continue;
        }
        candidates.push_back({Algorithm::kXgboost, trial.params, trial.objective, ""});
      }
    } else if (candidates.empty()) {
      return search.status();
    }
    if (candidates.empty()) {
      return Status::InvalidArgument("every AutoML trial failed; see the failed runs in " +
                                     spec.EffectiveExperiment());
    }
    const Candidate* best = &candidates[0];
    for (const Candidate& c : candidates) {
      if (better(c.objective, best->objective)) best = &c;
    }
    for (size_t i = 0; i < candidates.size(); ++i) {
      summary_run->BufferMetric("trial_" + spec.EffectiveMetric(), candidates[i].objective,
                                static_cast<int64_t>(i));
    }

    // 4. The best configuration again, with its model.
    TrainingSpec best_spec =
        best->algorithm == Algorithm::kXgboost ? WithParams(xgb, best->params) : spec;
    best_spec.algorithm = best->algorithm;
    TrainOptions best_options;
    best_options.parent_run_id = summary_run->run_id();
    best_options.run_name = "automl-best";
    KEEL_ASSIGN_OR_RETURN(result.best, TrainOnData(ctx, best_spec, data, best_options));
    if (!request.register_as.empty()) {
      KEEL_ASSIGN_OR_RETURN(
          result.best.registered_version,
          RegisterModel(ctx, request.register_as, result.best.model_uri, result.best.run_id));
    }
    result.best_algorithm = std::string(AlgorithmName(best->algorithm));
    result.best_params = best->params;
    std::vector<std::pair<std::string, std::string>> params = {
        {"best_algorithm", result.best_algorithm}};
    if (best->params.is_object()) {
      for (const auto& [key, value] : best->params.as_object()) {
        params.emplace_back("best_" + key, value.is_string() ? value.as_string() : value.Dump());
      }
    }
    KEEL_RETURN_IF_ERROR(summary_run->LogParams(params));
    std::vector<std::pair<std::string, double>> metrics = {
        {"best_" + spec.EffectiveMetric(), best->objective},
        {"trials", static_cast<double>(result.trials)},
        {"failed_trials", static_cast<double>(result.failed_trials)}};
    for (const auto& [key, value] : result.best.test_metrics) {
      metrics.emplace_back("best_test_" + key, value);
    }
    KEEL_RETURN_IF_ERROR(summary_run->LogMetrics(metrics));
    KEEL_RETURN_IF_ERROR(summary_run->SetTags({{"keel.best_run_id", result.best.run_id},
                                               {"keel.best_model_uri", result.best.model_uri}}));
    return summary_run->Finish(true);
  }();
  if (!status.ok()) {
    (void)summary_run->Finish(false);
    return status;
  }
  return result;
}

}  // namespace keel::ml
