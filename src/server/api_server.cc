#include "server/api_server.h"

#include <filesystem>

#include "common/log.h"
#include "server/http/body_sink.h"
#include "server/authenticate.h"
#include "server/error_response.h"
#include "server/routes.h"

namespace keel::server {

namespace {
// Requests whose bodies are streamed to disk rather than buffered (mlflow-artifacts uploads).
constexpr std::string_view kStreamedUploadPrefix = "/api/2.0/mlflow-artifacts/artifacts/";
}  // namespace

ApiServer::ApiServer(Services services, ApiServerOptions options)
    : services_(services), options_(std::move(options)) {}

ApiServer::~ApiServer() { Shutdown(); }

http::Response ApiServer::Handle(const http::Request& request) {
  Result<RouteMatch> match = MatchRoute(AllRoutes(), request.method, request.path);
  if (!match.ok()) return ErrorResponse(match.status());
  catalog::Principal caller;
  if (!match->route->is_public) {
    Result<catalog::Principal> who = Authenticate(*services_.catalog, request);
    if (!who.ok()) return ErrorResponse(who.status());
    caller = std::move(who).value();
  }
  RequestContext ctx(request, match->route->is_public ? nullptr : &caller,
                     std::move(match->params));
  try {
    Result<http::Response> response = match->route->handler(services_, ctx);
    if (!response.ok()) return ErrorResponse(response.status());
    return std::move(response).value();
  } catch (const std::exception& e) {
    KEEL_LOG(kError) << request.method << " " << request.path << " threw: " << e.what();
    return ErrorResponse(Status::Internal("unexpected server error; see the server log"));
  }
}

Status ApiServer::Start() {
  http::HttpServerOptions http_options;
  http_options.host = options_.host;
  http_options.port = static_cast<uint16_t>(options_.port);
  http_options.worker_threads = options_.worker_threads;
  http_options.limits.max_request_body_bytes = options_.max_request_body_bytes;
  if (!options_.spool_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options_.spool_dir, ec);
    if (ec) {
      return Status::IOError("cannot create the upload spool directory '" + options_.spool_dir +
                             "': " + ec.message());
    }
    http_options.limits.max_streamed_body_bytes = options_.max_streamed_body_bytes;
    http_options.limits.body_sink_factory =
        [this](const http::Request& head) -> Result<std::unique_ptr<http::BodySink>> {
      // Only artifact uploads stream, and only for a caller whose token is good: anyone else
      // stays under the in-memory limit and is refused by Handle() as usual.
      if (head.method != "PUT" || head.path.rfind(kStreamedUploadPrefix, 0) != 0 ||
          !Authenticate(*services_.catalog, head).ok()) {
        return std::unique_ptr<http::BodySink>();
      }
      KEEL_ASSIGN_OR_RETURN(auto sink, http::FileBodySink::Create(options_.spool_dir));
      return std::unique_ptr<http::BodySink>(std::move(sink));
    };
  }
  http_ = std::make_unique<http::HttpServer>(
      http_options, [this](const http::Request& request) { return Handle(request); });
  return http_->Start();
}

void ApiServer::Shutdown() {
  if (http_) http_->Shutdown();
}

int ApiServer::port() const { return http_ ? http_->port() : 0; }

}  // namespace keel::server
