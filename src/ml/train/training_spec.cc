#include "ml/train/training_spec.h"

#include <charconv>
#include <cmath>
#include <set>

#include "common/yaml.h"

namespace keel::ml {

namespace {

constexpr std::string_view kClassificationMetrics[] = {
    "roc_auc", "accuracy", "f1", "precision", "recall", "pr_auc", "log_loss"};
constexpr std::string_view kRegressionMetrics[] = {"rmse", "mse", "mae", "r2", "mape"};

Result<double> Fraction(const json::FieldReader& fields, std::string_view key, double fallback) {
  KEEL_ASSIGN_OR_RETURN(auto value, fields.OptionalDouble(key));
  double v = value.value_or(fallback);
  if (!(v >= 0 && v <= 1)) {
    return Status::InvalidArgument("split." + std::string(key) +
                                   " must be a fraction between 0 and 1");
  }
  return v;
}

Result<SplitSpec> ParseSplit(const json::Value& doc) {
  KEEL_ASSIGN_OR_RETURN(json::FieldReader fields, json::FieldReader::Make(doc, "split"));
  KEEL_RETURN_IF_ERROR(
      fields.RejectUnknown({"train", "validation", "test", "seed", "stratify", "time_column"}));
  SplitSpec split;
  KEEL_ASSIGN_OR_RETURN(split.train, Fraction(fields, "train", split.train));
  KEEL_ASSIGN_OR_RETURN(split.validation, Fraction(fields, "validation", split.validation));
  KEEL_ASSIGN_OR_RETURN(split.test, Fraction(fields, "test", split.test));
  KEEL_ASSIGN_OR_RETURN(auto seed, fields.OptionalInt("seed"));
  if (seed) split.seed = static_cast<uint64_t>(*seed);
  KEEL_ASSIGN_OR_RETURN(auto stratify, fields.OptionalBool("stratify"));
  split.stratify = stratify.value_or(true);
  KEEL_ASSIGN_OR_RETURN(auto time_column, fields.OptionalString("time_column"));
  split.time_column = time_column.value_or("");
  return split;
}

Status ParseTune(const json::Value& doc, TrainingSpec* spec) {
  KEEL_ASSIGN_OR_RETURN(json::FieldReader fields, json::FieldReader::Make(doc, "tune"));
  KEEL_RETURN_IF_ERROR(fields.RejectUnknown(
      {"strategy", "max_trials", "timeout", "parallelism", "search_space", "seed"}));
  KEEL_ASSIGN_OR_RETURN(auto strategy, fields.OptionalString("strategy"));
  if (strategy) {
    KEEL_ASSIGN_OR_RETURN(spec->tune.strategy, ParseSearchStrategy(*strategy));
  }
  KEEL_ASSIGN_OR_RETURN(auto max_trials, fields.OptionalInt("max_trials"));
  if (max_trials) {
    if (*max_trials < 1 || *max_trials > kMaxTuneTrials) {
      return Status::InvalidArgument("tune.max_trials must be between 1 and " +
                                     std::to_string(kMaxTuneTrials));
    }
    spec->tune.max_trials = static_cast<int>(*max_trials);
  }
  if (const json::Value* timeout = fields.Get("timeout")) {
    std::string text = timeout->is_string() ? timeout->as_string() : timeout->Dump();
    KEEL_ASSIGN_OR_RETURN(spec->tune.timeout_seconds, ParseDurationSeconds(text));
  }
  KEEL_ASSIGN_OR_RETURN(auto parallelism, fields.OptionalInt("parallelism"));
  if (parallelism) {
    if (*parallelism < 1 || *parallelism > 1024) {
      return Status::InvalidArgument("tune.parallelism must be at least 1");
    }
    spec->tune.parallelism = static_cast<int>(*parallelism);
  }
  KEEL_ASSIGN_OR_RETURN(auto seed, fields.OptionalInt("seed"));
  if (seed) spec->tune.seed = static_cast<uint64_t>(*seed);
  if (const json::Value* space = fields.Get("search_space")) {
    auto parsed = SearchSpace::FromJson(*space);
    if (!parsed.ok()) {
      return Status::InvalidArgument("tune.search_space: " + parsed.status().message());
    }
    spec->search_space = std::move(*parsed);
  }
  return Status::OK();
}

bool Contains(const auto& list, std::string_view name) {
  for (std::string_view item : list) {
    if (item == name) return true;
  }
  return false;
}

}  // namespace

std::string_view AlgorithmName(Algorithm algorithm) {
  return algorithm == Algorithm::kXgboost ? "xgboost" : "linear";
}

Result<Algorithm> ParseAlgorithm(std::string_view name) {
  if (name == "xgboost") return Algorithm::kXgboost;
  if (name == "linear") return Algorithm::kLinear;
  return Status::InvalidArgument("algorithm '" + std::string(name) +
                                 "' is not one of: xgboost, linear");
}

std::string TrainingSpec::EffectiveMetric() const {
  if (!metric.empty()) return metric;
  return problem == ProblemType::kClassification ? "roc_auc" : "rmse";
}

std::string TrainingSpec::EffectiveExperiment() const {
  if (!experiment.empty()) return experiment;
  return "/Shared/keel-" + table;
}

Result<TrainingSpec> ParseTrainingSpec(const json::Value& doc) {
  KEEL_ASSIGN_OR_RETURN(json::FieldReader fields, json::FieldReader::Make(doc, "training spec"));
  KEEL_RETURN_IF_ERROR(fields.RejectUnknown(
      {"table", "version", "label", "features", "problem", "algorithm", "params", "split",
       "early_stopping_rounds", "metric", "seed", "experiment", "run_name", "register", "tune"}));
  TrainingSpec spec;
  KEEL_ASSIGN_OR_RETURN(spec.table, fields.RequiredString("table"));
  KEEL_ASSIGN_OR_RETURN(spec.version, fields.OptionalInt("version"));
  KEEL_ASSIGN_OR_RETURN(spec.label, fields.RequiredString("label"));
  KEEL_ASSIGN_OR_RETURN(spec.features, fields.StringList("features"));
  KEEL_ASSIGN_OR_RETURN(std::string problem, fields.RequiredString("problem"));
  KEEL_ASSIGN_OR_RETURN(spec.problem, ParseProblemType(problem));
  KEEL_ASSIGN_OR_RETURN(auto algorithm, fields.OptionalString("algorithm"));
  if (algorithm) {
    KEEL_ASSIGN_OR_RETURN(spec.algorithm, ParseAlgorithm(*algorithm));
  }
  if (const json::Value* params = fields.Get("params")) {
    if (!params->is_object()) {
      return Status::InvalidArgument("params must be a mapping of name: value");
    }
    for (const auto& [name, value] : params->as_object()) spec.params.emplace_back(name, value);
  }
  if (const json::Value* split = fields.Get("split")) {
    KEEL_ASSIGN_OR_RETURN(spec.split, ParseSplit(*split));
  }
  KEEL_ASSIGN_OR_RETURN(auto early, fields.OptionalInt("early_stopping_rounds"));
  if (early) {
    if (*early < 0 || *early > 100000) {
      return Status::InvalidArgument("early_stopping_rounds must be between 0 and 100000");
    }
    spec.early_stopping_rounds = static_cast<int>(*early);
  }
  KEEL_ASSIGN_OR_RETURN(auto metric, fields.OptionalString("metric"));
  spec.metric = metric.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto seed, fields.OptionalInt("seed"));
  if (seed) spec.seed = static_cast<uint64_t>(*seed);
  KEEL_ASSIGN_OR_RETURN(auto experiment, fields.OptionalString("experiment"));
  spec.experiment = experiment.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto run_name, fields.OptionalString("run_name"));
  spec.run_name = run_name.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto register_as, fields.OptionalString("register"));
  spec.register_as = register_as.value_or("");
  if (const json::Value* tune = fields.Get("tune")) KEEL_RETURN_IF_ERROR(ParseTune(*tune, &spec));
  return spec;
}

Result<TrainingSpec> ParseTrainingSpecText(std::string_view text) {
  auto doc = yaml::Parse(text);
  if (!doc.ok()) return Status::InvalidArgument("training spec: " + doc.status().message());
  return ParseTrainingSpec(*doc);
}

void SetParam(TrainingSpec* spec, const std::string& name, std::string_view text) {
  json::Value value{std::string(text)};
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
    int64_t integer = 0;
    auto [iend, iec] = std::from_chars(text.data(), text.data() + text.size(), integer);
    value = iec == std::errc() && iend == text.data() + text.size() ? json::Value(integer)
                                                                    : json::Value(number);
  } else if (text == "true" || text == "false") {
    value = json::Value(text == "true");
  }
  for (auto& [key, existing] : spec->params) {
    if (key == name) {
      existing = std::move(value);
      return;
    }
  }
  spec->params.emplace_back(name, std::move(value));
}

Status ValidateTrainingSpec(const TrainingSpec& spec) {
  if (spec.table.empty()) return Status::InvalidArgument("the spec names no table");
  if (spec.label.empty()) return Status::InvalidArgument("the spec names no label column");
  if (spec.version && *spec.version < 0) {
    return Status::InvalidArgument("version must be a table version (0 or more)");
  }
  const SplitSpec& split = spec.split;
  if (std::abs(split.train + split.validation + split.test - 1.0) > 1e-9) {
    return Status::InvalidArgument("split fractions train + validation + test must add up to 1");
  }
  if (split.train <= 0) return Status::InvalidArgument("split.train must be more than 0");
  for (const std::string& f : spec.features) {
    if (f == spec.label) {
      return Status::InvalidArgument("the label column '" + f + "' cannot also be a feature");
    }
  }
  KEEL_RETURN_IF_ERROR(MetricDirection(spec.EffectiveMetric(), spec.problem).status());
  std::set<std::string_view> seen;
  for (const auto& [name, value] : spec.params) {
    if (!seen.insert(name).second) {
      return Status::InvalidArgument("parameter '" + name + "' is given twice");
    }
    if (value.is_object() || value.is_array() || value.is_null()) {
      return Status::InvalidArgument("parameter '" + name +
                                     "' must be a number, a string or a boolean");
    }
  }
  if (spec.early_stopping_rounds > 0 && split.validation <= 0) {
    return Status::InvalidArgument(
        "early_stopping_rounds needs validation data; set split.validation above 0");
  }
  return Status::OK();
}

Result<bool> MetricDirection(std::string_view metric, ProblemType problem) {
  if (problem == ProblemType::kClassification && Contains(kClassificationMetrics, metric)) {
    return metric != "log_loss";
  }
  if (problem == ProblemType::kRegression && Contains(kRegressionMetrics, metric)) {
    return metric == "r2";
  }
  std::string known;
  if (problem == ProblemType::kClassification) {
    for (std::string_view m : kClassificationMetrics)
      known += (known.empty() ? "" : ", ") + std::string(m);
  } else {
    for (std::string_view m : kRegressionMetrics)
      known += (known.empty() ? "" : ", ") + std::string(m);
  }
  return Status::InvalidArgument("metric '" + std::string(metric) +
                                 "' is not one Keel computes for " +
                                 std::string(ProblemTypeName(problem)) + ": " + known);
}

Result<double> ParseDurationSeconds(std::string_view text) {
  double scale = 1;
  std::string_view number = text;
  if (!text.empty()) {
    switch (text.back()) {
      case 's':
        number.remove_suffix(1);
        break;
      case 'm':
        scale = 60;
        number.remove_suffix(1);
        break;
      case 'h':
        scale = 3600;
        number.remove_suffix(1);
        break;
      default:
        break;
    }
  }
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() ||
      !std::isfinite(value) || value < 0 || value * scale > 7 * 24 * 3600) {
    return Status::InvalidArgument(
        "duration '" + std::string(text) +
        "' is not like 90s, 10m, 1h or a number of seconds (at most a week)");
  }
  return value * scale;
}

}  // namespace keel::ml
