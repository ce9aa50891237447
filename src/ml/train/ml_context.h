#pragma once

#include <string>

#include "catalog/principal.h"
#include "catalog/table_service.h"
#include "common/clock.h"
#include "common/fs/file_system.h"
#include "registry/registry_service.h"
#include "tracking/tracking_service.h"

namespace keel::ml {

// What training, tuning, evaluation, profiling and AutoML work with: the services they go
// through (so the caller's grants apply to every table read, run and model) and who is asking.
struct MlContext {
  catalog::TableService* tables = nullptr;
  tracking::TrackingService* tracking = nullptr;
  registry::RegistryService* registry = nullptr;
  FileSystem* fs = nullptr;
  const Clock* clock = Clock::System();
  catalog::Principal caller;
  // Where the code lives (the CLI's working directory): its git commit is recorded on every
  // run. Empty: none.
  std::string source_dir;
  // mlflow.source.name of the runs, e.g. "keel train churn.yaml".
  std::string source_name = "keel";
  // Parent of the temporary directories models are saved into before upload.
  std::string scratch_root = "/tmp";
};

}  // namespace keel::ml
