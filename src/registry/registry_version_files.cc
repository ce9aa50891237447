// RegistryService: registering a version (resolving its source, copying the files into the
// model's managed storage) and serving those files (mlflow-artifacts proxy, local download).

#include <algorithm>
#include <functional>
#include <memory>

#include "catalog/names.h"
#include "registry/lineage.h"
#include "registry/mlmodel.h"
#include "registry/model_version_store.h"
#include "registry/registry_internal.h"
#include "registry/registry_service.h"

namespace keel::registry {

using catalog::Principal;
using catalog::SecurableInfo;
using internal::Access;
using metastore::Transaction;
using tracking::ArtifactEntry;
using tracking::ArtifactStore;

namespace {

constexpr size_t kMaxModelFiles = 100000;
constexpr size_t kMaxTreeDepth = 32;
constexpr size_t kMaxSourceBytes = 4096;
using tracking::kArtifactProxyScheme;

// A directory tree to copy from: lists a directory and opens a file, both by paths relative
// to the tree's root. Listed paths are relative to the root too.
struct SourceTree {
  std::function<Result<std::vector<ArtifactEntry>>(const std::string& dir)> list;
  std::function<Result<std::unique_ptr<RandomAccessFile>>(const std::string& file)> open;
};

std::string Shown(std::string_view s) { return std::string(s.substr(0, 300)); }

// Every file under the tree, depth first, with the limits that keep a hostile tree bounded.
Status CollectFiles(const SourceTree& tree, const std::string& dir, size_t depth,
                    std::vector<std::string>* files) {
  if (depth > kMaxTreeDepth) {
    return Status::InvalidArgument("the model's files nest deeper than " +
                                   std::to_string(kMaxTreeDepth) + " directories");
  }
  KEEL_ASSIGN_OR_RETURN(auto entries, tree.list(dir));
  for (const ArtifactEntry& e : entries) {
    if (e.is_dir) {
      KEEL_RETURN_IF_ERROR(CollectFiles(tree, e.path, depth + 1, files));
    } else {
      files->push_back(e.path);
      if (files->size() > kMaxModelFiles) {
        return Status::InvalidArgument("the model has more than " + std::to_string(kMaxModelFiles) +
                                       " files");
      }
    }
  }
  return Status::OK();
}

Result<std::string> ReadWhole(RandomAccessFile& file, uint64_t limit, std::string_view what) {
  if (file.size() > limit) {
    return Status::InvalidArgument(std::string(what) + " is larger than " + std::to_string(limit) +
                                   " bytes");
  }
  std::string out;
  KEEL_RETURN_IF_ERROR(file.ReadAt(0, static_cast<size_t>(file.size()), &out));
  return out;
}

// Copies every file of `tree` into `dest` under `base`, each one atomically.
Status CopyTree(const SourceTree& tree, const std::vector<std::string>& files, ArtifactStore& dest,
                std::string_view base) {
  for (const std::string& file : files) {
    KEEL_ASSIGN_OR_RETURN(auto in, tree.open(file));
    KEEL_RETURN_IF_ERROR(dest.PutFrom(base, file, *in));
  }
  return Status::OK();
}

// The files of a registered version.
SourceTree VersionTree(const ModelVersion& v) {
  auto store = std::make_shared<ArtifactStore>(v.storage_location);
  return SourceTree{
      [store](const std::string& dir) { return store->List("", dir); },
      [store](const std::string& file) { return store->Open("", file); },
  };
}

// The files under a tracking artifact directory, "<experiment>/<rest>" as the
// mlflow-artifacts proxy names it, read with the caller's permissions.
SourceTree TrackingTree(const tracking::TrackingService* tracking, const Principal& caller,
                        const std::string& proxy_dir) {
  // Listed paths are relative to the experiment; make them relative to proxy_dir.
  std::string experiment = proxy_dir.substr(0, proxy_dir.find('/'));
  std::string prefix = proxy_dir.size() > experiment.size()
                           ? proxy_dir.substr(experiment.size() + 1) + "/"
                           : std::string();
  return SourceTree{
      [=](const std::string& dir) -> Result<std::vector<ArtifactEntry>> {
        KEEL_ASSIGN_OR_RETURN(auto entries,
                              tracking->ListProxyArtifacts(caller, JoinPath(proxy_dir, dir)));
        for (ArtifactEntry& e : entries) {
          if (e.path.compare(0, prefix.size(), prefix) == 0) e.path = e.path.substr(prefix.size());
        }
        return entries;
      },
      [=](const std::string& file) {
        return tracking->OpenArtifact(caller, JoinPath(proxy_dir, file));
      },
  };
}

// What a version's source resolved to.
struct ResolvedSource {
  SourceTree tree;
  std::string run_id;                // the run that produced it, when known
  std::optional<Lineage> inherited;  // a copy of a registered version keeps its lineage
};

// "<experiment>/<run>/artifacts/<path>" -> the run id, if the path has that shape.
std::string RunIdOfProxyPath(const std::string& proxy) {
  size_t a = proxy.find('/');
  if (a == std::string::npos) return "";
  size_t b = proxy.find('/', a + 1);
  if (b == std::string::npos) return "";
  std::string third = proxy.substr(b + 1, proxy.find('/', b + 1) - b - 1);
  if (third != "artifacts") return "";
  std::string run = proxy.substr(a + 1, b - a - 1);
  return run == "models" ? "" : run;
}

// A proxy path from an artifact URI (mlflow-artifacts:/...) and a relative path, checked.
Result<std::string> ProxyPath(std::string_view artifact_uri, std::string_view path) {
  if (artifact_uri.substr(0, kArtifactProxyScheme.size()) != kArtifactProxyScheme) {
    return Status::InvalidArgument("artifacts at '" + Shown(artifact_uri) +
                                   "' are outside Keel's artifact store; Keel registers models "
                                   "from runs:/, mlflow-artifacts:/ or models:/ sources");
  }
  std::string_view rest = artifact_uri.substr(kArtifactProxyScheme.size());
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  std::string joined = JoinPath(rest, path);
  KEEL_ASSIGN_OR_RETURN(std::string clean, ArtifactStore::NormalizeRelativePath(joined));
  if (clean.empty()) return Status::InvalidArgument("the model source names no directory");
  return clean;
}

}  // namespace

Result<ModelVersion> RegistryService::CreateModelVersion(const Principal& caller,
                                                         const CreateModelVersionRequest& req) {
  if (req.source.empty()) return Status::InvalidArgument("source must not be empty");
  if (req.source.size() > kMaxSourceBytes || req.run_link.size() > kMaxSourceBytes) {
    return Status::InvalidArgument("source and run_link must be at most " +
                                   std::to_string(kMaxSourceBytes) + " bytes");
  }
  if (req.run_id.size() > 64) return Status::InvalidArgument("run_id is too long");
  KEEL_RETURN_IF_ERROR(internal::ValidateDescription(req.description));
  for (const auto& [key, value] : req.tags) KEEL_RETURN_IF_ERROR(catalog::ValidateTag(key, value));
  // Fail on permissions before touching the source.
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, req.name));
    return internal::Require(tx, caller, model, Access::kManage);
  }));

  // Resolve the source to a tree of files the caller may read.
  ResolvedSource source;
  std::optional<tracking::Run> source_run;  // fetched once, for the tree and the lineage
  std::string_view uri = req.source;
  if (uri.substr(0, 6) == "runs:/") {
    std::string_view rest = uri.substr(6);
    while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
    std::string run_id(rest.substr(0, rest.find('/')));
    std::string path(rest.size() > run_id.size() ? rest.substr(run_id.size() + 1) : "");
    KEEL_ASSIGN_OR_RETURN(source_run, tracking_->GetRun(caller, run_id));
    KEEL_ASSIGN_OR_RETURN(std::string proxy, ProxyPath(source_run->info.artifact_uri, path));
    source.tree = TrackingTree(tracking_, caller, proxy);
    source.run_id = run_id;
  } else if (uri.substr(0, kArtifactProxyScheme.size()) == kArtifactProxyScheme) {
    KEEL_ASSIGN_OR_RETURN(std::string proxy, ProxyPath(uri, ""));
    if (proxy.compare(0, kRegistryArtifactPrefix.size(), kRegistryArtifactPrefix) == 0) {
      return Status::InvalidArgument(
          "to copy a registered version, use its models:/ URI as "
          "the source");
    }
    source.tree = TrackingTree(tracking_, caller, proxy);
    source.run_id = RunIdOfProxyPath(proxy);
  } else if (uri.substr(0, 8) == "models:/") {
    KEEL_ASSIGN_OR_RETURN(ModelUri parsed, ParseModelUri(uri));
    if (!parsed.logged_model_id.empty()) {
      KEEL_ASSIGN_OR_RETURN(auto logged, tracking_->GetLoggedModel(caller, parsed.logged_model_id));
      KEEL_ASSIGN_OR_RETURN(std::string proxy, ProxyPath(logged.info.artifact_uri, ""));
      source.tree = TrackingTree(tracking_, caller, proxy);
      source.run_id = logged.info.source_run_id;
    } else {
      if (!parsed.sub_path.empty()) {
        return Status::InvalidArgument("a models:/ source names a whole version, not a path in it");
      }
      KEEL_ASSIGN_OR_RETURN(ModelVersion from, ResolveModelUri(caller, uri));
      source.tree = VersionTree(from);
      source.run_id = from.run_id;
      source.inherited = from.lineage;
    }
  } else {
    return Status::InvalidArgument("source '" + Shown(uri) +
                                   "' is not one Keel can copy; use runs:/<run_id>/<path>, "
                                   "mlflow-artifacts:/<path> or models:/<name>/<version>");
  }

  // The source must be a model: an MLmodel file Keel can read.
  std::vector<std::string> files;
  KEEL_RETURN_IF_ERROR(CollectFiles(source.tree, "", 0, &files));
  if (std::find(files.begin(), files.end(), kMlModelFileName) == files.end()) {
    return Status::InvalidArgument("source '" + Shown(uri) +
                                   "' holds no MLmodel file; log the model with "
                                   "mlflow.<flavor>.log_model (or Keel's ml layer) first");
  }
  {
    KEEL_ASSIGN_OR_RETURN(auto mlmodel_file, source.tree.open(std::string(kMlModelFileName)));
    KEEL_ASSIGN_OR_RETURN(std::string text,
                          ReadWhole(*mlmodel_file, kMaxMlModelFileBytes, kMlModelFileName));
    auto parsed = ParseMlModel(text);
    if (!parsed.ok()) {
      return Status::InvalidArgument("source '" + Shown(uri) +
                                     "' has an invalid MLmodel file: " + parsed.status().message());
    }
  }

  std::string run_id = req.run_id.empty() ? source.run_id : req.run_id;
  Lineage lineage;
  if (source.inherited) {
    lineage = *source.inherited;
  } else if (!run_id.empty()) {
    if (!source_run || source_run->info.run_id != run_id) {
      KEEL_ASSIGN_OR_RETURN(source_run, tracking_->GetRun(caller, run_id));
    }
    lineage = LineageOfRun(*source_run);
  }

  // Take the version number and record it as pending; versions whose registration was cut off
  // long ago are marked failed on the way.
  ModelVersion v;
  SecurableInfo model;
  std::vector<ModelVersion> abandoned;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(model, internal::FindModel(tx, req.name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kManage));
    KEEL_ASSIGN_OR_RETURN(
        abandoned, ModelVersionStore::FailStalePending(
                       tx, model.id, Now() - options_.stale_pending_millis,
                       "the registration was interrupted (the server stopped while copying the "
                       "files); register the source again",
                       Now()));
    KEEL_ASSIGN_OR_RETURN(v.version, ModelVersionStore::TakeNextVersion(tx, model.id));
    v.model_id = model.id;
    v.model_name = model.full_name;
    v.source = req.source;
    v.run_id = run_id;
    v.run_link = req.run_link;
    v.description = req.description;
    v.status = VersionStatus::kPendingRegistration;
    v.user_id = caller.name;
    v.creation_timestamp = v.last_updated_timestamp = Now();
    v.lineage = lineage;
    v.storage_location = model.storage_location + "/versions/" + std::to_string(v.version);
    KEEL_RETURN_IF_ERROR(ModelVersionStore::Insert(tx, v));
    for (const auto& [key, value] : req.tags) {
      KEEL_RETURN_IF_ERROR(ModelVersionStore::SetTag(tx, model.id, v.version, key, value));
    }
    return Status::OK();
  }));

  for (const ModelVersion& gone : abandoned) (void)fs_->RemoveAll(gone.storage_location);

  // Copy the files; the version becomes READY only when all of them are in place.
  ArtifactStore dest(model.storage_location);
  Status copied = CopyTree(source.tree, files, dest, "versions/" + std::to_string(v.version));
  if (copied.ok()) {
    // Check the copy, not only the source: the source may have changed after it was checked.
    auto mlmodel = ReadMlModel(fs_, v.storage_location);
    if (!mlmodel.ok()) {
      copied = Status::InvalidArgument(
          "the copied model has no valid MLmodel file (the source "
          "changed while it was registered?): " +
          mlmodel.status().message());
    }
  }
  if (!copied.ok()) {
    (void)fs_->RemoveAll(v.storage_location);
    Status marked = db_->Write([&](Transaction& tx) {
      return ModelVersionStore::SetStatus(tx, model.id, v.version,
                                          VersionStatus::kFailedRegistration,
                                          copied.message().substr(0, 1000), Now());
    });
    (void)marked;  // the copy error is what the caller needs to see
    return copied;
  }
  ModelVersion out;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_RETURN_IF_ERROR(
        ModelVersionStore::SetStatus(tx, model.id, v.version, VersionStatus::kReady, "", Now()));
    json::Value details;
    details.Set("source", req.source);
    details.Set("run_id", run_id);
    KEEL_RETURN_IF_ERROR(internal::RecordEvent(tx, kEventVersionCreated, model, v.version, "",
                                               caller, Now(), details.Dump()));
    KEEL_ASSIGN_OR_RETURN(out, internal::FindVersion(tx, model, v.version));
    return Status::OK();
  }));
  return out;
}

namespace {

// "registry/models/<model id>/versions/<N>[/<path>]" split into its parts.
struct VersionFilePath {
  std::string model_id;
  int64_t version = 0;
  std::string path;
};

Result<VersionFilePath> ParseVersionFilePath(std::string_view proxy_path) {
  while (!proxy_path.empty() && proxy_path.front() == '/') proxy_path.remove_prefix(1);
  auto bad = [&] {
    return Status::InvalidArgument("registry artifact paths look like " +
                                   std::string(kRegistryArtifactPrefix) +
                                   "<model id>/versions/<version>/<file>");
  };
  if (proxy_path.substr(0, kRegistryArtifactPrefix.size()) != kRegistryArtifactPrefix) return bad();
  std::string_view rest = proxy_path.substr(kRegistryArtifactPrefix.size());
  VersionFilePath out;
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return bad();
  out.model_id = std::string(rest.substr(0, slash));
  rest = rest.substr(slash + 1);
  if (rest.substr(0, 9) != "versions/") return bad();
  rest = rest.substr(9);
  slash = rest.find('/');
  KEEL_ASSIGN_OR_RETURN(out.version, ParseVersionNumber(rest.substr(0, slash)));
  if (slash != std::string_view::npos) out.path = std::string(rest.substr(slash + 1));
  return out;
}

// The READY version a registry proxy path names, with EXECUTE checked.
Result<ModelVersion> FindReadableVersion(metastore::Database* db, const Principal& caller,
                                         const VersionFilePath& p) {
  ModelVersion out;
  KEEL_RETURN_IF_ERROR(db->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModelById(tx, p.model_id));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kExecute));
    KEEL_ASSIGN_OR_RETURN(out, internal::FindVersion(tx, model, p.version));
    if (out.status != VersionStatus::kReady) {
      return Status::NotFound(internal::DescribeVersion(model.full_name, p.version) +
                              " has no files yet (" + std::string(VersionStatusName(out.status)) +
                              ")");
    }
    return Status::OK();
  }));
  return out;
}

}  // namespace

Result<std::vector<ArtifactEntry>> RegistryService::ListVersionFiles(
    const Principal& caller, std::string_view proxy_path) const {
  KEEL_ASSIGN_OR_RETURN(VersionFilePath p, ParseVersionFilePath(proxy_path));
  KEEL_ASSIGN_OR_RETURN(ModelVersion v, FindReadableVersion(db_, caller, p));
  return ArtifactStore(v.storage_location).List("", p.path);
}

Result<std::unique_ptr<RandomAccessFile>> RegistryService::OpenVersionFile(
    const Principal& caller, std::string_view proxy_path) const {
  KEEL_ASSIGN_OR_RETURN(VersionFilePath p, ParseVersionFilePath(proxy_path));
  if (p.path.empty()) return Status::InvalidArgument("the artifact path names no file");
  KEEL_ASSIGN_OR_RETURN(ModelVersion v, FindReadableVersion(db_, caller, p));
  return ArtifactStore(v.storage_location).Open("", p.path);
}

Result<ModelVersion> RegistryService::DownloadModel(const Principal& caller, std::string_view uri,
                                                    const std::string& dest) const {
  KEEL_ASSIGN_OR_RETURN(ModelVersion v, ResolveModelUri(caller, uri));
  SourceTree tree = VersionTree(v);
  std::vector<std::string> files;
  KEEL_RETURN_IF_ERROR(CollectFiles(tree, "", 0, &files));
  ArtifactStore out(dest);
  KEEL_RETURN_IF_ERROR(CopyTree(tree, files, out, ""));
  return v;
}

}  // namespace keel::registry
