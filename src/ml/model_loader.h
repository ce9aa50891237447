#pragma once

#include <memory>
#include <string>

#include "common/fs/file_system.h"
#include "common/result.h"
#include "ml/model.h"

namespace keel::ml {

// Loads the model in `model_dir` (an MLflow model directory: an MLmodel file and the files its
// flavors name) with the first flavor, in the MLmodel's order, that Keel can load: keel_linear or
// xgboost.
// Errors: kResourceDoesNotExist when the directory has no MLmodel; kInvalidParameterValue when no
// flavor is supported, naming the flavors found and those Keel loads; kCorruption naming the file
// for a bad MLmodel or model file; kIOError from the file system.
Result<std::unique_ptr<Model>> LoadModel(FileSystem* fs, const std::string& model_dir);

}  // namespace keel::ml
