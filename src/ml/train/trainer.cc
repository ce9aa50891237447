#include "ml/train/trainer.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <thread>

#include "ml/linear/linear_trainer.h"
#include "ml/train/explain_artifacts.h"
#include "ml/xgboost/xgboost_model.h"
#include "storage/batch/column_ops.h"

namespace keel::ml {

namespace {

// A param's value as text: what XGBoost takes and what MLflow stores.
std::string ParamText(const json::Value& value) {
  if (value.is_string()) return value.as_string();
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  return value.Dump();
}

const json::Value* FindParam(const TrainingSpec& spec, std::string_view name) {
  for (const auto& [key, value] : spec.params) {
    if (key == name) return &value;
  }
  return nullptr;
}

Result<double> NumberParam(const TrainingSpec& spec, std::string_view name, double fallback) {
  const json::Value* value = FindParam(spec, name);
  if (value == nullptr) return fallback;
  if (!value->is_number()) {
    return Status::InvalidArgument("parameter '" + std::string(name) + "' must be a number");
  }
  return value->as_double();
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ",") + name;
  return out;
}

// The XGBoost eval_metric matching the metric Keel optimises, so early stopping watches it.
std::vector<std::string> XgboostEvalMetrics(const TrainingSpec& spec, size_t num_classes) {
  const std::string metric = spec.EffectiveMetric();
  if (spec.problem == ProblemType::kRegression) {
    if (metric == "mae") return {"mae"};
    if (metric == "mape") return {"mape"};
    return {"rmse"};
  }
  if (num_classes > 2) {
    if (metric == "accuracy") return {"mlogloss", "merror"};
    if (metric == "roc_auc") return {"mlogloss", "auc"};
    return {"mlogloss"};
  }
  if (metric == "roc_auc") return {"logloss", "auc"};
  if (metric == "pr_auc") return {"logloss", "aucpr"};
  if (metric == "accuracy") return {"logloss", "error"};
  return {"logloss"};
}

// Metrics of `model` on `rows` with labels `y`.
Result<MetricList> Evaluate(const Model& model, ProblemType problem, size_t num_classes,
                            const batch::RecordBatch& rows, const std::vector<double>& y,
                            json::Value* details) {
  KEEL_ASSIGN_OR_RETURN(ModelOutput output, model.Score(rows));
  if (problem == ProblemType::kRegression) {
    KEEL_ASSIGN_OR_RETURN(RegressionMetrics m, ComputeRegressionMetrics(y, output.values));
    if (details != nullptr) *details = m.ToJson();
    return m.ToList();
  }
  std::vector<int32_t> labels(y.begin(), y.end());
  KEEL_ASSIGN_OR_RETURN(
      ClassificationMetrics m,
      ComputeClassificationMetrics(labels, output.values, static_cast<int>(num_classes)));
  if (details != nullptr) *details = m.ToJson();
  return m.ToList();
}

std::optional<double> FindMetric(const MetricList& metrics, std::string_view name) {
  for (const auto& [key, value] : metrics) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<double> TakeLabels(const std::vector<double>& all, const std::vector<int64_t>& rows) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (int64_t row : rows) out.push_back(all[row]);
  return out;
}

// The trained model, whichever algorithm made it, and what saving and explaining it need.
struct Fitted {
  std::unique_ptr<XgboostModel> xgboost;
  std::unique_ptr<LinearModel> linear;
  const Model& model() const {
    return xgboost ? static_cast<const Model&>(*xgboost) : static_cast<const Model&>(*linear);
  }
};

Result<Fitted> FitXgboost(const TrainingSpec& spec, const PreparedData& data,
                          const FeatureEncoding& encoding, const TrainOptions& options,
                          TrackedRun* run) {
  XgboostTrainOptions xgb;
  xgb.problem = spec.problem;
  KEEL_ASSIGN_OR_RETURN(double rounds, NumberParam(spec, "num_boost_round", 100));
  if (rounds != std::floor(rounds) || rounds < 1 || rounds > 100000) {
    return Status::InvalidArgument("num_boost_round must be a whole number from 1 to 100000");
  }
  xgb.num_boost_round = static_cast<int>(rounds);
  for (const auto& [key, value] : spec.params) {
    if (key == "num_boost_round") continue;
    if (key == "objective" || key == "num_class") {
      return Status::InvalidArgument("parameter '" + key + "' is set by Keel from problem: " +
                                     std::string(ProblemTypeName(spec.problem)));
    }
    xgb.params.emplace_back(key, ParamText(value));
  }
  xgb.early_stopping_rounds = spec.early_stopping_rounds;
  xgb.eval_metrics = XgboostEvalMetrics(spec, data.labels.classes.size());
  xgb.seed = spec.seed;
  xgb.nthread = options.nthread;
  xgb.on_iteration = [run](int round, const IterationMetrics& metrics) {
    for (const auto& [name, value] : metrics) run->BufferMetric(name, value, round);
  };
  KEEL_ASSIGN_OR_RETURN(std::vector<float> x, encoding.EncodeDense(data.train));
  std::vector<float> vx;
  if (data.validation.num_rows > 0) {
    KEEL_ASSIGN_OR_RETURN(vx, encoding.EncodeDense(data.validation));
  }
  Fitted fitted;
  KEEL_ASSIGN_OR_RETURN(
      fitted.xgboost,
      TrainXgboost(encoding, data.labels.classes, {&x, &data.train_labels, data.train.num_rows},
                   {&vx, &data.validation_labels, data.validation.num_rows}, xgb));
  if (fitted.xgboost->best_iteration() >= 0) {
    run->BufferMetric("best_iteration", fitted.xgboost->best_iteration(), 0);
  }
  return fitted;
}

Result<Fitted> FitLinear(const TrainingSpec& spec, const PreparedData& data,
                         const FeatureEncoding& encoding, TrackedRun* run) {
  LinearTrainOptions linear;
  if (spec.problem == ProblemType::kClassification) {
    if (data.labels.classes.size() != 2) {
      return Status::InvalidArgument(
          "the linear algorithm handles regression and two-class classification; the label "
          "has " +
          std::to_string(data.labels.classes.size()) + " classes: use xgboost");
    }
    linear.kind = LinearKind::kLogistic;
  }
  for (const auto& [key, value] : spec.params) {
    if (key != "alpha" && key != "C" && key != "max_iter") {
      return Status::InvalidArgument("parameter '" + key +
                                     "' is not one the linear algorithm takes (alpha, C, "
                                     "max_iter)");
    }
  }
  KEEL_ASSIGN_OR_RETURN(linear.alpha, NumberParam(spec, "alpha", 1.0));
  KEEL_ASSIGN_OR_RETURN(linear.C, NumberParam(spec, "C", 1.0));
  KEEL_ASSIGN_OR_RETURN(double max_iter, NumberParam(spec, "max_iter", 100));
  linear.max_iter = static_cast<int>(std::clamp(max_iter, 1.0, 1e6));
  linear.on_iteration = [run](int iteration, double objective) {
    run->BufferMetric("train_objective", objective, iteration);
  };
  KEEL_ASSIGN_OR_RETURN(auto x, encoding.EncodeOneHot(data.train));
  KEEL_ASSIGN_OR_RETURN(LinearModelSpec model_spec,
                        TrainLinear(encoding.OneHotNames(), x, data.train_labels, linear));
  model_spec.encoding = encoding;
  if (spec.problem == ProblemType::kClassification) model_spec.classes = data.labels.classes;
  Fitted fitted;
  KEEL_ASSIGN_OR_RETURN(fitted.linear, LinearModel::Make(std::move(model_spec)));
  return fitted;
}

// Saves the model, uploads it as the run's "model" artifact, and writes the explanations.
Status LogModelArtifacts(const MlContext& ctx, const TrainingSpec& spec, const PreparedData& data,
                         const Fitted& fitted, TrackedRun* run) {
  KEEL_ASSIGN_OR_RETURN(auto scratch, ScratchDir::Make(ctx));
  const std::string dir = JoinPath(scratch->path(), "model");
  registry::MlModel mlmodel;
  mlmodel.run_id = run->run_id();
  mlmodel.artifact_path = "model";
  mlmodel.metadata = json::Value::MakeObject();
  json::Value keel = json::Value::MakeObject();
  keel.Set("label", spec.label);
  keel.Set("problem", ProblemTypeName(spec.problem));
  mlmodel.metadata.Set("keel_training", std::move(keel));
  if (fitted.xgboost) {
    KEEL_RETURN_IF_ERROR(SaveXgboostModel(ctx.fs, dir, *fitted.xgboost, mlmodel));
  } else {
    KEEL_RETURN_IF_ERROR(SaveLinearModel(ctx.fs, dir, fitted.linear->spec(), mlmodel));
  }
  KEEL_RETURN_IF_ERROR(run->LogModelDirectory(dir, "model"));
  // Explanations on held-out rows when there are any.
  const batch::RecordBatch& rows = data.test.num_rows > 0         ? data.test
                                   : data.validation.num_rows > 0 ? data.validation
                                                                  : data.train;
  return LogExplanations(fitted.xgboost.get(), fitted.linear.get(), rows, run);
}

}  // namespace

TrainingSpec WithParams(const TrainingSpec& spec, const json::Value& params) {
  TrainingSpec out = spec;
  if (!params.is_object()) return out;
  for (const auto& [name, value] : params.as_object()) {
    bool replaced = false;
    for (auto& [key, existing] : out.params) {
      if (key == name) {
        existing = value;
        replaced = true;
      }
    }
    if (!replaced) out.params.emplace_back(name, value);
  }
  return out;
}

Result<PreparedData> PrepareData(const MlContext& ctx, const TrainingSpec& spec) {
  KEEL_RETURN_IF_ERROR(ValidateTrainingSpec(spec));
  delta::TimeTravel at;
  if (spec.version) at.version = *spec.version;
  KEEL_ASSIGN_OR_RETURN(catalog::TableRows table, ctx.tables->Read(ctx.caller, spec.table, {}, at));
  PreparedData data;
  data.input.full_name = spec.table;
  data.input.version = table.version;
  data.input.num_rows = table.rows.num_rows;
  data.input.digest = TableDigest(spec.table, table.version, table.rows.num_rows);
  if (table.rows.num_rows == 0) {
    return Status::InvalidArgument("table " + spec.table + " (version " +
                                   std::to_string(table.version) +
                                   ") has no rows; there is nothing to train on");
  }
  data.features = spec.features;
  if (data.features.empty()) {
    for (const batch::Field& field : table.rows.schema.fields) {
      if (field.name != spec.label && field.name != spec.split.time_column) {
        data.features.push_back(field.name);
      }
    }
    if (data.features.empty()) {
      return Status::InvalidArgument("table " + spec.table +
                                     " has no columns besides the label to use as features");
    }
  }
  KEEL_ASSIGN_OR_RETURN(data.labels, EncodeLabels(table.rows, spec.label, spec.problem));
  const bool classify = spec.problem == ProblemType::kClassification;
  KEEL_ASSIGN_OR_RETURN(
      RowSplit split, SplitRows(table.rows, spec.split, classify ? &data.labels.values : nullptr));
  data.train = batch::Take(table.rows, split.train);
  data.validation = batch::Take(table.rows, split.validation);
  data.test = batch::Take(table.rows, split.test);
  data.train_labels = TakeLabels(data.labels.values, split.train);
  data.validation_labels = TakeLabels(data.labels.values, split.validation);
  data.test_labels = TakeLabels(data.labels.values, split.test);
  if (classify) {
    std::set<double> seen(data.train_labels.begin(), data.train_labels.end());
    if (seen.size() < 2) {
      return Status::InvalidArgument("the training rows hold a single class of '" + spec.label +
                                     "'; use more data or a stratified split");
    }
  }
  return data;
}

Result<TrainResult> TrainOnData(const MlContext& ctx, const TrainingSpec& spec,
                                const PreparedData& data, const TrainOptions& options) {
  std::string run_name = !options.run_name.empty() ? options.run_name : spec.run_name;
  KEEL_ASSIGN_OR_RETURN(
      auto run, TrackedRun::Start(ctx, spec.EffectiveExperiment(), run_name,
                                  {{"keel.algorithm", std::string(AlgorithmName(spec.algorithm))},
                                   {"keel.problem", std::string(ProblemTypeName(spec.problem))}},
                                  options.parent_run_id));
  TrainResult result;
  result.run_id = run->run_id();
  result.experiment_id = run->experiment_id();
  result.table_version = data.input.version;
  // Everything after the run starts: an error ends the run FAILED (~TrackedRun).
  Status status = [&]() -> Status {
    std::vector<std::pair<std::string, std::string>> params = {
        {"algorithm", std::string(AlgorithmName(spec.algorithm))},
        {"problem", std::string(ProblemTypeName(spec.problem))},
        {"table", spec.table},
        {"table_version", std::to_string(data.input.version)},
        {"label", spec.label},
        {"features", Join(data.features)},
        {"metric", spec.EffectiveMetric()},
        {"seed", std::to_string(spec.seed)},
        {"split_train", json::Value(spec.split.train).Dump()},
        {"split_validation", json::Value(spec.split.validation).Dump()},
        {"split_test", json::Value(spec.split.test).Dump()},
        {"split_seed", std::to_string(spec.split.seed)},
    };
    if (!spec.split.time_column.empty())
      params.emplace_back("split_time_column", spec.split.time_column);
    if (spec.early_stopping_rounds > 0) {
      params.emplace_back("early_stopping_rounds", std::to_string(spec.early_stopping_rounds));
    }
    for (const auto& [key, value] : spec.params) params.emplace_back(key, ParamText(value));
    KEEL_RETURN_IF_ERROR(run->LogParams(params));
    KEEL_RETURN_IF_ERROR(run->LogInput(data.input, "training"));

    KEEL_ASSIGN_OR_RETURN(FeatureEncoding encoding,
                          FeatureEncoding::Fit(data.train, data.features));
    Fitted fitted;
    if (spec.algorithm == Algorithm::kXgboost) {
      KEEL_ASSIGN_OR_RETURN(fitted, FitXgboost(spec, data, encoding, options, run.get()));
    } else {
      KEEL_ASSIGN_OR_RETURN(fitted, FitLinear(spec, data, encoding, run.get()));
    }
    KEEL_RETURN_IF_ERROR(run->FlushMetrics());

    const size_t num_classes = data.labels.classes.size();
    json::Value evaluation = json::Value::MakeObject();
    struct Part {
      std::string_view name;
      const batch::RecordBatch* rows;
      const std::vector<double>* labels;
    };
    const Part parts[] = {{"train", &data.train, &data.train_labels},
                          {"validation", &data.validation, &data.validation_labels},
                          {"test", &data.test, &data.test_labels}};
    MetricList train_metrics;
    for (const Part& part : parts) {
      if (part.rows->num_rows == 0) continue;
      json::Value details;
      KEEL_ASSIGN_OR_RETURN(MetricList metrics, Evaluate(fitted.model(), spec.problem, num_classes,
                                                         *part.rows, *part.labels, &details));
      evaluation.Set(part.name, std::move(details));
      std::vector<std::pair<std::string, double>> logged;
      for (const auto& [key, value] : metrics)
        logged.emplace_back(std::string(part.name) + "_" + key, value);
      KEEL_RETURN_IF_ERROR(run->LogMetrics(logged));
      if (part.name == "train") train_metrics = metrics;
      if (part.name == "validation") result.validation_metrics = metrics;
      if (part.name == "test") result.test_metrics = metrics;
    }
    const MetricList& chosen = !result.validation_metrics.empty() ? result.validation_metrics
                               : !result.test_metrics.empty()     ? result.test_metrics
                                                                  : train_metrics;
    std::optional<double> objective = FindMetric(chosen, spec.EffectiveMetric());
    if (!objective) {
      return Status::InvalidArgument("metric " + spec.EffectiveMetric() +
                                     " is undefined on the held-out rows (a single class?); "
                                     "use more data or another metric");
    }
    result.objective = *objective;
    json::Value classes = json::Value::MakeArray();
    for (const std::string& c : data.labels.classes) classes.Append(c);
    evaluation.Set("classes", std::move(classes));
    evaluation.Set("metric", spec.EffectiveMetric());
    KEEL_RETURN_IF_ERROR(
        run->UploadArtifact("evaluation/metrics.json", evaluation.Dump(true) + "\n"));
    if (options.log_model) {
      KEEL_RETURN_IF_ERROR(LogModelArtifacts(ctx, spec, data, fitted, run.get()));
      result.model_uri = "runs:/" + run->run_id() + "/model";
    }
    return run->Finish(true);
  }();
  if (!status.ok()) {
    (void)run->Finish(false);
    return status;
  }
  return result;
}

Result<int64_t> RegisterModel(const MlContext& ctx, std::string_view name,
                              std::string_view model_uri, std::string_view run_id) {
  auto created = ctx.registry->CreateRegisteredModel(ctx.caller, name, "", {});
  if (!created.ok() && created.status().code() != ErrorCode::kResourceAlreadyExists) {
    return created.status();
  }
  registry::CreateModelVersionRequest request;
  request.name = std::string(name);
  request.source = std::string(model_uri);
  request.run_id = std::string(run_id);
  KEEL_ASSIGN_OR_RETURN(registry::ModelVersion version,
                        ctx.registry->CreateModelVersion(ctx.caller, request));
  return version.version;
}

Result<TrainResult> Train(const MlContext& ctx, const TrainingSpec& spec) {
  KEEL_ASSIGN_OR_RETURN(PreparedData data, PrepareData(ctx, spec));
  KEEL_ASSIGN_OR_RETURN(TrainResult result, TrainOnData(ctx, spec, data));
  if (!spec.register_as.empty()) {
    KEEL_ASSIGN_OR_RETURN(result.registered_version,
                          RegisterModel(ctx, spec.register_as, result.model_uri, result.run_id));
  }
  return result;
}

Result<TuneResultSummary> Tune(const MlContext& ctx, const TrainingSpec& spec) {
  if (!spec.search_space) {
    return Status::InvalidArgument(
        "the spec has no tune.search_space; say which parameters to "
        "search, e.g. max_depth: {type: int, low: 2, high: 8}");
  }
  KEEL_ASSIGN_OR_RETURN(bool maximize, MetricDirection(spec.EffectiveMetric(), spec.problem));
  TuneOptions tune = spec.tune;
  tune.maximize = maximize;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  tune.parallelism = std::clamp(tune.parallelism, 1, cores);
  KEEL_RETURN_IF_ERROR(ValidateTuneOptions(tune));
  KEEL_ASSIGN_OR_RETURN(PreparedData data, PrepareData(ctx, spec));

  std::string name = spec.run_name.empty() ? "tune" : spec.run_name;
  KEEL_ASSIGN_OR_RETURN(
      auto parent,
      TrackedRun::Start(ctx, spec.EffectiveExperiment(), name,
                        {{"keel.algorithm", std::string(AlgorithmName(spec.algorithm))},
                         {"keel.run_kind", "tuning"}}));
  TuneResultSummary summary;
  summary.run_id = parent->run_id();
  summary.experiment_id = parent->experiment_id();
  Status status = [&]() -> Status {
    KEEL_RETURN_IF_ERROR(
        parent->LogParams({{"strategy", std::string(SearchStrategyName(tune.strategy))},
                           {"max_trials", std::to_string(tune.max_trials)},
                           {"timeout_seconds", json::Value(tune.timeout_seconds).Dump()},
                           {"parallelism", std::to_string(tune.parallelism)},
                           {"metric", spec.EffectiveMetric()},
                           {"table", spec.table},
                           {"table_version", std::to_string(data.input.version)},
                           {"search_space", spec.search_space->ToJson().Dump()}}));
    KEEL_RETURN_IF_ERROR(parent->LogInput(data.input, "training"));
    TrainOptions trial_options;
    trial_options.parent_run_id = parent->run_id();
    trial_options.log_model = false;
    trial_options.nthread = std::max(1, cores / tune.parallelism);
    Objective objective = [&](int trial, const json::Value& params) -> Result<double> {
      TrainOptions options = trial_options;
      options.run_name = name + "-trial-" + std::to_string(trial);
      KEEL_ASSIGN_OR_RETURN(TrainResult r,
                            TrainOnData(ctx, WithParams(spec, params), data, options));
      return r.objective;
    };
    KEEL_ASSIGN_OR_RETURN(TuneResult search, RunSearch(*spec.search_space, tune, objective));
    summary.trials = static_cast<int>(search.trials.size());
    for (const TrialResult& trial : search.trials) {
      if (!trial.status.ok())
        ++summary.failed_trials;
      else
        parent->BufferMetric("trial_" + spec.EffectiveMetric(), trial.objective, trial.number);
    }
    const TrialResult& best = search.trials[search.best_trial];
    summary.best_params = best.params;
    TrainOptions best_options;
    best_options.parent_run_id = parent->run_id();
    best_options.run_name = name + "-best";
    KEEL_ASSIGN_OR_RETURN(summary.best,
                          TrainOnData(ctx, WithParams(spec, best.params), data, best_options));
    if (!spec.register_as.empty()) {
      KEEL_ASSIGN_OR_RETURN(
          summary.best.registered_version,
          RegisterModel(ctx, spec.register_as, summary.best.model_uri, summary.best.run_id));
    }
    std::vector<std::pair<std::string, std::string>> best_params;
    for (const auto& [key, value] : best.params.as_object()) {
      best_params.emplace_back("best_" + key, ParamText(value));
    }
    KEEL_RETURN_IF_ERROR(parent->LogParams(best_params));
    KEEL_RETURN_IF_ERROR(
        parent->LogMetrics({{"best_" + spec.EffectiveMetric(), best.objective},
                            {"trials", static_cast<double>(summary.trials)},
                            {"failed_trials", static_cast<double>(summary.failed_trials)}}));
    KEEL_RETURN_IF_ERROR(parent->SetTags({{"keel.best_run_id", summary.best.run_id},
                                          {"keel.best_trial", std::to_string(best.number)}}));
    return parent->Finish(true);
  }();
  if (!status.ok()) {
    (void)parent->Finish(false);
    return status;
  }
  return summary;
}

}  // namespace keel::ml
