#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "ml/model.h"
#include "ml/train/ml_context.h"
#include "registry/mlmodel.h"

namespace keel::ml {

// A model loaded from a URI, with its MLmodel (for the label and problem Keel's training saved).
struct FetchedModel {
  std::unique_ptr<Model> model;
  registry::MlModel mlmodel;
  std::string uri;
  // The label column and problem recorded by Keel's training (metadata.keel_training), or empty.
  std::string label;
  std::string problem;
};

// Loads the model `uri` names, as ctx.caller: "models:/catalog.schema.model/3" or "@alias"
// (EXECUTE on the model) or "runs:/<run_id>/<path>" (read access to the run's experiment). The
// files are copied into a scratch directory under ctx.scratch_root, loaded, and removed.
// Errors: kInvalidParameterValue for another scheme; the registry's and tracking's errors
// (kResourceDoesNotExist, kPermissionDenied); ml::LoadModel's errors.
Result<FetchedModel> FetchModel(const MlContext& ctx, std::string_view uri);

}  // namespace keel::ml
