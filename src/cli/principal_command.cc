// keel principals|tokens: users, groups, service principals and personal access tokens.

#include <ostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/workspace.h"
#include "server/handlers/render.h"

namespace keel::cli {

using catalog::PrincipalKind;

namespace {

json::Value RenderPrincipal(const catalog::PrincipalInfo& p) {
  json::Value v;
  v.Set("name", p.name);
  v.Set("kind", catalog::PrincipalKindName(p.kind));
  v.Set("is_admin", p.is_admin);
  v.Set("active", p.active);
  json::Value groups = json::Value::MakeArray();
  for (const auto& g : p.groups) groups.Append(g);
  v.Set("groups", std::move(groups));
  if (p.kind == PrincipalKind::kGroup) {
    json::Value members = json::Value::MakeArray();
    for (const auto& m : p.members) members.Append(m);
    v.Set("members", std::move(members));
  }
  return v;
}

Status CreatePrincipal(Session& s, Args& args, std::ostream& out, PrincipalKind kind) {
  KEEL_ASSIGN_OR_RETURN(std::string name, args.Positional("name"));
  KEEL_ASSIGN_OR_RETURN(auto groups, args.Flag("groups"));
  KEEL_RETURN_IF_ERROR(args.Finish());
  KEEL_ASSIGN_OR_RETURN(auto p, s.ws.catalog->CreatePrincipal(
                                    s.caller, kind, name, SplitCommaList(groups.value_or(""))));
  PrintValue(out, s.format, RenderPrincipal(p));
  return Status::OK();
}

}  // namespace

// keel principals create-user|create-group|create-service-principal|list|get|delete|
//                  add-member|remove-member
int RunPrincipalsCommand(Args& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb) {
    err << "usage: keel principals create-user|create-group|create-service-principal|list|get|"
           "delete|add-member|remove-member ...\n";
    return 2;
  }
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    catalog::CatalogService& svc = *s.ws.catalog;
    if (*verb == "create-user") return CreatePrincipal(s, args, out, PrincipalKind::kUser);
    if (*verb == "create-group") return CreatePrincipal(s, args, out, PrincipalKind::kGroup);
    if (*verb == "create-service-principal") {
      return CreatePrincipal(s, args, out, PrincipalKind::kServicePrincipal);
    }
    if (*verb == "list") {
      KEEL_ASSIGN_OR_RETURN(auto kind_flag, args.Flag("kind"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      std::optional<PrincipalKind> kind;
      if (kind_flag) {
        if (*kind_flag == "user") kind = PrincipalKind::kUser;
        else if (*kind_flag == "group") kind = PrincipalKind::kGroup;
        else if (*kind_flag == "service-principal") kind = PrincipalKind::kServicePrincipal;
        else return Status::InvalidArgument("--kind must be user, group or service-principal");
      }
      KEEL_ASSIGN_OR_RETURN(auto all, svc.ListPrincipals(s.caller, kind));
      json::Value list = json::Value::MakeArray();
      for (const auto& p : all) list.Append(RenderPrincipal(p));
      PrintValue(out, s.format, list, {"name", "kind", "groups", "is_admin"});
      return Status::OK();
    }
    if (*verb == "get") {
      KEEL_ASSIGN_OR_RETURN(std::string name, args.Positional("name"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto p, svc.GetPrincipal(s.caller, name));
      PrintValue(out, s.format, RenderPrincipal(p));
      return Status::OK();
    }
    if (*verb == "delete") {
      KEEL_ASSIGN_OR_RETURN(std::string name, args.Positional("name"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      return svc.DeletePrincipal(s.caller, name);
    }
    if (*verb == "add-member" || *verb == "remove-member") {
      KEEL_ASSIGN_OR_RETURN(std::string group, args.Positional("group"));
      KEEL_ASSIGN_OR_RETURN(std::string member, args.Positional("member"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      return *verb == "add-member" ? svc.AddGroupMember(s.caller, group, member)
                                   : svc.RemoveGroupMember(s.caller, group, member);
    }
    return Status::InvalidArgument("unknown command 'keel principals " + *verb + "'");
  });
}

// keel tokens create [--principal NAME] [--lifetime-seconds N] [--comment C] | list | revoke ID
int RunTokensCommand(Args& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb) {
    err << "usage: keel tokens create|list|revoke ...\n";
    return 2;
  }
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    catalog::CatalogService& svc = *s.ws.catalog;
    if (*verb == "create") {
      KEEL_ASSIGN_OR_RETURN(auto principal, args.Flag("principal"));
      KEEL_ASSIGN_OR_RETURN(auto lifetime, args.IntFlag("lifetime-seconds"));
      KEEL_ASSIGN_OR_RETURN(auto comment, args.Flag("comment"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto created,
                            svc.CreateToken(s.caller, principal.value_or(""),
                                            lifetime.value_or(0), comment.value_or("")));
      json::Value v;
      v.Set("token_value", created.token_value);
      v.Set("token_info", server::handlers::RenderTokenInfo(created.info));
      if (s.format == OutputFormat::kJson) {
        PrintValue(out, s.format, v);
      } else {
        out << created.token_value << "\n";
      }
      return Status::OK();
    }
    if (*verb == "list") {
      KEEL_ASSIGN_OR_RETURN(auto principal, args.Flag("principal"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto tokens, svc.ListTokens(s.caller, principal.value_or("")));
      json::Value list = json::Value::MakeArray();
      for (const auto& t : tokens) list.Append(server::handlers::RenderTokenInfo(t));
      PrintValue(out, s.format, list, {"token_id", "owner", "comment", "expiry_time"});
      return Status::OK();
    }
    if (*verb == "revoke" || *verb == "delete") {
      KEEL_ASSIGN_OR_RETURN(std::string id, args.Positional("token id"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      return svc.RevokeToken(s.caller, id);
    }
    return Status::InvalidArgument("unknown command 'keel tokens " + *verb + "'");
  });
}

}  // namespace keel::cli
