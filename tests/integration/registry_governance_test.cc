// Who may do what in the model registry, under the grants of `keel init`: scientists and
// engineers develop in dev, only keel-automation writes prod, and reading a version's files
// takes EXECUTE (inherited from the catalog) while seeing the model takes only BROWSE.

#include <string>

#include "integration/registry_fixture.h"

namespace keel::integration {

namespace {

constexpr char kProdModel[] = "prod.default.m";
constexpr char kDevModel[] = "dev.default.alice_model";

class RegistryGovernanceTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    alice_ = std::make_unique<testutil::ApiClient>(As(alice_token_));
    bob_ = std::make_unique<testutil::ApiClient>(As(bob_token_));
    automation_ = std::make_unique<testutil::ApiClient>(As(automation_token_));
  }

  // Automation trains in an experiment it owns, registers prod.default.m version 1 and points
  // `champion` at it. Returns the uploaded files.
  std::map<std::string, std::string> PublishProdModel() {
    automation_run_ = CreateRun(*automation_, "/Shared/prod-training");
    std::map<std::string, std::string> files =
        UploadModel(*automation_, automation_run_, "model", "prod");
    json::Value created =
        Ok(*automation_, "POST", "/registered-models/create", Body({{"name", kProdModel}}));
    EXPECT_EQ(Str(created.Find("registered_model"), "user_id"), "keel-automation");
    json::Value v1 = RegisterModel(*automation_, automation_run_, "model", kProdModel);
    ExpectModelVersion(v1, kProdModel, "1", "keel-automation",
                       automation_run_.artifact_uri() + "/model", automation_run_.run_id);
    Ok(*automation_, "POST", "/registered-models/alias",
       Body({{"name", kProdModel}, {"alias", "champion"}, {"version", "1"}}));
    return files;
  }

  // The status of one request (a transport failure is a test failure and status 0).
  int StatusOf(const testutil::ApiClient& who, std::string_view method, const std::string& target,
               std::string_view body = {}) {
    return Call(who, method, target, body).status;
  }

  void Denied(const testutil::ApiClient& who, std::string_view method, const std::string& path,
              std::string_view body = {}) {
    Fail(who, method, path, body, 403, "PERMISSION_DENIED");
  }

  std::unique_ptr<testutil::ApiClient> alice_, bob_, automation_;
  RunRef automation_run_;
};

TEST_F(RegistryGovernanceTest, ScientistsRegisterInDevButOnlyAutomationWritesProd) {
  RunRef run = CreateRun(*alice_, "/Users/alice/governance");
  UploadModel(*alice_, run, "model", "alice");

  // dev: ALL_PRIVILEGES for data-scientists.
  Ok(*alice_, "POST", "/registered-models/create", Body({{"name", kDevModel}}));
  json::Value dev_v1 = RegisterModel(*alice_, run, "model", kDevModel);
  ExpectModelVersion(dev_v1, kDevModel, "1", "alice", run.artifact_uri() + "/model", run.run_id);

  // prod: scientists are read-only, so no CREATE_MODEL.
  Denied(*alice_, "POST", "/registered-models/create", Body({{"name", "prod.default.alice"}}));
  Fail(*admin_, "GET", "/registered-models/get" + Query({{"name", "prod.default.alice"}}), "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  Denied(*bob_, "POST", "/registered-models/create", Body({{"name", "prod.default.bob"}}));

  std::map<std::string, std::string> prod_files = PublishProdModel();

  // Adding a version to automation's prod model takes ownership or MANAGE.
  Denied(*alice_, "POST", "/model-versions/create",
         Body({{"name", kProdModel},
               {"source", run.artifact_uri() + "/model"},
               {"run_id", run.run_id}}));
  EXPECT_EQ(SearchVersions(*automation_, "name='prod.default.m'").size(), 1u);

  // Reading: EXECUTE comes from the seed's read-only grant on prod.
  json::Value model = Ok(*alice_, "GET", "/registered-models/get" + Query({{"name", kProdModel}}));
  EXPECT_EQ(Str(model.Find("registered_model"), "user_id"), "keel-automation");
  json::Value version =
      Ok(*alice_, "GET", "/model-versions/get" + Query({{"name", kProdModel}, {"version", "1"}}));
  ExpectModelVersion(*version.Find("model_version"), kProdModel, "1", "keel-automation",
                     automation_run_.artifact_uri() + "/model", automation_run_.run_id);
  json::Value by_alias =
      Ok(*alice_, "GET",
         "/registered-models/alias" + Query({{"name", kProdModel}, {"alias", "champion"}}));
  EXPECT_EQ(Str(by_alias.Find("model_version"), "version"), "1");
  std::string download_uri;
  EXPECT_EQ(DownloadModelsUri(*alice_, kProdModel, "champion", "", &download_uri), prod_files);
  EXPECT_EQ(DownloadModelsUri(*bob_, kProdModel, "champion"), prod_files);

  // Writing automation's prod model: refused to scientists and engineers alike.
  for (const testutil::ApiClient* who : {alice_.get(), bob_.get()}) {
    Denied(*who, "POST", "/registered-models/alias",
           Body({{"name", kProdModel}, {"alias", "champion"}, {"version", "1"}}));
    Denied(*who, "POST", "/registered-models/alias",
           Body({{"name", kProdModel}, {"alias", "challenger"}, {"version", "1"}}));
    Denied(*who, "DELETE", "/registered-models/alias",
           Body({{"name", kProdModel}, {"alias", "champion"}}));
    Denied(*who, "POST", "/registered-models/set-tag",
           Body({{"name", kProdModel}, {"key", "k"}, {"value", "v"}}));
    Denied(*who, "PATCH", "/registered-models/update",
           Body({{"name", kProdModel}, {"description", "mine now"}}));
    Denied(*who, "POST", "/registered-models/rename",
           Body({{"name", kProdModel}, {"new_name", "prod.default.renamed"}}));
    Denied(*who, "POST", "/model-versions/set-tag",
           Body({{"name", kProdModel}, {"version", "1"}, {"key", "k"}, {"value", "v"}}));
    Denied(*who, "PATCH", "/model-versions/update",
           Body({{"name", kProdModel}, {"version", "1"}, {"description", "x"}}));
    Denied(*who, "DELETE", "/model-versions/delete",
           Body({{"name", kProdModel}, {"version", "1"}, {"remove_aliases", true}}));
    Denied(*who, "DELETE", "/registered-models/delete", Body({{"name", kProdModel}}));
  }
  // Nothing changed.
  model = Ok(*automation_, "GET", "/registered-models/get" + Query({{"name", kProdModel}}));
  const json::Value* rm = model.Find("registered_model");
  ASSERT_NE(rm, nullptr);
  EXPECT_EQ(ModelAliases(*rm), (std::map<std::string, std::string>{{"champion", "1"}}));
  EXPECT_EQ(rm->Find("description"), nullptr) << rm->Dump();
  EXPECT_EQ(rm->Find("tags"), nullptr) << rm->Dump();
  EXPECT_EQ(Str(*rm, "name"), kProdModel);

  // The admin revokes EXECUTE on prod from data-scientists.
  testutil::ApiResponse revoked =
      Call(*admin_, "PATCH", "/api/2.1/unity-catalog/permissions/catalog/prod",
           R"({"changes": [{"principal": "data-scientists", "remove": ["EXECUTE"]}]})");
  ASSERT_EQ(revoked.status, 200) << revoked.body;

  // Version metadata, aliases and files are now refused to alice...
  Denied(*alice_, "GET", "/model-versions/get" + Query({{"name", kProdModel}, {"version", "1"}}));
  Denied(*alice_, "GET",
         "/registered-models/alias" + Query({{"name", kProdModel}, {"alias", "champion"}}));
  Denied(*alice_, "GET",
         "/model-versions/get-download-uri" + Query({{"name", kProdModel}, {"version", "1"}}));
  std::string root = ProxyPath(download_uri);
  ASSERT_FALSE(root.empty()) << download_uri;
  testutil::ApiResponse listed =
      Call(*alice_, "GET", std::string(kArtifactsApi) + Query({{"path", root}}));
  EXPECT_EQ(listed.status, 403) << listed.body;
  EXPECT_EQ(listed.error_code(), "PERMISSION_DENIED") << listed.body;
  for (const auto& [name, content] : prod_files) {
    testutil::ApiResponse file =
        Call(*alice_, "GET", std::string(kArtifactsApi) + "/" + root + "/" + name);
    EXPECT_EQ(file.status, 403) << name << " -> " << file.body.substr(0, 200);
    EXPECT_EQ(file.body.find("model_uuid"), std::string::npos) << "leaked " << name;
  }
  // ...search_model_versions shows her nothing of it...
  testutil::ApiResponse searched =
      Call(*alice_, "GET",
           std::string(kMlflowApi) + "/model-versions/search" +
               Query({{"filter", "name='prod.default.m'"}, {"max_results", "10000"}}));
  EXPECT_TRUE(searched.status == 403 ||
              (searched.status == 200 && Items(searched.json, "model_versions").empty()))
      << searched.body;
  // ...and she cannot copy it into dev.
  Denied(*alice_, "POST", "/model-versions/create",
         Body({{"name", kDevModel}, {"source", "models:/prod.default.m@champion"}}));
  Denied(*alice_, "POST", "/model-versions/create",
         Body({{"name", kDevModel}, {"source", "models:/prod.default.m/1"}}));
  EXPECT_EQ(SearchVersions(*alice_, "name='dev.default.alice_model'").size(), 1u);

  // BROWSE remains: she still sees the registered model.
  json::Value seen = Ok(*alice_, "GET", "/registered-models/get" + Query({{"name", kProdModel}}));
  EXPECT_EQ(Str(seen.Find("registered_model"), "name"), kProdModel);
  json::Value found = Ok(
      *alice_, "GET", "/registered-models/search" + Query({{"filter", "name='prod.default.m'"}}));
  ASSERT_EQ(Items(found, "registered_models").size(), 1u) << found.Dump();
  EXPECT_EQ(Str(Items(found, "registered_models")[0], "name"), kProdModel);

  // Engineers keep their EXECUTE; automation is untouched.
  EXPECT_EQ(DownloadModelsUri(*bob_, kProdModel, "champion"), prod_files);
  Ok(*automation_, "POST", "/registered-models/alias",
     Body({{"name", kProdModel}, {"alias", "challenger"}, {"version", "1"}}));
}

// The source run must be readable by the caller (CAN_READ on its experiment), even when the
// caller may write the target model.
TEST_F(RegistryGovernanceTest, RegisteringARunTakesReadAccessToItsExperiment) {
  RunRef run = CreateRun(*alice_, "/Users/alice/private");
  UploadModel(*alice_, run, "model", "private");
  Ok(*bob_, "POST", "/registered-models/create", Body({{"name", "dev.default.bob_model"}}));
  for (const std::string& source :
       {"runs:/" + run.run_id + "/model", run.artifact_uri() + "/model"}) {
    Denied(*bob_, "POST", "/model-versions/create",
           Body({{"name", "dev.default.bob_model"}, {"source", source}, {"run_id", run.run_id}}));
  }
  EXPECT_TRUE(SearchVersions(*bob_, "name='dev.default.bob_model'").empty());

  // Once alice shares the experiment (CAN_READ), bob can register it.
  testutil::ApiResponse shared =
      Call(*alice_, "PATCH", "/api/2.0/permissions/experiments/" + run.experiment_id,
           R"({"access_control_list": [{"user_name": "bob", "permission_level": "CAN_READ"}]})");
  ASSERT_EQ(shared.status, 200) << shared.body;
  json::Value v1 = RegisterModel(*bob_, run, "model", "dev.default.bob_model");
  ExpectModelVersion(v1, "dev.default.bob_model", "1", "bob", run.artifact_uri() + "/model",
                     run.run_id);
}

// MANAGE inherited from the catalog lets a colleague administer a model he does not own; a
// principal with no grant neither sees nor reads it; BROWSE alone shows the model but not its
// versions.
TEST_F(RegistryGovernanceTest, ManageBrowseAndNoGrantDecideWhatOthersSeeAndDo) {
  RunRef run = CreateRun(*alice_, "/Users/alice/shared");
  std::map<std::string, std::string> files = UploadModel(*alice_, run, "model", "shared");
  RegisterModel(*alice_, run, "model", kDevModel);
  RegisterModel(*alice_, run, "model", kDevModel);

  // bob (ml-engineers: ALL_PRIVILEGES and MANAGE on dev) may move aliases and tag it.
  Ok(*bob_, "POST", "/registered-models/alias",
     Body({{"name", kDevModel}, {"alias", "champion"}, {"version", "2"}}));
  Ok(*bob_, "POST", "/registered-models/set-tag",
     Body({{"name", kDevModel}, {"key", "reviewed_by"}, {"value", "bob"}}));
  EXPECT_EQ(DownloadModelsUri(*bob_, kDevModel, "champion"), files);

  // carol has no group and no grant.
  json::Value user;
  user.Set("userName", "carol");
  testutil::ApiResponse made = Call(*admin_, "POST", "/api/2.0/preview/scim/v2/Users", user.Dump());
  ASSERT_EQ(made.status, 201) << made.body;
  testutil::ApiClient carol = As(MakeToken("carol"));
  Denied(carol, "GET", "/registered-models/get" + Query({{"name", kDevModel}}));
  Denied(carol, "GET", "/model-versions/get" + Query({{"name", kDevModel}, {"version", "1"}}));
  Denied(carol, "GET",
         "/registered-models/alias" + Query({{"name", kDevModel}, {"alias", "champion"}}));
  Denied(carol, "GET",
         "/model-versions/get-download-uri" + Query({{"name", kDevModel}, {"version", "1"}}));
  Denied(carol, "POST", "/registered-models/alias",
         Body({{"name", kDevModel}, {"alias", "champion"}, {"version", "1"}}));
  Denied(carol, "POST", "/registered-models/create", Body({{"name", "dev.default.carol"}}));
  json::Value none = Ok(carol, "GET", "/registered-models/search");
  EXPECT_EQ(none.Find("registered_models"), nullptr) << none.Dump();
  testutil::ApiResponse versions = Call(carol, "GET",
                                        std::string(kMlflowApi) + "/model-versions/search" +
                                            Query({{"filter", "name='dev.default.alice_model'"}}));
  EXPECT_TRUE(versions.status == 403 ||
              (versions.status == 200 && Items(versions.json, "model_versions").empty()))
      << versions.body;

  // staging: scientists have BROWSE only, engineers read-only.
  RunRef staging_run = CreateRun(*automation_, "/Shared/staging-training");
  std::map<std::string, std::string> staging_files =
      UploadModel(*automation_, staging_run, "model", "staging");
  json::Value sv1 = RegisterModel(*automation_, staging_run, "model", "staging.default.s");
  EXPECT_EQ(Str(sv1, "version"), "1");
  json::Value seen =
      Ok(*alice_, "GET", "/registered-models/get" + Query({{"name", "staging.default.s"}}));
  EXPECT_EQ(Str(seen.Find("registered_model"), "name"), "staging.default.s");
  Denied(*alice_, "GET",
         "/model-versions/get" + Query({{"name", "staging.default.s"}, {"version", "1"}}));
  Denied(*alice_, "GET",
         "/model-versions/get-download-uri" +
             Query({{"name", "staging.default.s"}, {"version", "1"}}));
  EXPECT_EQ(DownloadModelsUri(*bob_, "staging.default.s", "", "1"), staging_files);
  Denied(*bob_, "POST", "/registered-models/create", Body({{"name", "staging.default.bob"}}));

  // search_registered_models lists exactly what each caller can see.
  json::Value alice_sees = Ok(*alice_, "GET", "/registered-models/search");
  std::vector<std::string> names;
  for (const json::Value& m : Items(alice_sees, "registered_models"))
    names.push_back(Str(m, "name"));
  EXPECT_EQ(names, (std::vector<std::string>{"dev.default.alice_model", "staging.default.s"}));
}

}  // namespace
}  // namespace keel::integration
