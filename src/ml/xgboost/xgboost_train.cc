// TrainXgboost: the boosting loop over XGBoost's C API, with per-round evaluation and early
// stopping as XGBoost's Python package does them (xgboost.train with evals and
// early_stopping_rounds).

#include <charconv>
#include <cmath>

#include "ml/xgboost/xgboost_internal.h"
#include "ml/xgboost/xgboost_model.h"

namespace keel::ml {

using xgb_internal::Check;
using xgb_internal::DMatrix;

namespace {

// Metric names XGBoost maximises (learner's evaluation "higher is better").
bool HigherIsBetter(std::string_view metric) {
  // Strip "@k" and "-" suffixes: "ndcg@5", "map@3-".
  std::string_view base = metric.substr(0, metric.find('@'));
  return base == "auc" || base == "aucpr" || base == "map" || base == "ndcg" || base == "pre" ||
         base == "interval-regression-accuracy";
}

// Parses "[3]\ttrain-auc:0.91\tvalidation-auc:0.88" into (name, value) pairs.
Result<IterationMetrics> ParseEvalLine(std::string_view line) {
  IterationMetrics out;
  size_t pos = line.find('\t');
  while (pos != std::string_view::npos) {
    size_t next = line.find('\t', pos + 1);
    std::string_view item = line.substr(
        pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
    size_t colon = item.rfind(':');
    if (colon == std::string_view::npos) {
      return Status::Internal("unexpected XGBoost evaluation output: " + std::string(line));
    }
    std::string value_text(item.substr(colon + 1));
    double value = std::strtod(value_text.c_str(), nullptr);
    out.emplace_back(std::string(item.substr(0, colon)), value);
    pos = next;
  }
  return out;
}

Status ValidateData(const XgboostData& data, size_t num_features, std::string_view what,
                    bool required) {
  if (data.num_rows == 0) {
    if (required) {
      return Status::InvalidArgument("the " + std::string(what) +
                                     " data has no rows; nothing to train on");
    }
    return Status::OK();
  }
  if (data.features == nullptr || data.labels == nullptr ||
      data.features->size() != static_cast<size_t>(data.num_rows) * num_features ||
      data.labels->size() != static_cast<size_t>(data.num_rows)) {
    return Status::InvalidArgument("the " + std::string(what) +
                                   " data's feature and label sizes do not match its rows");
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<XgboostModel>> TrainXgboost(const FeatureEncoding& encoding,
                                                   const std::vector<std::string>& classes,
                                                   const XgboostData& train,
                                                   const XgboostData& validation,
                                                   const XgboostTrainOptions& options) {
  const size_t num_features = encoding.features().size();
  if (num_features == 0) return Status::InvalidArgument("a model needs at least one feature");
  KEEL_RETURN_IF_ERROR(ValidateData(train, num_features, "training", true));
  KEEL_RETURN_IF_ERROR(ValidateData(validation, num_features, "validation", false));
  if (options.num_boost_round < 1 || options.num_boost_round > 100000) {
    return Status::InvalidArgument("num_boost_round must be between 1 and 100000; got " +
                                   std::to_string(options.num_boost_round));
  }
  if (options.early_stopping_rounds < 0) {
    return Status::InvalidArgument("early_stopping_rounds must not be negative");
  }
  if (options.early_stopping_rounds > 0 && validation.num_rows == 0) {
    return Status::InvalidArgument(
        "early stopping needs validation data; give the split a validation fraction");
  }
  const bool classification = options.problem == ProblemType::kClassification;
  if (classification && classes.size() < 2) {
    return Status::InvalidArgument("classification needs at least two classes");
  }

  std::vector<std::string> types = xgb_internal::FeatureTypes(encoding);
  std::vector<std::string> names = encoding.names();
  KEEL_ASSIGN_OR_RETURN(auto dtrain, DMatrix::Make(*train.features, train.num_rows, num_features,
                                                   types, names, train.labels));
  std::unique_ptr<DMatrix> dvalid;
  if (validation.num_rows > 0) {
    KEEL_ASSIGN_OR_RETURN(dvalid, DMatrix::Make(*validation.features, validation.num_rows,
                                                num_features, types, names, validation.labels));
  }
  std::vector<DMatrixHandle> cache = {dtrain->get()};
  if (dvalid) cache.push_back(dvalid->get());
  BoosterHandle booster = nullptr;
  KEEL_RETURN_IF_ERROR(
      Check(XGBoosterCreate(cache.data(), cache.size(), &booster), "creating a booster"));
  // Owned by `model` from here on, so every early return frees it.
  std::unique_ptr<XgboostModel> model =
      XgboostModelFactory::Make(booster, encoding, options.problem,
                                classification ? classes : std::vector<std::string>{}, -1);

  // Defaults first, then the user's parameters, so theirs win.
  std::vector<std::pair<std::string, std::string>> params;
  if (!classification) {
    params.emplace_back("objective", "reg:squarederror");
  } else if (classes.size() == 2) {
    params.emplace_back("objective", "binary:logistic");
  } else {
    params.emplace_back("objective", "multi:softprob");
    params.emplace_back("num_class", std::to_string(classes.size()));
  }
  params.emplace_back("seed", std::to_string(options.seed));
  params.emplace_back("nthread", std::to_string(options.nthread));
  params.emplace_back("verbosity", "0");
  if (encoding.has_categorical()) params.emplace_back("tree_method", "hist");
  for (const auto& p : options.params) params.push_back(p);
  for (const std::string& metric : options.eval_metrics) params.emplace_back("eval_metric", metric);
  for (const auto& [key, value] : params) {
    KEEL_RETURN_IF_ERROR(Check(XGBoosterSetParam(booster, key.c_str(), value.c_str()),
                               "parameter " + key + "=" + value, /*user_error=*/true));
  }

  std::vector<DMatrixHandle> evals = {dtrain->get()};
  std::vector<const char*> eval_names = {"train"};
  if (dvalid) {
    evals.push_back(dvalid->get());
    eval_names.push_back("validation");
  }
  double best_score = 0;
  int best_round = -1;
  bool stopped_early = false;
  for (int round = 0; round < options.num_boost_round; ++round) {
    // The first round is where XGBoost checks the parameters against the data.
    KEEL_RETURN_IF_ERROR(Check(XGBoosterUpdateOneIter(booster, round, dtrain->get()),
                               "boosting round " + std::to_string(round), round == 0));
    const char* eval_text = nullptr;
    KEEL_RETURN_IF_ERROR(Check(XGBoosterEvalOneIter(booster, round, evals.data(), eval_names.data(),
                                                    evals.size(), &eval_text),
                               "evaluating round " + std::to_string(round)));
    KEEL_ASSIGN_OR_RETURN(IterationMetrics metrics, ParseEvalLine(eval_text));
    if (options.on_iteration) options.on_iteration(round, metrics);
    if (options.early_stopping_rounds == 0 || metrics.empty()) continue;
    // The validation metrics follow the train ones; XGBoost stops on the last.
    const auto& [name, score] = metrics.back();
    bool maximize = HigherIsBetter(name.substr(name.find('-') + 1));
    if (best_round < 0 || (maximize ? score > best_score : score < best_score)) {
      best_score = score;
      best_round = round;
    } else if (round - best_round >= options.early_stopping_rounds) {
      stopped_early = true;
      break;
    }
  }
  if (options.early_stopping_rounds > 0) {
    XgboostModelFactory::SetBestIteration(model.get(), best_round);
    // Keep the rounds up to the best one, so the saved model is the one the metrics describe.
    int rounds = model->boosted_rounds();
    if (stopped_early || best_round + 1 < rounds) {
      BoosterHandle sliced = nullptr;
      KEEL_RETURN_IF_ERROR(
          Check(XGBoosterSlice(booster, 0, best_round + 1, 1, &sliced), "keeping the best rounds"));
      XGBoosterFree(booster);
      XgboostModelFactory::SetBooster(model.get(), sliced);
    }
  }
  KEEL_RETURN_IF_ERROR(
      xgb_internal::SetBoosterFeatureInfo(model->booster_handle(), "feature_name", names));
  KEEL_RETURN_IF_ERROR(
      xgb_internal::SetBoosterFeatureInfo(model->booster_handle(), "feature_type", types));
  return model;
}

}  // namespace keel::ml
