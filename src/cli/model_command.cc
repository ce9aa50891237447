// keel models: the model registry (same service and grants as the MLflow registry REST API).

#include <ostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/workspace.h"
#include "registry/model_uri.h"
#include "server/handlers/registry_render.h"

namespace keel::cli {

namespace {

using server::handlers::RenderLineage;
using server::handlers::RenderModelVersion;
using server::handlers::RenderRegisteredModel;
using server::handlers::RenderRegistryEvent;

constexpr std::string_view kUsage =
    "usage: keel models create|list|describe|versions|register|alias|tag|delete|lineage|"
    "download|events ...\n"
    "  create CAT.SCH.MODEL [--comment C] [--tag k=v]...\n"
    "  list CAT.SCH\n"
    "  describe NAME | NAME/VERSION | NAME@ALIAS\n"
    "  versions NAME [--filter F]\n"
    "  register NAME --source URI [--run-id ID] [--description D] [--tag k=v]...\n"
    "           (URI: runs:/RUN/PATH, mlflow-artifacts:/..., models:/NAME/VERSION|@ALIAS)\n"
    "  alias set NAME ALIAS VERSION | alias delete NAME ALIAS\n"
    "  tag NAME[/VERSION] KEY VALUE | tag NAME[/VERSION] KEY --delete\n"
    "  delete NAME | NAME/VERSION [--remove-aliases]\n"
    "  lineage NAME/VERSION | NAME@ALIAS   (run -> data versions -> code commit)\n"
    "  download NAME/VERSION | NAME@ALIAS --dest DIR\n"
    "  events [NAME] [--after ID] [--limit N]\n";

const std::vector<std::string> kVersionColumns = {"name",    "version", "status",
                                                  "aliases", "run_id",  "user_id"};

// "dev.s.m", "dev.s.m/3", "dev.s.m@champion" or a models:/ URI.
struct ModelRef {
  std::string name;
  std::optional<int64_t> version;
  std::string alias;
  std::string uri() const {
    registry::ModelUri u;
    u.name = name;
    u.version = version;
    u.alias = alias;
    return registry::FormatModelUri(u);
  }
  bool names_version() const { return version.has_value() || !alias.empty(); }
};

Result<ModelRef> ParseRef(const std::string& text) {
  std::string_view t = text;
  if (t.substr(0, 8) == "models:/") t.remove_prefix(8);
  ModelRef ref;
  if (t.find('@') == std::string_view::npos && t.find('/') == std::string_view::npos) {
    ref.name = std::string(t);
    return ref;
  }
  KEEL_ASSIGN_OR_RETURN(registry::ModelUri uri,
                        registry::ParseModelUri("models:/" + std::string(t)));
  if (uri.latest || !uri.sub_path.empty() || !uri.logged_model_id.empty()) {
    return Status::InvalidArgument("name a model as NAME, NAME/VERSION or NAME@ALIAS, not '" +
                                   text + "'");
  }
  ref.name = uri.name;
  ref.version = uri.version;
  ref.alias = uri.alias;
  return ref;
}

Result<std::map<std::string, std::string>> TakeTags(Args& args) {
  KEEL_ASSIGN_OR_RETURN(auto given, RepeatedFlag(args, "tag"));
  std::map<std::string, std::string> tags;
  for (const std::string& t : given) {
    KEEL_ASSIGN_OR_RETURN(auto kv, SplitAssignment(t, "tag"));
    tags[kv.first] = kv.second;
  }
  return tags;
}

Result<registry::ModelVersion> ResolveVersion(registry::RegistryService& reg,
                                              const catalog::Principal& caller,
                                              const ModelRef& ref) {
  if (!ref.alias.empty()) return reg.GetVersionByAlias(caller, ref.name, ref.alias);
  return reg.GetModelVersion(caller, ref.name, *ref.version);
}

// lineage in text form: run -> inputs -> code.
void PrintLineage(std::ostream& out, const registry::ModelVersion& v) {
  out << v.model_name << " version " << v.version << "\n";
  out << "  source: " << v.source << "\n";
  out << "  run:    " << (v.lineage.run_id.empty() ? "(none)" : v.lineage.run_id);
  if (!v.lineage.experiment_id.empty()) out << " (experiment " << v.lineage.experiment_id << ")";
  out << "\n  data:\n";
  if (v.lineage.inputs.empty()) out << "    (no input tables recorded)\n";
  for (const registry::LineageInput& in : v.lineage.inputs) {
    out << "    " << in.table;
    if (in.version >= 0) out << "@v" << in.version;
    if (!in.dataset_name.empty() && in.dataset_name != in.table) {
      out << " (dataset " << in.dataset_name << ")";
    }
    out << "\n";
  }
  out << "  code:   "
      << (v.lineage.git_commit.empty() ? "(no commit recorded)" : v.lineage.git_commit);
  if (!v.lineage.git_repo.empty()) out << " " << v.lineage.git_repo;
  if (!v.lineage.source_name.empty()) out << " (" << v.lineage.source_name << ")";
  out << "\n";
}

Status RunAlias(Session& s, Args& args, std::ostream& out) {
  KEEL_ASSIGN_OR_RETURN(std::string action, args.Positional("alias action (set|delete)"));
  KEEL_ASSIGN_OR_RETURN(std::string name, args.Positional("model name (CAT.SCH.MODEL)"));
  KEEL_ASSIGN_OR_RETURN(std::string alias, args.Positional("alias"));
  registry::RegistryService& reg = *s.ws.registry;
  if (action == "set") {
    KEEL_ASSIGN_OR_RETURN(std::string version_text, args.Positional("version"));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(int64_t version, registry::ParseVersionNumber(version_text));
    KEEL_RETURN_IF_ERROR(reg.SetAlias(s.caller, name, alias, version));
    KEEL_ASSIGN_OR_RETURN(auto v, reg.GetVersionByAlias(s.caller, name, alias));
    PrintValue(out, s.format, RenderModelVersion(v));
    return Status::OK();
  }
  if (action == "delete") {
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_RETURN_IF_ERROR(reg.DeleteAlias(s.caller, name, alias));
    if (s.format == OutputFormat::kText)
      out << "deleted alias " << alias << " of " << name << "\n";
    else
      PrintValue(out, s.format, json::Value::MakeObject());
    return Status::OK();
  }
  return Status::InvalidArgument("keel models alias takes set or delete, not '" + action + "'");
}

Status RunVerb(const std::string& verb, Args& args, std::ostream& out) {
  KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
  registry::RegistryService& reg = *s.ws.registry;
  if (verb == "alias") return RunAlias(s, args, out);
  if (verb == "events") {
    std::optional<std::string> name = args.OptionalPositional();
    KEEL_ASSIGN_OR_RETURN(auto after, args.IntFlag("after"));
    KEEL_ASSIGN_OR_RETURN(auto limit, args.IntFlag("limit"));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(auto events, reg.ListEvents(s.caller, name.value_or(""),
                                                      after.value_or(0), limit.value_or(0)));
    json::Value list = json::Value::MakeArray();
    for (const auto& e : events) list.Append(RenderRegistryEvent(e));
    PrintValue(out, s.format, list,
               {"event_id", "event_type", "name", "version", "alias", "principal"});
    return Status::OK();
  }
  KEEL_ASSIGN_OR_RETURN(std::string target,
                        args.Positional(verb == "list" ? "schema full name (CATALOG.SCHEMA)"
                                                       : "model (CAT.SCH.MODEL[/VERSION|@ALIAS])"));
  if (verb == "list") {
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(auto models, reg.ListRegisteredModels(s.caller, target));
    json::Value list = json::Value::MakeArray();
    for (const auto& m : models) list.Append(RenderRegisteredModel(m));
    PrintValue(out, s.format, list, {"name", "user_id", "description"});
    return Status::OK();
  }
  KEEL_ASSIGN_OR_RETURN(ModelRef ref, ParseRef(target));
  if (ref.names_version() && (verb == "create" || verb == "versions" || verb == "register")) {
    return Status::InvalidArgument("keel models " + verb +
                                   " takes a model name (CAT.SCH.MODEL), not a version");
  }
  if (verb == "create") {
    KEEL_ASSIGN_OR_RETURN(std::string comment, args.FlagOr("comment", ""));
    KEEL_ASSIGN_OR_RETURN(auto tags, TakeTags(args));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(auto m, reg.CreateRegisteredModel(s.caller, ref.name, comment, tags));
    PrintValue(out, s.format, RenderRegisteredModel(m));
    return Status::OK();
  }
  if (verb == "describe" || verb == "get") {
    KEEL_RETURN_IF_ERROR(args.Finish());
    if (ref.names_version()) {
      KEEL_ASSIGN_OR_RETURN(auto v, ResolveVersion(reg, s.caller, ref));
      PrintValue(out, s.format, RenderModelVersion(v));
    } else {
      KEEL_ASSIGN_OR_RETURN(auto m, reg.GetRegisteredModel(s.caller, ref.name));
      PrintValue(out, s.format, RenderRegisteredModel(m));
    }
    return Status::OK();
  }
  if (verb == "versions") {
    KEEL_ASSIGN_OR_RETURN(std::string filter, args.FlagOr("filter", ""));
    KEEL_RETURN_IF_ERROR(args.Finish());
    registry::SearchRequest req;
    req.model_name = ref.name;
    req.filter = filter;
    json::Value list = json::Value::MakeArray();
    do {
      KEEL_ASSIGN_OR_RETURN(auto page, reg.SearchModelVersions(s.caller, req));
      for (const auto& v : page.versions) list.Append(RenderModelVersion(v));
      req.page_token = page.next_page_token;
    } while (!req.page_token.empty());
    PrintValue(out, s.format, list, kVersionColumns);
    return Status::OK();
  }
  if (verb == "register") {
    registry::CreateModelVersionRequest req;
    req.name = ref.name;
    KEEL_ASSIGN_OR_RETURN(auto source, args.Flag("source"));
    if (!source) return Status::InvalidArgument("--source URI is required (e.g. runs:/RUN/model)");
    req.source = *source;
    KEEL_ASSIGN_OR_RETURN(req.run_id, args.FlagOr("run-id", ""));
    KEEL_ASSIGN_OR_RETURN(req.description, args.FlagOr("description", ""));
    KEEL_ASSIGN_OR_RETURN(req.tags, TakeTags(args));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(auto v, reg.CreateModelVersion(s.caller, req));
    PrintValue(out, s.format, RenderModelVersion(v));
    return Status::OK();
  }
  if (verb == "tag") {
    KEEL_ASSIGN_OR_RETURN(std::string key, args.Positional("tag key"));
    bool remove = args.BoolFlag("delete");
    std::string value;
    if (!remove) {
      KEEL_ASSIGN_OR_RETURN(value, args.Positional("tag value"));
    }
    KEEL_RETURN_IF_ERROR(args.Finish());
    if (!ref.alias.empty()) {
      return Status::InvalidArgument("tag a version by number (NAME/VERSION), not by alias");
    }
    if (ref.version) {
      KEEL_RETURN_IF_ERROR(
          remove ? reg.DeleteModelVersionTag(s.caller, ref.name, *ref.version, key)
                 : reg.SetModelVersionTag(s.caller, ref.name, *ref.version, key, value));
      KEEL_ASSIGN_OR_RETURN(auto v, reg.GetModelVersion(s.caller, ref.name, *ref.version));
      PrintValue(out, s.format, RenderModelVersion(v));
    } else {
      KEEL_RETURN_IF_ERROR(remove ? reg.DeleteRegisteredModelTag(s.caller, ref.name, key)
                                  : reg.SetRegisteredModelTag(s.caller, ref.name, key, value));
      KEEL_ASSIGN_OR_RETURN(auto m, reg.GetRegisteredModel(s.caller, ref.name));
      PrintValue(out, s.format, RenderRegisteredModel(m));
    }
    return Status::OK();
  }
  if (verb == "delete") {
    bool remove_aliases = args.BoolFlag("remove-aliases");
    KEEL_RETURN_IF_ERROR(args.Finish());
    if (!ref.alias.empty()) {
      return Status::InvalidArgument("delete a version by number (NAME/VERSION), not by alias");
    }
    if (ref.version) {
      KEEL_RETURN_IF_ERROR(
          reg.DeleteModelVersion(s.caller, ref.name, *ref.version, remove_aliases));
    } else {
      KEEL_RETURN_IF_ERROR(reg.DeleteRegisteredModel(s.caller, ref.name));
    }
    if (s.format == OutputFormat::kText)
      out << "deleted " << target << "\n";
    else
      PrintValue(out, s.format, json::Value::MakeObject());
    return Status::OK();
  }
  if (verb == "lineage") {
    KEEL_RETURN_IF_ERROR(args.Finish());
    if (!ref.names_version()) {
      return Status::InvalidArgument("name a version: NAME/VERSION or NAME@ALIAS");
    }
    KEEL_ASSIGN_OR_RETURN(auto v, ResolveVersion(reg, s.caller, ref));
    if (s.format == OutputFormat::kJson)
      PrintValue(out, s.format, RenderLineage(v));
    else
      PrintLineage(out, v);
    return Status::OK();
  }
  if (verb == "download") {
    KEEL_ASSIGN_OR_RETURN(auto dest, args.Flag("dest"));
    KEEL_RETURN_IF_ERROR(args.Finish());
    if (!dest) return Status::InvalidArgument("--dest DIR is required");
    if (!ref.names_version()) {
      return Status::InvalidArgument("name a version: NAME/VERSION or NAME@ALIAS");
    }
    KEEL_ASSIGN_OR_RETURN(auto v, reg.DownloadModel(s.caller, ref.uri(), *dest));
    if (s.format == OutputFormat::kText) {
      out << "downloaded " << v.model_name << " version " << v.version << " to " << *dest << "\n";
    } else {
      PrintValue(out, s.format, RenderModelVersion(v));
    }
    return Status::OK();
  }
  return Status::InvalidArgument("unknown keel models command '" + verb + "'\n" +
                                 std::string(kUsage));
}

}  // namespace

int RunModelsCommand(Args& args, std::ostream& out, std::ostream& err) {
  return RunVerbCommand(args, out, err, kUsage, RunVerb);
}

}  // namespace keel::cli
