// Unity Catalog's model API (/api/2.1/unity-catalog/models/...) over the same registry the MLflow
// API writes: RegisteredModelInfo and ModelVersionInfo shapes, aliases, updates, deletes and
// grants.

#include "integration/registry_fixture.h"

namespace keel::integration {
namespace {

constexpr char kUcModels[] = "/api/2.1/unity-catalog/models";

class RegistryUcApiTest : public RegistryTest {
 protected:
  testutil::ApiResponse Uc(const testutil::ApiClient& who, std::string_view method,
                           const std::string& path, std::string_view body = {}) {
    return Call(who, method, std::string(kUcModels) + path, body);
  }
};

TEST_F(RegistryUcApiTest, ModelsVersionsAndAliasesReadAndChangeInUnityCatalogShapes) {
  testutil::ApiClient alice = As(alice_token_);
  testutil::ApiResponse created = Uc(alice, "POST", "",
                                     Body({{"name", "churn"},
                                           {"catalog_name", "dev"},
                                           {"schema_name", "default"},
                                           {"comment", "churn classifier"}}));
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Str(created.json, "full_name"), "dev.default.churn");
  EXPECT_EQ(Str(created.json, "name"), "churn");
  EXPECT_EQ(Str(created.json, "catalog_name"), "dev");
  EXPECT_EQ(Str(created.json, "schema_name"), "default");
  EXPECT_EQ(Str(created.json, "owner"), "alice");
  EXPECT_EQ(Str(created.json, "comment"), "churn classifier");
  EXPECT_EQ(Str(created.json, "securable_type"), "REGISTERED_MODEL");
  EXPECT_FALSE(Str(created.json, "storage_location").empty());
  EXPECT_TRUE(IsInt(created.json, "created_at"));

  // A version registered through MLflow's API shows up in UC's.
  RunRef run = CreateRun(alice, "/Users/alice/uc");
  UploadModel(alice, run);
  RegisterModel(alice, run, "model", "dev.default.churn");
  RegisterModel(alice, run, "model", "dev.default.churn");
  testutil::ApiResponse versions = Uc(alice, "GET", "/dev.default.churn/versions");
  ASSERT_EQ(versions.status, 200) << versions.body;
  json::Value::Array list = Items(versions.json, "model_versions");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].Find("version")->as_int(), 2);  // newest first
  EXPECT_EQ(Str(list[0], "model_name"), "churn");
  EXPECT_EQ(Str(list[0], "catalog_name"), "dev");
  EXPECT_EQ(Str(list[0], "schema_name"), "default");
  EXPECT_EQ(Str(list[0], "status"), "READY");
  EXPECT_EQ(Str(list[0], "run_id"), run.run_id);
  EXPECT_EQ(Str(list[0], "created_by"), "alice");

  // Aliases: PUT sets, GET resolves, the model lists them.
  testutil::ApiResponse put =
      Uc(alice, "PUT", "/dev.default.churn/aliases/champion", R"({"version_num": 1})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Str(put.json, "alias_name"), "champion");
  EXPECT_EQ(put.json.Find("version_num")->as_int(), 1);
  testutil::ApiResponse by_alias = Uc(alice, "GET", "/dev.default.churn/aliases/champion");
  ASSERT_EQ(by_alias.status, 200) << by_alias.body;
  EXPECT_EQ(by_alias.json.Find("version")->as_int(), 1);
  ASSERT_EQ(Items(by_alias.json, "aliases").size(), 1u);
  testutil::ApiResponse model = Uc(alice, "GET", "/dev.default.churn");
  ASSERT_EQ(model.status, 200);
  json::Value::Array aliases = Items(model.json, "aliases");
  ASSERT_EQ(aliases.size(), 1u);
  EXPECT_EQ(Str(aliases[0], "alias_name"), "champion");
  EXPECT_EQ(aliases[0].Find("version_num")->as_int(), 1);

  // Version comment, model comment and rename in one PATCH, list by schema.
  testutil::ApiResponse v2 =
      Uc(alice, "PATCH", "/dev.default.churn/versions/2", R"({"comment": "retrained"})");
  ASSERT_EQ(v2.status, 200) << v2.body;
  EXPECT_EQ(Str(v2.json, "comment"), "retrained");
  testutil::ApiResponse renamed =
      Uc(alice, "PATCH", "/dev.default.churn", R"({"new_name": "churn_v2", "comment": "renamed"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(Str(renamed.json, "full_name"), "dev.default.churn_v2");
  EXPECT_EQ(Str(renamed.json, "comment"), "renamed");
  EXPECT_EQ(Uc(alice, "GET", "/dev.default.churn").status, 404);
  testutil::ApiResponse listed = Uc(alice, "GET", "?catalog_name=dev&schema_name=default");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(Items(listed.json, "registered_models").size(), 1u);
  EXPECT_EQ(Str(Items(listed.json, "registered_models")[0], "full_name"), "dev.default.churn_v2");

  // UC deletes a version together with its aliases.
  EXPECT_EQ(Uc(alice, "DELETE", "/dev.default.churn_v2/versions/1").status, 200);
  EXPECT_EQ(Uc(alice, "GET", "/dev.default.churn_v2/aliases/champion").status, 404);
  EXPECT_EQ(Uc(alice, "GET", "/dev.default.churn_v2/versions/1").status, 404);
  EXPECT_EQ(Uc(alice, "PUT", "/dev.default.churn_v2/aliases/prod", R"({"version_num": 2})").status,
            200);
  EXPECT_EQ(Uc(alice, "DELETE", "/dev.default.churn_v2/aliases/prod").status, 200);
  EXPECT_EQ(Uc(alice, "DELETE", "/dev.default.churn_v2/aliases/prod").status, 404);
  EXPECT_EQ(Uc(alice, "DELETE", "/dev.default.churn_v2").status, 200);
  EXPECT_EQ(Uc(alice, "GET", "/dev.default.churn_v2").status, 404);
}

TEST_F(RegistryUcApiTest, GrantsAndBadInputAreEnforcedAsInTheMlflowApi) {
  testutil::ApiClient alice = As(alice_token_);
  testutil::ApiClient automation = As(automation_token_);
  EXPECT_EQ(Uc(alice, "POST", "",
               Body({{"name", "m"}, {"catalog_name", "prod"}, {"schema_name", "default"}}))
                .status,
            403);
  ASSERT_EQ(Uc(automation, "POST", "",
               Body({{"name", "m"}, {"catalog_name", "prod"}, {"schema_name", "default"}}))
                .status,
            200);
  EXPECT_EQ(Uc(alice, "GET", "/prod.default.m").status, 200);  // BROWSE via the seed grants
  EXPECT_EQ(Uc(alice, "PATCH", "/prod.default.m", R"({"comment": "mine now"})").status, 403);
  EXPECT_EQ(Uc(alice, "DELETE", "/prod.default.m").status, 403);
  EXPECT_EQ(Uc(alice, "PUT", "/prod.default.m/aliases/champion", R"({"version_num": 1})").status,
            403);
  // Bad input: missing fields, bad names, bad versions and aliases, malformed JSON.
  EXPECT_EQ(Uc(alice, "POST", "", R"({"name": "x"})").status, 400);
  EXPECT_EQ(Uc(alice, "POST", "", "{not json").status, 400);
  EXPECT_EQ(Uc(alice, "GET", "?catalog_name=dev").status, 400);
  EXPECT_EQ(Uc(alice, "GET", "?catalog_name=dev&schema_name=a..b").status, 400);
  EXPECT_EQ(Uc(alice, "GET", "/dev.default/versions").status, 400);
  EXPECT_EQ(Uc(alice, "GET", "/prod.default.m/versions/zero").status, 400);
  EXPECT_EQ(Uc(alice, "GET", "/prod.default.m/versions/0").status, 400);
  EXPECT_EQ(Uc(automation, "PUT", "/prod.default.m/aliases/latest", R"({"version_num": 1})").status,
            400);
  EXPECT_EQ(
      Uc(automation, "PUT", "/prod.default.m/aliases/champion", R"({"version_num": "x"})").status,
      400);
  EXPECT_EQ(
      Uc(automation, "PUT", "/prod.default.m/aliases/champion", R"({"version_num": 9})").status,
      404);
}

}  // namespace
}  // namespace keel::integration
