#include "cli/workspace.h"

#include "common/fs/file_system.h"
#include "metastore/migrations/migration.h"
#include "metastore/sqlite/sqlite_database.h"

namespace keel::cli {

Result<Workspace> Workspace::Open(Args& args, bool allow_uninitialised) {
  KEEL_ASSIGN_OR_RETURN(auto home_flag, args.Flag("home"));
  KEEL_ASSIGN_OR_RETURN(std::string home, ResolveHome(home_flag));
  Workspace ws;
  KEEL_ASSIGN_OR_RETURN(ws.config, LoadConfig(home));
  FileSystem* fs = FileSystem::Default();
  KEEL_ASSIGN_OR_RETURN(bool exists, fs->Exists(ws.config.metastore_path()));
  if (!exists && !allow_uninitialised) {
    return Status::NotFound("no Keel workspace at " + home + "; run 'keel init --home " + home +
                            "' first (or set KEEL_HOME)");
  }
  KEEL_RETURN_IF_ERROR(fs->CreateDirs(home));
  KEEL_RETURN_IF_ERROR(fs->CreateDirs(ws.config.storage_root()));
  KEEL_ASSIGN_OR_RETURN(ws.db, metastore::OpenSqliteDatabase(ws.config.metastore_path()));
  KEEL_RETURN_IF_ERROR(metastore::ApplyMigrations(*ws.db));
  catalog::CatalogServiceOptions options;
  options.storage_root = ws.config.storage_root();
  ws.catalog = std::make_unique<catalog::CatalogService>(ws.db.get(), options);
  tracking::TrackingServiceOptions tracking_options;
  tracking_options.artifact_root = ws.config.storage_root() + "/artifacts";
  ws.tracking = std::make_unique<tracking::TrackingService>(ws.db.get(), tracking_options);
  ws.tables = std::make_unique<catalog::TableService>(ws.catalog.get(), fs);
  ws.registry = std::make_unique<registry::RegistryService>(ws.db.get(), ws.catalog.get(),
                                                            ws.tracking.get(), fs);
  jobs::JobServiceOptions job_options;
  job_options.log_root = home + "/jobs/logs";
  ws.jobs = std::make_unique<jobs::JobService>(ws.db.get(), ws.catalog.get(), job_options);
  return ws;
}

Result<catalog::Principal> Workspace::Caller(Args& args) const {
  KEEL_ASSIGN_OR_RETURN(auto token, args.Flag("token"));
  std::string value = token ? *token : config.token;  // config already applied KEEL_TOKEN
  if (value.empty()) {
    return Status::Unauthenticated(
        "no token: pass --token, set KEEL_TOKEN, or run 'keel init' "
        "to create a workspace with an admin token");
  }
  return catalog->Authenticate(value);
}

Result<Session> OpenSession(Args& args) {
  Session s;
  KEEL_ASSIGN_OR_RETURN(s.ws, Workspace::Open(args));
  KEEL_ASSIGN_OR_RETURN(s.caller, s.ws.Caller(args));
  KEEL_ASSIGN_OR_RETURN(s.format, TakeOutputFormat(args));
  return s;
}

}  // namespace keel::cli
