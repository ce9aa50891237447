#include "cli/job_runtime.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "common/fs/file_system.h"
#include "common/random.h"
#include "common/sha256.h"
#include "server/http/http_client.h"

namespace keel::cli {

namespace {

class HttpClientPoster : public jobs::HttpPoster {
 public:
  Result<int> Post(const std::string& url,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   const std::string& body, int64_t timeout_millis) override {
    http::Headers h;
    for (const auto& [name, value] : headers) h.Add(name, value);
    http::ClientOptions options;
    options.timeout_millis = timeout_millis;
    options.max_response_body_bytes = 1 << 20;
    KEEL_ASSIGN_OR_RETURN(http::ClientResponse response, http::Send("POST", url, h, body, options));
    return response.status;
  }
};

std::string SelfBinary() {
  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return "keel";
  return std::string(path, static_cast<size_t>(n));
}

}  // namespace

void PublishTaskValues(Session& s, const json::Value& values, std::ostream& err) {
  const char* run = std::getenv("KEEL_JOB_RUN_ID");
  const char* task = std::getenv("KEEL_TASK_KEY");
  if (!run || !task || !values.is_object()) return;
  int64_t run_id = std::atoll(run);
  for (const auto& [key, value] : values.as_object()) {
    Status st = s.ws.jobs->SetTaskValue(s.caller, run_id, task, key, value.Dump());
    if (!st.ok())
      err << "warning: could not set task value '" << key << "': " << st.message() << "\n";
  }
}

Result<std::string> WebhookSecret(const std::string& home) {
  const std::string path = home + "/webhook_secret";
  FileSystem* fs = FileSystem::Default();
  KEEL_ASSIGN_OR_RETURN(bool exists, fs->Exists(path));
  if (!exists) {
    KEEL_ASSIGN_OR_RETURN(std::string random, SecureRandomBytes(32));
    // Put-if-absent, so two processes making it at once agree on one secret.
    Status written = fs->PutIfAbsent(path, HexEncode(random) + "\n");
    if (!written.ok() && written.code() != ErrorCode::kResourceAlreadyExists) return written;
    chmod(path.c_str(), 0600);
  }
  KEEL_ASSIGN_OR_RETURN(std::string secret, fs->ReadFile(path));
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return Status::Corruption(path + " is empty; delete it to make a new one");
  return secret;
}

Result<JobRuntime> MakeJobRuntime(Workspace& ws, const std::string& server_url) {
  JobRuntime rt;
  rt.poster = std::make_unique<HttpClientPoster>();
  jobs::NotifierOptions notifier_options;
  KEEL_ASSIGN_OR_RETURN(notifier_options.secret, WebhookSecret(ws.config.home));
  if (!server_url.empty())
    notifier_options.run_link_base = server_url + "/api/2.1/jobs/runs/get?run_id=";
  rt.notifier =
      std::make_unique<jobs::WebhookNotifier>(ws.db.get(), rt.poster.get(), notifier_options);
  jobs::ExecutorOptions options;
  options.keel_binary = SelfBinary();
  options.home = ws.config.home;
  options.server_url = server_url;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof(cwd))) options.default_code_root = cwd;
  options.notifier = rt.notifier.get();
  rt.executor = std::make_unique<jobs::RunExecutor>(ws.jobs.get(), options);
  return rt;
}

}  // namespace keel::cli
