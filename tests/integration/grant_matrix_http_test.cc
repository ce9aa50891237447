// Issue 2 acceptance: through HTTP, each persona gets exactly the access the seed grants of
// `keel init` give (allowed, or 403 PERMISSION_DENIED). The service-level matrix, with data
// privileges (SELECT, MODIFY, EXECUTE, volumes), is tests/catalog/grant_matrix_test.cc.

#include <string>

#include "integration/workspace_fixture.h"

namespace keel::integration {
namespace {

// One letter per operation, in this order; '-' where the persona must be refused.
//  B  GET the catalog                      (BROWSE or any privilege)
//  L  the catalog appears in GET /catalogs
//  S  POST a schema in it                  (USE_CATALOG + CREATE_SCHEMA)
//  V  POST a volume in <cat>.default       (USE_SCHEMA + CREATE_VOLUME)
//  P  GET permissions of <cat>.default     (see the schema)
//  M  PATCH permissions of <cat>.default   (MANAGE or ownership)
//  E  GET effective permissions of <cat>
//  T  PATCH tags of <cat>.default          (APPLY_TAG)
constexpr char kOps[] = "BLSVPMET";

struct Expectation {
  const char* persona;
  const char* catalog;
  const char* allowed;
};

// Written by hand from the rules in docs/concepts.md, not computed by the code under test.
constexpr Expectation kMatrix[] = {
    {"admin", "dev", "BLSVPMET"},      {"admin", "staging", "BLSVPMET"},
    {"admin", "prod", "BLSVPMET"},     {"alice", "dev", "BLSVPMET"},
    {"alice", "staging", "BL--P-E-"},  {"alice", "prod", "BL--P-E-"},
    {"bob", "dev", "BLSVPMET"},        {"bob", "staging", "BL--P-E-"},
    {"bob", "prod", "BL--P-E-"},       {"automation", "dev", "--------"},
    {"automation", "staging", "BLSVP-ET"}, {"automation", "prod", "BLSVP-ET"},
};

class GrantMatrixHttpTest : public WorkspaceTest {
 protected:
  std::string TokenOf(const std::string& persona) {
    if (persona == "admin") return admin_token_;
    if (persona == "alice") return alice_token_;
    if (persona == "bob") return bob_token_;
    return automation_token_;
  }

  // Runs operation `op` as `client`; returns the HTTP status (or -1 on transport failure).
  int Run(char op, const testutil::ApiClient& client, const std::string& persona,
          const std::string& cat, std::string* body) {
    std::string uc = "/api/2.1/unity-catalog";
    Result<testutil::ApiResponse> r = Status::Internal("no operation");
    switch (op) {
      case 'B': r = client.Get(uc + "/catalogs/" + cat); break;
      case 'L': {
        r = client.Get(uc + "/catalogs");
        if (r.ok() && r->status == 200) {
          bool listed = false;
          for (const auto& c : r->json.Find("catalogs")->as_array()) {
            listed = listed || c.Find("name")->as_string() == cat;
          }
          return listed ? 200 : 403;
        }
        break;
      }
      case 'S': {
        json::Value b;
        b.Set("name", "s_" + persona);
        b.Set("catalog_name", cat);
        r = client.Post(uc + "/schemas", b);
        break;
      }
      case 'V': {
        json::Value b;
        b.Set("name", "v_" + persona);
        b.Set("catalog_name", cat);
        b.Set("schema_name", "default");
        b.Set("volume_type", "MANAGED");
        r = client.Post(uc + "/volumes", b);
        break;
      }
      case 'P': r = client.Get(uc + "/permissions/schema/" + cat + ".default"); break;
      case 'M': {
        auto b = json::Parse(R"({"changes":[{"principal":"alice","add":["USE_SCHEMA"]}]})");
        r = client.Patch(uc + "/permissions/schema/" + cat + ".default", *b);
        break;
      }
      case 'E': r = client.Get(uc + "/effective-permissions/catalog/" + cat); break;
      case 'T': {
        auto b = json::Parse(R"({"set":[{"key":"env","value":"x"}]})");
        r = client.Patch(uc + "/tags/schema/" + cat + ".default", *b);
        break;
      }
    }
    if (!r.ok()) return -1;
    *body = r->body;
    if (r->status == 403) {
      EXPECT_EQ(r->error_code(), "PERMISSION_DENIED") << r->body;
    }
    return r->status;
  }
};

TEST_F(GrantMatrixHttpTest, EachPersonaGetsExactlyTheSeededAccess) {
  for (const Expectation& e : kMatrix) {
    testutil::ApiClient client = As(TokenOf(e.persona));
    for (size_t i = 0; i < sizeof(kOps) - 1; ++i) {
      char op = kOps[i];
      bool allowed = e.allowed[i] == op;
      std::string body;
      int status = Run(op, client, e.persona, e.catalog, &body);
      EXPECT_EQ(status, allowed ? 200 : 403)
          << e.persona << " on " << e.catalog << " op " << op << ": " << body;
    }
  }
}

TEST_F(GrantMatrixHttpTest, AGrantThroughHttpOpensAccessAndARevokeClosesIt) {
  testutil::ApiClient alice = As(alice_token_);
  json::Value schema;
  schema.Set("name", "team");
  schema.Set("catalog_name", "staging");
  ASSERT_EQ(alice.Post("/api/2.1/unity-catalog/schemas", schema)->status, 403);
  auto grant = json::Parse(
      R"({"changes":[{"principal":"data-scientists","add":["USE_CATALOG","CREATE_SCHEMA"]}]})");
  auto r = admin_->Patch("/api/2.1/unity-catalog/permissions/catalog/staging", *grant);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(alice.Post("/api/2.1/unity-catalog/schemas", schema)->status, 200);
  auto revoke = json::Parse(
      R"({"changes":[{"principal":"data-scientists","remove":["CREATE_SCHEMA"]}]})");
  ASSERT_EQ(admin_->Patch("/api/2.1/unity-catalog/permissions/catalog/staging", *revoke)->status,
            200);
  schema.Set("name", "team2");
  EXPECT_EQ(alice.Post("/api/2.1/unity-catalog/schemas", schema)->status, 403);
  // The owner of the schema alice made may manage it, though she cannot create another.
  auto manage = json::Parse(R"({"changes":[{"principal":"bob","add":["USE_SCHEMA"]}]})");
  EXPECT_EQ(alice.Patch("/api/2.1/unity-catalog/permissions/schema/staging.team", *manage)->status,
            200);
}

TEST_F(GrantMatrixHttpTest, OnlyAdminsManagePrincipals) {
  json::Value user;
  user.Set("userName", "mallory");
  auto r = As(alice_token_).Post("/api/2.0/preview/scim/v2/Users", user);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->error_code(), "PERMISSION_DENIED");
  json::Value token;
  token.Set("application_id", "keel-automation");
  EXPECT_EQ(As(alice_token_).Post("/api/2.0/token-management/on-behalf-of/tokens", token)->status,
            403);
  // Everyone may see who they are.
  auto me = As(alice_token_).Get("/api/2.0/preview/scim/v2/Me");
  ASSERT_EQ(me->status, 200);
  EXPECT_EQ(me->json.Find("userName")->as_string(), "alice");
}

}  // namespace
}  // namespace keel::integration
