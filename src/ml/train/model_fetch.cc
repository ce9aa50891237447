#include "ml/train/model_fetch.h"

#include "ml/model_loader.h"
#include "ml/train/tracked_run.h"

namespace keel::ml {

namespace {

// Copies the run artifacts under `path` into `dest`, directory by directory.
Status DownloadRunTree(const MlContext& ctx, const std::string& run_id, const std::string& path,
                       const std::string& dest, int depth) {
  if (depth > 16) return Status::InvalidArgument("model directory nests too deeply");
  KEEL_ASSIGN_OR_RETURN(tracking::ArtifactListing listing,
                        ctx.tracking->ListRunArtifacts(ctx.caller, run_id, path));
  KEEL_RETURN_IF_ERROR(ctx.fs->CreateDirs(dest));
  for (const tracking::ArtifactEntry& entry : listing.files) {
    // Entries are paths from the run's artifact root ("model/MLmodel").
    std::string name = entry.path.substr(
        entry.path.rfind('/') == std::string::npos ? 0 : entry.path.rfind('/') + 1);
    if (entry.is_dir) {
      KEEL_RETURN_IF_ERROR(
          DownloadRunTree(ctx, run_id, entry.path, JoinPath(dest, name), depth + 1));
      continue;
    }
    KEEL_ASSIGN_OR_RETURN(std::string data,
                          ctx.tracking->DownloadRunArtifact(ctx.caller, run_id, entry.path));
    KEEL_RETURN_IF_ERROR(ctx.fs->WriteFileAtomic(JoinPath(dest, name), data));
  }
  return Status::OK();
}

}  // namespace

Result<FetchedModel> FetchModel(const MlContext& ctx, std::string_view uri) {
  KEEL_ASSIGN_OR_RETURN(auto scratch, ScratchDir::Make(ctx));
  const std::string dir = JoinPath(scratch->path(), "model");
  if (uri.starts_with("models:/")) {
    KEEL_RETURN_IF_ERROR(ctx.registry->DownloadModel(ctx.caller, uri, dir).status());
  } else if (uri.starts_with("runs:/")) {
    std::string_view rest = uri.substr(6);
    while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
    size_t slash = rest.find('/');
    std::string run_id(rest.substr(0, slash));
    std::string path(slash == std::string_view::npos ? "" : rest.substr(slash + 1));
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (run_id.empty() || path.empty() || path.find("..") != std::string::npos) {
      return Status::InvalidArgument("model URI '" + std::string(uri) +
                                     "' should look like runs:/<run_id>/model");
    }
    KEEL_RETURN_IF_ERROR(DownloadRunTree(ctx, run_id, path, dir, 0));
  } else {
    return Status::InvalidArgument("model URI '" + std::string(uri) +
                                   "' is not models:/<catalog.schema.model>/<version>, "
                                   "models:/<name>@<alias> or runs:/<run_id>/<path>");
  }
  FetchedModel fetched;
  fetched.uri = std::string(uri);
  KEEL_ASSIGN_OR_RETURN(fetched.mlmodel, registry::ReadMlModel(ctx.fs, dir));
  KEEL_ASSIGN_OR_RETURN(fetched.model, LoadModel(ctx.fs, dir));
  if (fetched.mlmodel.metadata.is_object()) {
    if (const json::Value* keel = fetched.mlmodel.metadata.Find("keel_training")) {
      if (const json::Value* label = keel->Find("label"); label && label->is_string()) {
        fetched.label = label->as_string();
      }
      if (const json::Value* problem = keel->Find("problem"); problem && problem->is_string()) {
        fetched.problem = problem->as_string();
      }
    }
  }
  return fetched;
}

}  // namespace keel::ml
