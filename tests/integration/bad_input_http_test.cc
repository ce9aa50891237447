// Issue 2 acceptance: bad input gets the right error code and leaves the metastore unchanged.

#include <unistd.h>

#include <string>

#include "integration/workspace_fixture.h"

namespace keel::integration {
namespace {

class BadInputHttpTest : public WorkspaceTest {
 protected:
  // Everything an admin can observe: catalogs, schemas, volumes, permissions, principals and
  // tokens. Equal snapshots mean a request changed nothing.
  std::string Snapshot() {
    std::string out;
    auto add = [&](const std::string& target) {
      auto r = admin_->Get(target);
      out += target + " -> " + (r.ok() ? std::to_string(r->status) + " " + r->body : "error") +
             "\n";
      return r.ok() ? r->json : json::Value();
    };
    json::Value catalogs = add("/api/2.1/unity-catalog/catalogs");
    for (const auto& c : catalogs.Find("catalogs")->as_array()) {
      std::string cat = c.Find("name")->as_string();
      add("/api/2.1/unity-catalog/permissions/catalog/" + cat);
      json::Value schemas = add("/api/2.1/unity-catalog/schemas?catalog_name=" + cat);
      for (const auto& s : schemas.Find("schemas")->as_array()) {
        std::string full = s.Find("full_name")->as_string();
        add("/api/2.1/unity-catalog/permissions/schema/" + full);
        add("/api/2.1/unity-catalog/tags/schema/" + full);
        add("/api/2.1/unity-catalog/volumes?catalog_name=" + cat +
            "&schema_name=" + s.Find("name")->as_string());
      }
    }
    add("/api/2.0/preview/scim/v2/Users");
    add("/api/2.0/preview/scim/v2/Groups");
    add("/api/2.0/preview/scim/v2/ServicePrincipals");
    add("/api/2.0/token/list");
    return out;
  }

  // Sends a request and checks its status and error_code, and that nothing changed.
  void ExpectRefused(const testutil::ApiClient& client, std::string_view method,
                     const std::string& target, std::string_view body, int status,
                     std::string_view error_code) {
    std::string before = Snapshot();
    auto r = client.Call(method, target, body);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, status) << method << " " << target << " " << body.substr(0, 200)
                                 << " -> " << r->body;
    if (!error_code.empty()) {
      EXPECT_EQ(r->error_code(), error_code) << r->body;
      const json::Value* message = r->json.Find("message");
      EXPECT_TRUE(message && message->is_string() && !message->as_string().empty()) << r->body;
    }
    EXPECT_EQ(Snapshot(), before) << "metastore changed by " << method << " " << target;
  }
};

constexpr char kSchemas[] = "/api/2.1/unity-catalog/schemas";
constexpr char kCatalogs[] = "/api/2.1/unity-catalog/catalogs";

TEST_F(BadInputHttpTest, MalformedJsonIsMalformedRequestOnEveryWriteRoute) {
  for (const char* target :
       {kCatalogs, kSchemas, "/api/2.1/unity-catalog/volumes", "/api/2.0/token/create",
        "/api/2.0/preview/scim/v2/Users", "/api/2.0/preview/scim/v2/Groups"}) {
    for (const char* body : {"{", "{\"name\": }", "[1,2]", "nul", "{\"name\":\"x\"} trailing",
                             "\"just a string\""}) {
      ExpectRefused(*admin_, "POST", target, body, 400, "");
    }
  }
  ExpectRefused(*admin_, "PATCH", "/api/2.1/unity-catalog/permissions/catalog/dev", "{\"changes\":",
                400, "MALFORMED_REQUEST");
}

TEST_F(BadInputHttpTest, WrongTypesMissingAndUnknownFieldsAreInvalidParameterValue) {
  const char* cases[][2] = {
      {kCatalogs, R"({"name": 5})"},
      {kCatalogs, R"({"name": ["a"]})"},
      {kCatalogs, R"({})"},
      {kCatalogs, R"({"name": "ok", "comment": 7})"},
      {kCatalogs, R"({"name": "ok", "properties": {"a": 1}})"},
      {kCatalogs, R"({"name": "ok", "surprise": true})"},
      {kSchemas, R"({"name": "ok"})"},
      {kSchemas, R"({"name": "ok", "catalog_name": false})"},
      {"/api/2.0/token/create", R"({"lifetime_seconds": "soon"})"},
      {"/api/2.0/token/create", R"({"lifetime_seconds": -5})"},
      {"/api/2.0/preview/scim/v2/Users", R"({"userName": {"x": 1}})"},
  };
  for (const auto& c : cases) ExpectRefused(*admin_, "POST", c[0], c[1], 400, "INVALID_PARAMETER_VALUE");
  ExpectRefused(*admin_, "PATCH", "/api/2.1/unity-catalog/permissions/catalog/dev",
                R"({"changes": [{"principal": "alice", "add": ["FLY"]}]})", 400,
                "INVALID_PARAMETER_VALUE");
  ExpectRefused(*admin_, "PATCH", "/api/2.1/unity-catalog/permissions/catalog/dev",
                R"({"changes": [{"principal": "alice", "add": "SELECT"}]})", 400,
                "INVALID_PARAMETER_VALUE");
  // One bad change in a batch leaves the good ones unapplied too.
  ExpectRefused(*admin_, "PATCH", "/api/2.1/unity-catalog/permissions/catalog/dev",
                R"({"changes": [{"principal": "bob", "add": ["SELECT"]},
                                {"principal": "nobody", "add": ["SELECT"]}]})",
                404, "RESOURCE_DOES_NOT_EXIST");
  ExpectRefused(*admin_, "PATCH", "/api/2.1/unity-catalog/permissions/table/dev.default",
                R"({"changes": []})", 400, "INVALID_PARAMETER_VALUE");
}

TEST_F(BadInputHttpTest, BadNamesAreRefusedInBodiesAndPaths) {
  std::string long_name(300, 'a');
  for (std::string name : {std::string(".."), std::string("a/b"), std::string("a\\u0000b"),
                           std::string("a b"), std::string(""), std::string("-x"),
                           std::string("a.b"), std::string("caf\u00e9"), long_name,
                           std::string("..\\/..\\/etc")}) {
    ExpectRefused(*admin_, "POST", kCatalogs, "{\"name\": \"" + name + "\"}", 400,
                  "INVALID_PARAMETER_VALUE");
    ExpectRefused(*admin_, "POST", kSchemas,
                  "{\"name\": \"" + name + "\", \"catalog_name\": \"dev\"}", 400,
                  "INVALID_PARAMETER_VALUE");
  }
  // Traversal in the path: decoded, then refused as a name, never used as a path.
  for (const char* target : {"/api/2.1/unity-catalog/catalogs/..%2F..%2Fetc",
                             "/api/2.1/unity-catalog/schemas/dev.%2e%2e",
                             "/api/2.1/unity-catalog/permissions/catalog/a%2Fb"}) {
    ExpectRefused(*admin_, "GET", target, "", 400, "INVALID_PARAMETER_VALUE");
  }
  // Undecodable escapes and encoded NULs are refused by the HTTP layer itself.
  ExpectRefused(*admin_, "GET", "/api/2.1/unity-catalog/catalogs/%zz", "", 400, "");
  ExpectRefused(*admin_, "GET", "/api/2.1/unity-catalog/catalogs/%00", "", 400, "");
  ExpectRefused(*admin_, "GET", "/api/2.1/unity-catalog/permissions/planet/dev", "", 400,
                "INVALID_PARAMETER_VALUE");
  ExpectRefused(*admin_, "POST", "/api/2.0/preview/scim/v2/Users", R"({"userName": "../root"})",
                400, "INVALID_PARAMETER_VALUE");
}

TEST_F(BadInputHttpTest, ExistingNamesIgnoringCaseAreAlreadyExistsWith400) {
  ExpectRefused(*admin_, "POST", kCatalogs, R"({"name": "DEV"})", 400, "RESOURCE_ALREADY_EXISTS");
  ExpectRefused(*admin_, "POST", kSchemas, R"({"name": "Default", "catalog_name": "prod"})", 400,
                "RESOURCE_ALREADY_EXISTS");
  ExpectRefused(*admin_, "POST", "/api/2.0/preview/scim/v2/Users", R"({"userName": "ALICE"})", 400,
                "RESOURCE_ALREADY_EXISTS");
}

TEST_F(BadInputHttpTest, OversizeBodiesAndHugeValuesAreRefused) {
  // Over the server's 64 MiB body limit: refused before it is read whole.
  std::string huge = "{\"name\": \"" + std::string(65u << 20, 'x') + "\"}";
  ExpectRefused(*admin_, "POST", kCatalogs, huge, 413, "");
  std::string big_comment = "{\"name\": \"ok\", \"comment\": \"" + std::string(100000, 'c') + "\"}";
  ExpectRefused(*admin_, "POST", kCatalogs, big_comment, 400, "INVALID_PARAMETER_VALUE");
  std::string deep(10000, '[');
  ExpectRefused(*admin_, "POST", kCatalogs, deep, 400, "MALFORMED_REQUEST");
}

TEST_F(BadInputHttpTest, MissingBadRevokedAndExpiredTokensAreUnauthenticated) {
  json::Value catalog;
  catalog.Set("name", "sneaky");
  std::string body = catalog.Dump();
  ExpectRefused(admin_->As(""), "POST", kCatalogs, body, 401, "UNAUTHENTICATED");
  ExpectRefused(admin_->As("keel0000"), "POST", kCatalogs, body, 401, "UNAUTHENTICATED");
  ExpectRefused(admin_->As(std::string(10000, 'k')), "POST", kCatalogs, body, 401,
                "UNAUTHENTICATED");

  // A revoked token stops working at once.
  auto created = admin_->Post("/api/2.0/token/create", *json::Parse(R"({"comment": "tmp"})"));
  ASSERT_EQ(created->status, 200);
  std::string token = created->json.Find("token_value")->as_string();
  std::string id = created->json.Find("token_info")->Find("token_id")->as_string();
  EXPECT_EQ(admin_->As(token).Get(kCatalogs)->status, 200);
  json::Value del;
  del.Set("token_id", id);
  ASSERT_EQ(admin_->Post("/api/2.0/token/delete", del)->status, 200);
  ExpectRefused(admin_->As(token), "POST", kCatalogs, body, 401, "UNAUTHENTICATED");

  // An expired token too.
  auto short_lived =
      admin_->Post("/api/2.0/token/create", *json::Parse(R"({"lifetime_seconds": 1})"));
  ASSERT_EQ(short_lived->status, 200);
  std::string expiring = short_lived->json.Find("token_value")->as_string();
  usleep(1'200'000);
  ExpectRefused(admin_->As(expiring), "POST", kCatalogs, body, 401, "UNAUTHENTICATED");
}

TEST_F(BadInputHttpTest, ATagPatchWithOneBadChangeChangesNoTag) {
  std::string long_key(300, 'k');
  ExpectRefused(*admin_, "PATCH", "/api/2.1/unity-catalog/tags/schema/dev.default",
                R"({"set": [{"key": "env", "value": "dev"}, {"key": ")" + long_key +
                    R"(", "value": "x"}]})",
                400, "INVALID_PARAMETER_VALUE");
  ExpectRefused(*admin_, "PATCH", "/api/2.1/unity-catalog/tags/schema/dev.default",
                R"({"set": [{"key": "env", "value": "dev"}], "unset": [""]})", 400,
                "INVALID_PARAMETER_VALUE");
  auto ok = admin_->Patch("/api/2.1/unity-catalog/tags/schema/dev.default",
                          *json::Parse(R"({"set": [{"key": "env", "value": "dev"}]})"));
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(ok->json.Find("tags")->size(), 1u);
}

TEST_F(BadInputHttpTest, UnknownRoutesAnswerPlain404) {
  auto r = admin_->Get("/api/2.0/mlflow/no-such-thing");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->error_code(), "ENDPOINT_NOT_FOUND");
  EXPECT_EQ(admin_->Call("PUT", kCatalogs)->status, 404);
}

}  // namespace
}  // namespace keel::integration
