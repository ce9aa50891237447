#pragma once

#include <memory>
#include <string>

#include "catalog/catalog_service.h"
#include "catalog/table_service.h"
#include "cli/args.h"
#include "cli/output.h"
#include "common/config.h"
#include "jobs/job_service.h"
#include "metastore/database.h"
#include "registry/registry_service.h"
#include "tracking/tracking_service.h"

namespace keel::cli {

// An opened workspace: its config, the metastore (migrated) and the services over it. The
// composition root of every command: the CLI talks to the embedded metastore directly and goes
// through the same services (and so the same authorization) as the server.
struct Workspace {
  Config config;
  std::unique_ptr<metastore::Database> db;
  std::unique_ptr<catalog::CatalogService> catalog;
  std::unique_ptr<tracking::TrackingService> tracking;
  std::unique_ptr<catalog::TableService> tables;
  std::unique_ptr<registry::RegistryService> registry;
  std::unique_ptr<jobs::JobService> jobs;

  // Takes --home from `args`. The workspace must have been made by `keel init` unless
  // `allow_uninitialised` (only init itself).
  static Result<Workspace> Open(Args& args, bool allow_uninitialised = false);

  // The principal the CLI acts as: --token, else KEEL_TOKEN, else the token `keel init` saved
  // in the config. Takes --token from `args`.
  Result<catalog::Principal> Caller(Args& args) const;
};

// What most commands need: the workspace, the caller and the output format, taken from the
// flags (--home, --token, --output) before the command's own.
struct Session {
  Workspace ws;
  catalog::Principal caller;
  OutputFormat format = OutputFormat::kText;
};
Result<Session> OpenSession(Args& args);

}  // namespace keel::cli
