// TrackingService: run artifacts and the mlflow-artifacts proxy.

#include "tracking/tracking_internal.h"
#include "tracking/tracking_service.h"

namespace keel::tracking {

Result<ArtifactListing> TrackingService::ListRunArtifacts(const catalog::Principal& caller,
                                                          std::string_view run_id,
                                                          std::string_view path) const {
  KEEL_ASSIGN_OR_RETURN(RunInfo run, AuthorizeRun(caller, run_id, PermissionLevel::kCanRead));
  if (run.artifact_uri.rfind(kArtifactProxyScheme, 0) != 0) {
    return Status::Internal("run " + run.run_id + " has an artifact URI Keel did not make");
  }
  std::string base = run.artifact_uri.substr(kArtifactProxyScheme.size());
  ArtifactListing listing;
  listing.root_uri = run.artifact_uri;
  KEEL_ASSIGN_OR_RETURN(listing.files, artifacts_->List(base, path));
  return listing;
}

Status TrackingService::UploadRunArtifact(const catalog::Principal& caller,
                                          std::string_view run_id, std::string_view path,
                                          std::string_view data) {
  KEEL_ASSIGN_OR_RETURN(RunInfo run, AuthorizeRun(caller, run_id, PermissionLevel::kCanEdit));
  KEEL_RETURN_IF_ERROR(internal::RequireActive(run));
  return artifacts_->Put(run.artifact_uri.substr(kArtifactProxyScheme.size()), path, data);
}

Result<std::string> TrackingService::DownloadRunArtifact(const catalog::Principal& caller,
                                                         std::string_view run_id,
                                                         std::string_view path) const {
  KEEL_ASSIGN_OR_RETURN(RunInfo run, AuthorizeRun(caller, run_id, PermissionLevel::kCanRead));
  return artifacts_->Get(run.artifact_uri.substr(kArtifactProxyScheme.size()), path);
}

Result<std::pair<std::string, std::string>> TrackingService::AuthorizeProxyPath(
    const catalog::Principal& caller, std::string_view proxy_path, PermissionLevel needed) const {
  while (!proxy_path.empty() && proxy_path.front() == '/') proxy_path.remove_prefix(1);
  size_t slash = proxy_path.find('/');
  std::string experiment(proxy_path.substr(0, slash));
  std::string rest(slash == std::string_view::npos ? "" : proxy_path.substr(slash + 1));
  if (experiment.empty() || !internal::ParseExperimentId(experiment).ok()) {
    return Status::InvalidArgument("artifact paths start with an experiment id, as in "
                                   "<experiment_id>/<run_id>/artifacts/<path>");
  }
  KEEL_RETURN_IF_ERROR(AuthorizeExperiment(caller, experiment, needed));
  return std::make_pair(experiment, rest);
}

Status TrackingService::UploadArtifact(const catalog::Principal& caller,
                                       std::string_view proxy_path, std::string_view data) {
  KEEL_ASSIGN_OR_RETURN(auto parts,
                        AuthorizeProxyPath(caller, proxy_path, PermissionLevel::kCanEdit));
  if (parts.second.empty()) return Status::InvalidArgument("the artifact path names no file");
  return artifacts_->Put(parts.first, parts.second, data);
}

Result<std::string> TrackingService::DownloadArtifact(const catalog::Principal& caller,
                                                      std::string_view proxy_path) const {
  KEEL_ASSIGN_OR_RETURN(auto parts,
                        AuthorizeProxyPath(caller, proxy_path, PermissionLevel::kCanRead));
  return artifacts_->Get(parts.first, parts.second);
}

Status TrackingService::UploadArtifactFile(const catalog::Principal& caller,
                                           std::string_view proxy_path, const std::string& file) {
  KEEL_ASSIGN_OR_RETURN(auto parts,
                        AuthorizeProxyPath(caller, proxy_path, PermissionLevel::kCanEdit));
  if (parts.second.empty()) return Status::InvalidArgument("the artifact path names no file");
  return artifacts_->PutFile(parts.first, parts.second, file);
}

Result<std::unique_ptr<RandomAccessFile>> TrackingService::OpenArtifact(
    const catalog::Principal& caller, std::string_view proxy_path) const {
  KEEL_ASSIGN_OR_RETURN(auto parts,
                        AuthorizeProxyPath(caller, proxy_path, PermissionLevel::kCanRead));
  return artifacts_->Open(parts.first, parts.second);
}

Result<std::vector<ArtifactEntry>> TrackingService::ListProxyArtifacts(
    const catalog::Principal& caller, std::string_view proxy_path) const {
  KEEL_ASSIGN_OR_RETURN(auto parts,
                        AuthorizeProxyPath(caller, proxy_path, PermissionLevel::kCanRead));
  return artifacts_->List(parts.first, parts.second);
}

Status TrackingService::DeleteArtifact(const catalog::Principal& caller,
                                       std::string_view proxy_path) {
  KEEL_ASSIGN_OR_RETURN(auto parts,
                        AuthorizeProxyPath(caller, proxy_path, PermissionLevel::kCanEdit));
  if (parts.second.empty()) return Status::InvalidArgument("the artifact path names no file");
  return artifacts_->Delete(parts.first, parts.second);
}

}  // namespace keel::tracking
