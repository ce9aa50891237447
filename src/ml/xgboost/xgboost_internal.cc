#include "ml/xgboost/xgboost_internal.h"

#include <cmath>

namespace keel::ml::xgb_internal {

namespace {

std::vector<const char*> CStrings(const std::vector<std::string>& values) {
  std::vector<const char*> out;
  out.reserve(values.size());
  for (const std::string& v : values) out.push_back(v.c_str());
  return out;
}

}  // namespace

Status Check(int rc, std::string_view what, bool user_error) {
  if (rc == 0) return Status::OK();
  std::string message = std::string(what) + ": XGBoost says: " + XGBGetLastError();
  // XGBoost's messages start with a source location ("[12:00:00] ../src/learner.cc:1230: ").
  return user_error ? Status::InvalidArgument(message) : Status::Internal(message);
}

DMatrix::~DMatrix() {
  if (handle_ != nullptr) XGDMatrixFree(handle_);
}

Result<std::unique_ptr<DMatrix>> DMatrix::Make(const std::vector<float>& features, int64_t num_rows,
                                               int64_t num_features,
                                               const std::vector<std::string>& feature_types,
                                               const std::vector<std::string>& feature_names,
                                               const std::vector<double>* labels) {
  auto m = std::make_unique<DMatrix>();
  KEEL_RETURN_IF_ERROR(Check(
      XGDMatrixCreateFromMat(features.data(), num_rows, num_features, std::nanf(""), &m->handle_),
      "building the training matrix"));
  std::vector<const char*> types = CStrings(feature_types);
  KEEL_RETURN_IF_ERROR(
      Check(XGDMatrixSetStrFeatureInfo(m->handle_, "feature_type", types.data(), types.size()),
            "setting feature types"));
  std::vector<const char*> names = CStrings(feature_names);
  KEEL_RETURN_IF_ERROR(
      Check(XGDMatrixSetStrFeatureInfo(m->handle_, "feature_name", names.data(), names.size()),
            "setting feature names"));
  if (labels != nullptr) {
    std::vector<float> label_floats(labels->begin(), labels->end());
    KEEL_RETURN_IF_ERROR(
        Check(XGDMatrixSetFloatInfo(m->handle_, "label", label_floats.data(), label_floats.size()),
              "setting labels"));
  }
  return m;
}

Status SetBoosterFeatureInfo(BoosterHandle booster, const char* field,
                             const std::vector<std::string>& values) {
  std::vector<const char*> c_values = CStrings(values);
  return Check(XGBoosterSetStrFeatureInfo(booster, field, c_values.data(), c_values.size()),
               std::string("setting the booster's ") + field);
}

std::vector<std::string> FeatureTypes(const FeatureEncoding& encoding) {
  std::vector<std::string> out;
  for (const FeatureInfo& f : encoding.features()) {
    out.push_back(f.kind == FeatureKind::kCategorical ? "c" : "q");
  }
  return out;
}

}  // namespace keel::ml::xgb_internal
