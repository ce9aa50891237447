// Artifacts: MLflow's artifacts/list and the mlflow-artifacts proxy API through which clients
// upload and download run and logged-model artifacts.

#include "registry/registry_service.h"
#include "server/handlers/handlers.h"
#include "tracking/tracking_service.h"

namespace keel::server::handlers {

namespace {

// Registered model versions are served read-only under registry/models/... by the registry;
// everything else is a tracking artifact.
bool IsRegistryPath(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return path.substr(0, registry::kRegistryArtifactPrefix.size()) ==
         registry::kRegistryArtifactPrefix;
}

// Version files are immutable: a new version is the way to change a registered model.
Status RefuseRegistryWrite() {
  return Status::PermissionDenied(
      "registered model versions are immutable; register a new version instead "
      "(model-versions/create)");
}

json::Value RenderEntries(const std::vector<tracking::ArtifactEntry>& entries, bool basename) {
  json::Value files = json::Value::MakeArray();
  for (const auto& e : entries) {
    json::Value f;
    std::string path = e.path;
    if (basename) {
      size_t slash = path.find_last_of('/');
      if (slash != std::string::npos) path = path.substr(slash + 1);
    }
    f.Set("path", path);
    f.Set("is_dir", e.is_dir);
    if (!e.is_dir) f.Set("file_size", e.file_size);
    files.Append(std::move(f));
  }
  return files;
}

}  // namespace

Result<http::Response> ListArtifacts(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(auto run_id, f.OptionalString("run_id"));
  if (!run_id || run_id->empty()) {
    KEEL_ASSIGN_OR_RETURN(run_id, f.OptionalString("run_uuid"));
  }
  if (!run_id || run_id->empty()) {
    return Status::InvalidArgument("Missing value for required parameter 'run_id'");
  }
  KEEL_ASSIGN_OR_RETURN(auto path, f.OptionalString("path"));
  KEEL_ASSIGN_OR_RETURN(auto listing,
                        s.tracking->ListRunArtifacts(ctx.caller(), *run_id, path.value_or("")));
  json::Value body;
  body.Set("root_uri", listing.root_uri);
  if (!listing.files.empty()) body.Set("files", RenderEntries(listing.files, false));
  return http::Response::Json(200, body);
}

// MLflow 3's listing of a logged model's files (the UI's artifact browser).
Result<http::Response> ListLoggedModelArtifacts(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(auto path, f.OptionalString("artifact_directory_path"));
  KEEL_ASSIGN_OR_RETURN(
      auto listing, s.tracking->ListLoggedModelArtifacts(ctx.caller(), ctx.PathParam("model_id"),
                                                         path.value_or("")));
  json::Value body;
  body.Set("root_uri", listing.root_uri);
  if (!listing.files.empty()) body.Set("files", RenderEntries(listing.files, false));
  return http::Response::Json(200, body);
}

Result<http::Response> UploadArtifact(Services& s, const RequestContext& ctx) {
  if (IsRegistryPath(ctx.PathParam("path"))) return RefuseRegistryWrite();
  const http::Request& request = ctx.request();
  if (!request.body_file.empty()) {  // streamed to disk by the server
    KEEL_RETURN_IF_ERROR(
        s.tracking->UploadArtifactFile(ctx.caller(), ctx.PathParam("path"), request.body_file));
  } else {
    KEEL_RETURN_IF_ERROR(
        s.tracking->UploadArtifact(ctx.caller(), ctx.PathParam("path"), request.body));
  }
  return http::Response::Json(200, json::Value::MakeObject());
}

Result<http::Response> DownloadArtifact(Services& s, const RequestContext& ctx) {
  std::string path = ctx.PathParam("path");
  std::unique_ptr<RandomAccessFile> file;
  if (IsRegistryPath(path)) {
    KEEL_ASSIGN_OR_RETURN(file, s.registry->OpenVersionFile(ctx.caller(), path));
  } else {
    KEEL_ASSIGN_OR_RETURN(file, s.tracking->OpenArtifact(ctx.caller(), path));
  }
  http::Response response;
  response.content_type = "application/octet-stream";
  response.body_stream = std::move(file);
  return response;
}

Result<http::Response> ListProxyArtifacts(Services& s, const RequestContext& ctx) {
  std::string path = ctx.Query("path").value_or("");
  std::vector<tracking::ArtifactEntry> entries;
  if (IsRegistryPath(path)) {
    KEEL_ASSIGN_OR_RETURN(entries, s.registry->ListVersionFiles(ctx.caller(), path));
  } else {
    KEEL_ASSIGN_OR_RETURN(entries, s.tracking->ListProxyArtifacts(ctx.caller(), path));
  }
  json::Value body = json::Value::MakeObject();
  if (!entries.empty()) body.Set("files", RenderEntries(entries, true));
  return http::Response::Json(200, body);
}

Result<http::Response> DeleteArtifact(Services& s, const RequestContext& ctx) {
  if (IsRegistryPath(ctx.PathParam("path"))) return RefuseRegistryWrite();
  KEEL_RETURN_IF_ERROR(s.tracking->DeleteArtifact(ctx.caller(), ctx.PathParam("path")));
  return http::Response::Json(200, json::Value::MakeObject());
}

}  // namespace keel::server::handlers
