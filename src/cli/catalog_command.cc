// keel catalogs|schemas|volumes|grants: the Unity Catalog objects and their permissions.

#include <ostream>

#include "catalog/names.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/workspace.h"
#include "server/handlers/render.h"

namespace keel::cli {

using catalog::SecurableType;

namespace {

const std::vector<std::string> kSecurableColumns = {"full_name", "owner", "comment"};

int SecurableCommand(SecurableType type, std::string_view noun, Args& args, std::ostream& out,
                     std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb) {
    err << "usage: keel " << noun << " create|list|get|update|delete ...\n";
    return 2;
  }
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    catalog::CatalogService& svc = *s.ws.catalog;
    if (*verb == "create") {
      KEEL_ASSIGN_OR_RETURN(std::string full_name, args.Positional("full name"));
      KEEL_ASSIGN_OR_RETURN(auto comment, args.Flag("comment"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      catalog::CreateSecurableRequest req;
      req.type = type;
      size_t dot = full_name.rfind('.');
      req.name = dot == std::string::npos ? full_name : full_name.substr(dot + 1);
      req.parent_full_name = dot == std::string::npos ? "" : full_name.substr(0, dot);
      if (type != SecurableType::kCatalog && dot == std::string::npos) {
        return Status::InvalidArgument("give the full name, e.g. " +
                                       std::string(type == SecurableType::kSchema
                                                       ? "dev.features"
                                                       : "dev.default.raw_files"));
      }
      req.comment = comment.value_or("");
      KEEL_ASSIGN_OR_RETURN(auto info, svc.CreateSecurable(s.caller, req));
      PrintValue(out, s.format, server::handlers::RenderSecurable(info));
      return Status::OK();
    }
    if (*verb == "list") {
      std::string parent;
      if (type != SecurableType::kCatalog) {
        KEEL_ASSIGN_OR_RETURN(parent, args.Positional(type == SecurableType::kSchema
                                                          ? "catalog name"
                                                          : "schema full name"));
      }
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto items, svc.ListSecurables(s.caller, type, parent));
      json::Value list = json::Value::MakeArray();
      for (const auto& i : items) list.Append(server::handlers::RenderSecurable(i));
      PrintValue(out, s.format, list, kSecurableColumns);
      return Status::OK();
    }
    if (*verb == "get" || *verb == "describe") {
      KEEL_ASSIGN_OR_RETURN(std::string full_name, args.Positional("full name"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto info, svc.GetSecurable(s.caller, type, full_name));
      PrintValue(out, s.format, server::handlers::RenderSecurable(info));
      return Status::OK();
    }
    if (*verb == "update") {
      KEEL_ASSIGN_OR_RETURN(std::string full_name, args.Positional("full name"));
      catalog::UpdateSecurableRequest req;
      KEEL_ASSIGN_OR_RETURN(req.comment, args.Flag("comment"));
      KEEL_ASSIGN_OR_RETURN(req.owner, args.Flag("owner"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto info, svc.UpdateSecurable(s.caller, type, full_name, req));
      PrintValue(out, s.format, server::handlers::RenderSecurable(info));
      return Status::OK();
    }
    if (*verb == "delete") {
      KEEL_ASSIGN_OR_RETURN(std::string full_name, args.Positional("full name"));
      bool force = args.BoolFlag("force");
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_RETURN_IF_ERROR(svc.DeleteSecurable(s.caller, type, full_name, force));
      if (s.format == OutputFormat::kJson) out << "{}\n";
      return Status::OK();
    }
    return Status::InvalidArgument("unknown command 'keel " + std::string(noun) + " " + *verb +
                                   "'; use create, list, get, update or delete");
  });
}

Result<std::vector<catalog::Privilege>> ParsePrivileges(const std::optional<std::string>& list) {
  std::vector<catalog::Privilege> out;
  if (!list) return out;
  for (const std::string& name : SplitCommaList(*list)) {
    KEEL_ASSIGN_OR_RETURN(auto p, catalog::ParsePrivilege(name));
    out.push_back(p);
  }
  return out;
}

}  // namespace

int RunCatalogsCommand(Args& args, std::ostream& out, std::ostream& err) {
  return SecurableCommand(SecurableType::kCatalog, "catalogs", args, out, err);
}

int RunSchemasCommand(Args& args, std::ostream& out, std::ostream& err) {
  return SecurableCommand(SecurableType::kSchema, "schemas", args, out, err);
}

int RunVolumesCommand(Args& args, std::ostream& out, std::ostream& err) {
  return SecurableCommand(SecurableType::kVolume, "volumes", args, out, err);
}

// keel grants get|update|effective TYPE FULL_NAME [--principal P] [--add A,B] [--remove C]
int RunGrantsCommand(Args& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb) {
    err << "usage: keel grants get|update|effective TYPE FULL_NAME [--principal P] "
           "[--add PRIVS] [--remove PRIVS]\n";
    return 2;
  }
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    KEEL_ASSIGN_OR_RETURN(std::string type_name, args.Positional("securable type"));
    KEEL_ASSIGN_OR_RETURN(auto type, catalog::ParseSecurableType(type_name));
    std::string full_name;
    if (type != SecurableType::kMetastore) {
      KEEL_ASSIGN_OR_RETURN(full_name, args.Positional("full name"));
    }
    KEEL_ASSIGN_OR_RETURN(auto principal, args.Flag("principal"));
    if (*verb == "get") {
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto a, s.ws.catalog->GetPermissions(s.caller, type, full_name,
                                                                 principal.value_or("")));
      PrintValue(out, s.format, *server::handlers::RenderAssignments(a).Find("privilege_assignments"),
                 {"principal", "privileges"});
      return Status::OK();
    }
    if (*verb == "update") {
      KEEL_ASSIGN_OR_RETURN(auto add, args.Flag("add"));
      KEEL_ASSIGN_OR_RETURN(auto remove, args.Flag("remove"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      if (!principal) return Status::InvalidArgument("--principal is required");
      catalog::PermissionsChange change;
      change.principal = *principal;
      KEEL_ASSIGN_OR_RETURN(change.add, ParsePrivileges(add));
      KEEL_ASSIGN_OR_RETURN(change.remove, ParsePrivileges(remove));
      KEEL_ASSIGN_OR_RETURN(auto a,
                            s.ws.catalog->UpdatePermissions(s.caller, type, full_name, {change}));
      PrintValue(out, s.format, *server::handlers::RenderAssignments(a).Find("privilege_assignments"),
                 {"principal", "privileges"});
      return Status::OK();
    }
    if (*verb == "effective") {
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto a, s.ws.catalog->GetEffectivePermissions(
                                        s.caller, type, full_name, principal.value_or("")));
      json::Value rows = json::Value::MakeArray();
      for (const auto& assignment : a) {
        for (const auto& e : assignment.privileges) {
          json::Value row;
          row.Set("principal", assignment.principal);
          row.Set("privilege", catalog::PrivilegeName(e.privilege));
          row.Set("inherited_from", e.inherited_from_name.empty()
                                        ? std::string("(direct)")
                                        : e.inherited_from_type + " " + e.inherited_from_name);
          rows.Append(std::move(row));
        }
      }
      PrintValue(out, s.format, rows, {"principal", "privilege", "inherited_from"});
      return Status::OK();
    }
    return Status::InvalidArgument("unknown command 'keel grants " + *verb +
                                   "'; use get, update or effective");
  });
}

}  // namespace keel::cli
