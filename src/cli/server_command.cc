// keel server: serve the API until SIGTERM/SIGINT, then shut down gracefully.

#include <signal.h>

#include <ostream>

#include "cli/commands.h"
#include "cli/job_runtime.h"
#include "cli/output.h"
#include "cli/workspace.h"
#include "common/log.h"
#include "jobs/schedule/scheduler.h"
#include "server/api_server.h"

namespace keel::cli {

int RunServerCommand(Args& args, std::ostream& out, std::ostream& err) {
  Result<Workspace> ws = Workspace::Open(args);
  if (!ws.ok()) return PrintError(err, ws.status());
  server::ApiServerOptions options;
  Result<std::string> host = args.FlagOr("host", ws->config.host);
  Result<std::optional<int64_t>> port = args.IntFlag("port");
  Result<std::optional<int64_t>> workers = args.IntFlag("workers");
  Result<std::optional<int64_t>> tick = args.IntFlag("scheduler-tick-ms");
  bool no_scheduler = args.BoolFlag("no-scheduler");
  for (const Status* s : {&host.status(), &port.status(), &workers.status(), &tick.status()}) {
    if (!s->ok()) return PrintError(err, *s);
  }
  if (Status s = args.Finish(); !s.ok()) return PrintError(err, s);
  options.host = *host;
  options.port = port->value_or(ws->config.port);
  if (options.port < 0 || options.port > 65535) {
    return PrintError(err, Status::InvalidArgument("--port must be 0-65535"));
  }
  options.spool_dir = ws->config.storage_root() + "/.uploads";
  if (*workers) options.worker_threads = static_cast<int>(std::max<int64_t>(1, **workers));

  // Block the shutdown signals before any thread starts, so that they are delivered only to the
  // sigwait below and never interrupt a worker.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  server::Services services;
  services.catalog = ws->catalog.get();
  services.tracking = ws->tracking.get();
  services.tables = ws->tables.get();
  services.registry = ws->registry.get();
  services.jobs = ws->jobs.get();
  server::ApiServer api(services, options);
  if (Status s = api.Start(); !s.ok()) return PrintError(err, s);

  // The scheduler and executor of job runs: tasks reach this server as their tracking URI.
  std::string url = "http://" + options.host + ":" + std::to_string(api.port());
  Result<JobRuntime> runtime = MakeJobRuntime(*ws, url);
  if (!runtime.ok()) return PrintError(err, runtime.status());
  jobs::SchedulerOptions scheduler_options;
  if (*tick) scheduler_options.tick_millis = std::max<int64_t>(10, **tick);
  jobs::Scheduler scheduler(ws->jobs.get(), runtime->executor.get(), ws->tables.get(),
                            scheduler_options);
  if (!no_scheduler) {
    scheduler.Start();
  }
  out << "keel server listening on " << url << std::endl;
  KEEL_LOG(kInfo) << "serving workspace " << ws->config.home << " on " << options.host << ":"
                  << api.port();

  int sig = 0;
  sigwait(&signals, &sig);
  KEEL_LOG(kInfo) << "received " << (sig == SIGTERM ? "SIGTERM" : "SIGINT")
                  << "; finishing in-flight requests";
  scheduler.Stop();
  runtime->notifier->Flush();
  api.Shutdown();
  KEEL_LOG(kInfo) << "server stopped";
  return 0;
}

}  // namespace keel::cli
