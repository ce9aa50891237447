// keel init: create a workspace (DESIGN.md §1, step 1).

#include <ostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/workspace.h"

namespace keel::cli {

int RunInitCommand(Args& args, std::ostream& out, std::ostream& err) {
  Result<Workspace> ws = Workspace::Open(args, /*allow_uninitialised=*/true);
  if (!ws.ok()) return PrintError(err, ws.status());
  Result<std::string> admin = args.FlagOr("admin", "admin");
  Result<OutputFormat> format = TakeOutputFormat(args);
  if (!admin.ok()) return PrintError(err, admin.status());
  if (!format.ok()) return PrintError(err, format.status());
  if (Status s = args.Finish(); !s.ok()) return PrintError(err, s);

  Result<catalog::InitResult> init = ws->catalog->InitWorkspace(*admin);
  if (!init.ok()) return PrintError(err, init.status());
  // The CLI acts with the admin token from now on; a re-run keeps the saved one.
  if (!init->admin_token.empty()) {
    ws->config.token = init->admin_token;
    if (Status s = SaveConfig(ws->config); !s.ok()) return PrintError(err, s);
  }
  json::Value result;
  result.Set("home", ws->config.home);
  result.Set("created", init->created);
  result.Set("admin", *admin);
  result.Set("admin_token", ws->config.token);
  json::Value catalogs = json::Value::MakeArray();
  for (const char* c : {"dev", "staging", "prod"}) catalogs.Append(c);
  result.Set("catalogs", std::move(catalogs));
  if (*format == OutputFormat::kJson) {
    PrintValue(out, *format, result);
    return 0;
  }
  out << (init->created ? "Created" : "Found existing") << " Keel workspace at "
      << ws->config.home << "\n"
      << "  catalogs: dev, staging, prod (each with schema 'default')\n"
      << "  groups: data-scientists, ml-engineers; service principal: keel-automation\n"
      << "  admin user '" << *admin << "'; its token is saved in " << ws->config.config_path()
      << "\n";
  return 0;
}

}  // namespace keel::cli
