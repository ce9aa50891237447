// Personal access tokens: /api/2.0/token/* and the token-management on-behalf-of call.

#include "server/handlers/handlers.h"
#include "server/handlers/render.h"

namespace keel::server::handlers {

namespace {

Result<http::Response> CreateFor(Services& services, const RequestContext& ctx,
                                 bool on_behalf_of) {
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  std::string principal;
  if (on_behalf_of) {
    KEEL_RETURN_IF_ERROR(f.RejectUnknown({"application_id", "lifetime_seconds", "comment"}));
    KEEL_ASSIGN_OR_RETURN(principal, f.RequiredString("application_id"));
  } else {
    KEEL_RETURN_IF_ERROR(f.RejectUnknown({"lifetime_seconds", "comment"}));
  }
  KEEL_ASSIGN_OR_RETURN(auto lifetime, f.OptionalInt("lifetime_seconds"));
  KEEL_ASSIGN_OR_RETURN(auto comment, f.OptionalString("comment"));
  KEEL_ASSIGN_OR_RETURN(auto created,
                        services.catalog->CreateToken(ctx.caller(), principal,
                                                      lifetime.value_or(0), comment.value_or("")));
  json::Value out;
  out.Set("token_value", created.token_value);
  out.Set("token_info", RenderTokenInfo(created.info));
  return http::Response::Json(200, out);
}

}  // namespace

Result<http::Response> CreateToken(Services& services, const RequestContext& ctx) {
  return CreateFor(services, ctx, false);
}

Result<http::Response> CreateTokenOnBehalfOf(Services& services, const RequestContext& ctx) {
  return CreateFor(services, ctx, true);
}

Result<http::Response> ListTokens(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(auto tokens, services.catalog->ListTokens(ctx.caller(), ""));
  json::Value list = json::Value::MakeArray();
  for (const auto& t : tokens) {
    if (t.revoked_at == 0) list.Append(RenderTokenInfo(t));
  }
  json::Value body;
  body.Set("token_infos", std::move(list));
  return http::Response::Json(200, body);
}

Result<http::Response> DeleteToken(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_RETURN_IF_ERROR(f.RejectUnknown({"token_id"}));
  KEEL_ASSIGN_OR_RETURN(std::string id, f.RequiredString("token_id"));
  KEEL_RETURN_IF_ERROR(services.catalog->RevokeToken(ctx.caller(), id));
  return http::Response::Json(200, json::Value::MakeObject());
}

}  // namespace keel::server::handlers
