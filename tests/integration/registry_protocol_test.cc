// The model registry over HTTP as the MLflow Python client speaks it (RestStore, fluent
// register_model, ModelsArtifactRepository): every field of RegisteredModel and ModelVersion,
// aliases instead of stages, the immutable copy of a version's files, bad input, and Keel's
// lineage extension.

#include <string>

#include "integration/registry_fixture.h"

namespace keel::integration {
namespace {

constexpr char kModel[] = "dev.default.churn";

class RegistryProtocolTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    alice_ = std::make_unique<testutil::ApiClient>(As(alice_token_));
  }

  json::Value GetModel(const std::string& name) {
    json::Value got = Ok(*alice_, "GET", "/registered-models/get" + Query({{"name", name}}));
    const json::Value* rm = got.Find("registered_model");
    return rm ? *rm : json::Value();
  }
  json::Value GetVersion(const std::string& name, const std::string& version) {
    json::Value got =
        Ok(*alice_, "GET", "/model-versions/get" + Query({{"name", name}, {"version", version}}));
    const json::Value* mv = got.Find("model_version");
    return mv ? *mv : json::Value();
  }

  std::unique_ptr<testutil::ApiClient> alice_;
};

TEST_F(RegistryProtocolTest, RegisterAliasSearchTagRenameDownloadAndDeleteAsThePythonClientDoes) {
  RunRef run = CreateRun(*alice_, "/Users/alice/churn");
  std::map<std::string, std::string> v1_files = UploadModel(*alice_, run, "model", "v1");

  // mlflow.register_model("runs:/<run>/model", "dev.default.churn"), request by request.
  json::Value created = Ok(*alice_, "POST", "/registered-models/create", Body({{"name", kModel}}));
  const json::Value* rm = created.Find("registered_model");
  ASSERT_NE(rm, nullptr) << created.Dump();
  EXPECT_EQ(Str(*rm, "name"), kModel);
  EXPECT_TRUE(IsInt(*rm, "creation_timestamp")) << rm->Dump();
  EXPECT_TRUE(IsInt(*rm, "last_updated_timestamp")) << rm->Dump();
  EXPECT_EQ(Str(*rm, "user_id"), "alice");
  // Empty fields are omitted, as MLflow's protobuf JSON does.
  EXPECT_EQ(rm->Find("description"), nullptr) << rm->Dump();
  EXPECT_EQ(rm->Find("latest_versions"), nullptr) << rm->Dump();
  EXPECT_EQ(rm->Find("tags"), nullptr) << rm->Dump();
  EXPECT_EQ(rm->Find("aliases"), nullptr) << rm->Dump();
  // register_model tolerates an existing model: that error must be RESOURCE_ALREADY_EXISTS.
  Fail(*alice_, "POST", "/registered-models/create", Body({{"name", kModel}}), 400,
       "RESOURCE_ALREADY_EXISTS");

  json::Value v1 = RegisterModel(*alice_, run, "model", kModel);
  std::string v1_source = run.artifact_uri() + "/model";
  ExpectModelVersion(v1, kModel, "1", "alice", v1_source, run.run_id);
  EXPECT_EQ(v1.Find("description"), nullptr) << v1.Dump();
  EXPECT_EQ(v1.Find("tags"), nullptr) << v1.Dump();
  EXPECT_EQ(v1.Find("run_link"), nullptr) << v1.Dump();
  EXPECT_EQ(v1.Find("aliases"), nullptr) << v1.Dump();
  json::Value v1_got = GetVersion(kModel, "1");
  ExpectModelVersion(v1_got, kModel, "1", "alice", v1_source, run.run_id);
  EXPECT_EQ(Int(v1_got, "creation_timestamp"), Int(v1, "creation_timestamp"));

  // A second run, a second version with different files.
  RunRef run2 = AddRun(*alice_, run.experiment_id);
  std::map<std::string, std::string> v2_files = UploadModel(*alice_, run2, "model", "v2");
  json::Value v2 = RegisterModel(*alice_, run2, "model", kModel);
  ExpectModelVersion(v2, kModel, "2", "alice", run2.artifact_uri() + "/model", run2.run_id);

  json::Value model = GetModel(kModel);
  ASSERT_EQ(Items(model, "latest_versions").size(), 1u) << model.Dump();
  ExpectModelVersion(Items(model, "latest_versions")[0], kModel, "2", "alice",
                     run2.artifact_uri() + "/model", run2.run_id);
  EXPECT_GE(Int(model, "last_updated_timestamp"), Int(model, "creation_timestamp"));

  // set_registered_model_alias / get_model_version_by_alias
  EXPECT_TRUE(Ok(*alice_, "POST", "/registered-models/alias",
                 Body({{"name", kModel}, {"alias", "champion"}, {"version", "1"}}))
                  .is_object());
  json::Value by_alias =
      Ok(*alice_, "GET",
         "/registered-models/alias" + Query({{"name", kModel}, {"alias", "champion"}}));
  ASSERT_NE(by_alias.Find("model_version"), nullptr) << by_alias.Dump();
  ExpectModelVersion(*by_alias.Find("model_version"), kModel, "1", "alice", v1_source, run.run_id);
  EXPECT_EQ(VersionAliases(*by_alias.Find("model_version")), std::vector<std::string>{"champion"});
  model = GetModel(kModel);
  EXPECT_EQ(ModelAliases(model), (std::map<std::string, std::string>{{"champion", "1"}}))
      << model.Dump();
  ASSERT_EQ(Items(model, "aliases").size(), 1u) << model.Dump();
  EXPECT_TRUE(Items(model, "aliases")[0].Find("version")->is_string()) << model.Dump();

  // search_model_versions("name='dev.default.churn'"): name ASC, version DESC by default.
  json::Value::Array versions = SearchVersions(*alice_, "name='dev.default.churn'");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(Str(versions[0], "version"), "2");
  EXPECT_EQ(Str(versions[1], "version"), "1");
  EXPECT_EQ(VersionAliases(versions[1]), std::vector<std::string>{"champion"});
  EXPECT_EQ(versions[0].Find("aliases"), nullptr) << versions[0].Dump();
  ExpectModelVersion(versions[1], kModel, "1", "alice", v1_source, run.run_id);
  // The other filters the contract names, sent as requests encodes them (spaces as '+').
  versions = SearchVersions(*alice_, "run_id='" + run.run_id + "'");
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(Str(versions[0], "version"), "1");
  versions = SearchVersions(*alice_, "name = 'dev.default.churn' AND run_id IN ('" + run.run_id +
                                         "', '" + run2.run_id + "')");
  EXPECT_EQ(versions.size(), 2u);
  versions = SearchVersions(*alice_, "name='dev.default.churn' AND version_number=2");
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(Str(versions[0], "version"), "2");
  EXPECT_TRUE(SearchVersions(*alice_, "name='dev.default.nothing'").empty());
  // Paging: max_results 1, then next_page_token.
  json::Value page1 = Ok(*alice_, "GET",
                         "/model-versions/search" +
                             Query({{"filter", "name='dev.default.churn'"}, {"max_results", "1"}}));
  ASSERT_EQ(Items(page1, "model_versions").size(), 1u) << page1.Dump();
  EXPECT_EQ(Str(Items(page1, "model_versions")[0], "version"), "2");
  std::string token = Str(page1, "next_page_token");
  ASSERT_EQ(token.find("<missing"), std::string::npos) << page1.Dump();
  json::Value page2 = Ok(*alice_, "GET",
                         "/model-versions/search" + Query({{"filter", "name='dev.default.churn'"},
                                                           {"max_results", "1"},
                                                           {"page_token", token}}));
  ASSERT_EQ(Items(page2, "model_versions").size(), 1u) << page2.Dump();
  EXPECT_EQ(Str(Items(page2, "model_versions")[0], "version"), "1");
  if (page2.Find("next_page_token") != nullptr) {
    json::Value page3 =
        Ok(*alice_, "GET",
           "/model-versions/search" + Query({{"filter", "name='dev.default.churn'"},
                                             {"max_results", "1"},
                                             {"page_token", Str(page2, "next_page_token")}}));
    EXPECT_TRUE(Items(page3, "model_versions").empty()) << page3.Dump();
  }

  // search_registered_models
  json::Value found = Ok(*alice_, "GET",
                         "/registered-models/search" +
                             Query({{"filter", "name LIKE '%churn%'"}, {"max_results", "100"}}));
  ASSERT_EQ(Items(found, "registered_models").size(), 1u) << found.Dump();
  EXPECT_EQ(Str(Items(found, "registered_models")[0], "name"), kModel);
  EXPECT_EQ(found.Find("next_page_token"), nullptr) << found.Dump();
  found = Ok(*alice_, "GET",
             "/registered-models/search" + Query({{"filter", "name='dev.default.churn'"}}));
  EXPECT_EQ(Items(found, "registered_models").size(), 1u) << found.Dump();

  // Registered-model tags: set_registered_model_tag, then delete_registered_model_tag.
  Ok(*alice_, "POST", "/registered-models/set-tag",
     Body({{"name", kModel}, {"key", "team"}, {"value", "growth"}}));
  Ok(*alice_, "POST", "/registered-models/set-tag",
     Body({{"name", kModel}, {"key", "domain"}, {"value", "retention"}}));
  model = GetModel(kModel);
  EXPECT_EQ(Tags(model),
            (std::map<std::string, std::string>{{"domain", "retention"}, {"team", "growth"}}));
  found =
      Ok(*alice_, "GET", "/registered-models/search" + Query({{"filter", "tags.team='growth'"}}));
  EXPECT_EQ(Items(found, "registered_models").size(), 1u) << found.Dump();
  Ok(*alice_, "DELETE", "/registered-models/delete-tag", Body({{"name", kModel}, {"key", "team"}}));
  // DELETE also takes its parameters from the query string.
  Ok(*alice_, "DELETE",
     "/registered-models/delete-tag" + Query({{"name", kModel}, {"key", "domain"}}));
  EXPECT_EQ(GetModel(kModel).Find("tags"), nullptr);

  // Version tags: set_model_version_tag / search by tag / delete_model_version_tag.
  Ok(*alice_, "POST", "/model-versions/set-tag",
     Body({{"name", kModel}, {"version", "1"}, {"key", "validated"}, {"value", "true"}}));
  EXPECT_EQ(Tags(GetVersion(kModel, "1")),
            (std::map<std::string, std::string>{{"validated", "true"}}));
  versions = SearchVersions(*alice_, "name='dev.default.churn' AND tags.validated='true'");
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(Str(versions[0], "version"), "1");
  Ok(*alice_, "DELETE", "/model-versions/delete-tag",
     Body({{"name", kModel}, {"version", "1"}, {"key", "validated"}}));
  EXPECT_EQ(GetVersion(kModel, "1").Find("tags"), nullptr);

  // update_registered_model / update_model_version
  json::Value updated = Ok(*alice_, "PATCH", "/registered-models/update",
                           Body({{"name", kModel}, {"description", "Churn classifier"}}));
  EXPECT_EQ(Str(updated.Find("registered_model"), "description"), "Churn classifier");
  EXPECT_EQ(Str(GetModel(kModel), "description"), "Churn classifier");
  json::Value mv_updated =
      Ok(*alice_, "PATCH", "/model-versions/update",
         Body({{"name", kModel}, {"version", "1"}, {"description", "baseline, 0.81 AUC"}}));
  EXPECT_EQ(Str(mv_updated.Find("model_version"), "description"), "baseline, 0.81 AUC");
  EXPECT_EQ(Str(GetVersion(kModel, "1"), "description"), "baseline, 0.81 AUC");

  // get_latest_versions: POST first (the client tries every endpoint), then GET.
  json::Value latest =
      Ok(*alice_, "POST", "/registered-models/get-latest-versions", Body({{"name", kModel}}));
  ASSERT_EQ(Items(latest, "model_versions").size(), 1u) << latest.Dump();
  EXPECT_EQ(Str(Items(latest, "model_versions")[0], "version"), "2");
  latest = Ok(*alice_, "POST", "/registered-models/get-latest-versions",
              Body({{"name", kModel}, {"stages", json::Value::Array{json::Value("None")}}}));
  ASSERT_EQ(Items(latest, "model_versions").size(), 1u) << latest.Dump();
  EXPECT_EQ(Str(Items(latest, "model_versions")[0], "version"), "2");
  latest =
      Ok(*alice_, "GET",
         "/registered-models/get-latest-versions" + Query({{"name", kModel}, {"stages", "None"}}));
  ASSERT_EQ(Items(latest, "model_versions").size(), 1u) << latest.Dump();
  auto staged =
      Fail(*alice_, "POST", "/registered-models/get-latest-versions",
           Body({{"name", kModel}, {"stages", json::Value::Array{json::Value("Production")}}}), 400,
           "INVALID_PARAMETER_VALUE");
  EXPECT_NE(Message(staged).find("alias"), std::string::npos) << staged.body;

  // transition_model_version_stage: stages are replaced by aliases.
  auto transition = Fail(*alice_, "POST", "/model-versions/transition-stage",
                         Body({{"name", kModel},
                               {"version", "1"},
                               {"stage", "Production"},
                               {"archive_existing_versions", false}}),
                         400, "INVALID_PARAMETER_VALUE");
  EXPECT_NE(Message(transition).find("alias"), std::string::npos) << transition.body;
  EXPECT_EQ(Str(GetVersion(kModel, "1"), "current_stage"), "None");

  // mlflow.pyfunc.load_model("models:/dev.default.churn@champion") downloads through
  // ModelsArtifactRepository: the files are the ones uploaded for version 1, byte for byte.
  std::string download_uri;
  EXPECT_EQ(DownloadModelsUri(*alice_, kModel, "champion", "", &download_uri), v1_files);
  std::string root = ProxyPath(download_uri);
  EXPECT_EQ(root.rfind("registry/models/", 0), 0u) << download_uri;
  std::string_view suffix = "/versions/1";
  EXPECT_TRUE(root.size() > suffix.size() &&
              root.compare(root.size() - suffix.size(), suffix.size(), suffix) == 0)
      << download_uri;
  EXPECT_EQ(DownloadModelsUri(*alice_, kModel, "", "2"), v2_files);

  // The version holds a copy: overwriting and deleting the run's files changes nothing.
  PutRunArtifact(*alice_, run, "model/model.json", R"({"weights": [], "marker": "overwritten"})");
  testutil::ApiResponse deleted = Call(
      *alice_, "DELETE", std::string(kArtifactsApi) + "/" + run.proxy_root() + "/model/MLmodel");
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(DownloadModelsUri(*alice_, kModel, "champion"), v1_files);
  // ... and the version's own files cannot be written or deleted through the proxy, even by
  // the model's owner.
  for (std::string_view method : {"PUT", "DELETE"}) {
    testutil::ApiResponse write =
        Call(*alice_, method, std::string(kArtifactsApi) + "/" + root + "/model.json", "{}");
    EXPECT_EQ(write.status, 403) << method << " -> " << write.body;
    EXPECT_NE(write.body.find("immutable"), std::string::npos) << write.body;
  }
  EXPECT_EQ(DownloadModelsUri(*alice_, kModel, "champion"), v1_files);

  // Moving the alias: the same URI now resolves to version 2.
  Ok(*alice_, "POST", "/registered-models/alias",
     Body({{"name", kModel}, {"alias", "champion"}, {"version", "2"}}));
  EXPECT_EQ(DownloadModelsUri(*alice_, kModel, "champion"), v2_files);
  EXPECT_EQ(ModelAliases(GetModel(kModel)),
            (std::map<std::string, std::string>{{"champion", "2"}}));
  EXPECT_EQ(GetVersion(kModel, "1").Find("aliases"), nullptr);

  // rename_registered_model: versions, aliases and files follow; the old name is gone.
  constexpr char kRenamed[] = "dev.default.retention";
  json::Value renamed = Ok(*alice_, "POST", "/registered-models/rename",
                           Body({{"name", kModel}, {"new_name", kRenamed}}));
  EXPECT_EQ(Str(renamed.Find("registered_model"), "name"), kRenamed);
  Fail(*alice_, "GET", "/registered-models/get" + Query({{"name", kModel}}), "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  Fail(*alice_, "GET", "/model-versions/get" + Query({{"name", kModel}, {"version", "1"}}), "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(Str(GetVersion(kRenamed, "1"), "name"), kRenamed);
  std::string renamed_uri;
  EXPECT_EQ(DownloadModelsUri(*alice_, kRenamed, "champion", "", &renamed_uri), v2_files);
  json::Value uri2 =
      Ok(*alice_, "GET",
         "/model-versions/get-download-uri" + Query({{"name", kRenamed}, {"version", "1"}}));
  EXPECT_EQ(Str(uri2, "artifact_uri"), download_uri) << "the model id does not change on rename";

  // delete_model_version of a version an alias points at: refused, naming the alias.
  auto refused = Fail(*alice_, "DELETE", "/model-versions/delete",
                      Body({{"name", kRenamed}, {"version", "2"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_NE(Message(refused).find("champion"), std::string::npos) << refused.body;
  EXPECT_EQ(Str(GetVersion(kRenamed, "2"), "version"), "2");
  // Keel's extension removes the aliases with the version.
  Ok(*alice_, "DELETE", "/model-versions/delete",
     Body({{"name", kRenamed}, {"version", "2"}, {"remove_aliases", true}}));
  Fail(*alice_, "GET", "/model-versions/get" + Query({{"name", kRenamed}, {"version", "2"}}), "",
       404, "RESOURCE_DOES_NOT_EXIST");
  Fail(*alice_, "GET",
       "/registered-models/alias" + Query({{"name", kRenamed}, {"alias", "champion"}}), "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  Fail(*alice_, "GET",
       "/model-versions/get-download-uri" + Query({{"name", kRenamed}, {"version", "2"}}), "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  model = GetModel(kRenamed);
  EXPECT_EQ(model.Find("aliases"), nullptr) << model.Dump();
  ASSERT_EQ(Items(model, "latest_versions").size(), 1u) << model.Dump();
  EXPECT_EQ(Str(Items(model, "latest_versions")[0], "version"), "1");

  // Version numbers are never reused.
  json::Value v3 = RegisterModel(*alice_, run2, "model", kRenamed);
  EXPECT_EQ(Str(v3, "version"), "3");
  EXPECT_EQ(DownloadModelsUri(*alice_, kRenamed, "", "3"), v2_files);

  // Deleting an alias, then the model.
  Ok(*alice_, "POST", "/registered-models/alias",
     Body({{"name", kRenamed}, {"alias", "challenger"}, {"version", "3"}}));
  Ok(*alice_, "DELETE", "/registered-models/alias",
     Body({{"name", kRenamed}, {"alias", "challenger"}}));
  Fail(*alice_, "GET",
       "/registered-models/alias" + Query({{"name", kRenamed}, {"alias", "challenger"}}), "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  Ok(*alice_, "DELETE", "/registered-models/delete", Body({{"name", kRenamed}}));
  Fail(*alice_, "GET", "/registered-models/get" + Query({{"name", kRenamed}}), "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  Fail(*alice_, "GET", "/model-versions/get" + Query({{"name", kRenamed}, {"version", "1"}}), "",
       404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_TRUE(SearchVersions(*alice_, "name='dev.default.retention'").empty());
  Fail(*alice_, "DELETE", "/registered-models/delete", Body({{"name", kRenamed}}), 404,
       "RESOURCE_DOES_NOT_EXIST");
}

// Every source the contract accepts: runs:/, the mlflow-artifacts:/ URI the client resolves
// runs:/ to, models:/<name>/<version>, models:/<name>@<alias> and MLflow 3's models:/m-<id>.
// Each version holds the files of its source.
TEST_F(RegistryProtocolTest, CreateModelVersionAcceptsEverySourceKind) {
  RunRef run = CreateRun(*alice_, "/Users/alice/sources");
  std::map<std::string, std::string> files = UploadModel(*alice_, run, "model", "runs");
  Ok(*alice_, "POST", "/registered-models/create", Body({{"name", kModel}}));

  std::string runs_source = "runs:/" + run.run_id + "/model";
  json::Value v1 = Ok(*alice_, "POST", "/model-versions/create",
                      Body({{"name", kModel}, {"source", runs_source}, {"run_id", run.run_id}}));
  ExpectModelVersion(*v1.Find("model_version"), kModel, "1", "alice", runs_source, run.run_id);
  EXPECT_EQ(DownloadModelsUri(*alice_, kModel, "", "1"), files);

  std::string proxy_source = run.artifact_uri() + "/model";
  json::Value v2 =
      Ok(*alice_, "POST", "/model-versions/create",
         Body({{"name", kModel},
               {"source", proxy_source},
               {"run_id", run.run_id},
               {"description", "from the resolved URI"},
               {"run_link", "https://mlflow.example.com/#/runs/x"},
               {"tags", json::Value::Array{*json::Parse(R"({"key": "origin", "value": "ci"})")}}}));
  const json::Value& mv2 = *v2.Find("model_version");
  ExpectModelVersion(mv2, kModel, "2", "alice", proxy_source, run.run_id);
  EXPECT_EQ(Str(mv2, "description"), "from the resolved URI");
  EXPECT_EQ(Str(mv2, "run_link"), "https://mlflow.example.com/#/runs/x");
  EXPECT_EQ(Tags(mv2), (std::map<std::string, std::string>{{"origin", "ci"}}));
  EXPECT_EQ(DownloadModelsUri(*alice_, kModel, "", "2"), files);

  // A copy of another version, by number and by alias: it keeps the source version's run (as
  // MLflow's copy_model_version does) and so its lineage.
  json::Value v3 = Ok(*alice_, "POST", "/model-versions/create",
                      Body({{"name", kModel}, {"source", "models:/dev.default.churn/1"}}));
  ExpectModelVersion(*v3.Find("model_version"), kModel, "3", "alice", "models:/dev.default.churn/1",
                     run.run_id);
  EXPECT_EQ(DownloadModelsUri(*alice_, kModel, "", "3"), files);
  Ok(*alice_, "POST", "/registered-models/alias",
     Body({{"name", kModel}, {"alias", "champion"}, {"version", "2"}}));
  Ok(*alice_, "POST", "/registered-models/create", Body({{"name", "dev.default.churn_copy"}}));
  json::Value copy = Ok(
      *alice_, "POST", "/model-versions/create",
      Body({{"name", "dev.default.churn_copy"}, {"source", "models:/dev.default.churn@champion"}}));
  ExpectModelVersion(*copy.Find("model_version"), "dev.default.churn_copy", "1", "alice",
                     "models:/dev.default.churn@champion", run.run_id);
  EXPECT_EQ(DownloadModelsUri(*alice_, "dev.default.churn_copy", "", "1"), files);

  // MLflow 3: a logged model's files (register_model sends model_id with the source).
  json::Value logged = Ok(*alice_, "POST", "/logged-models",
                          Body({{"experiment_id", run.experiment_id},
                                {"name", "model"},
                                {"source_run_id", run.run_id}}));
  std::string model_id =
      Str(logged.Find("model") ? logged.Find("model")->Find("info") : nullptr, "model_id");
  std::map<std::string, std::string> logged_files;
  logged_files["MLmodel"] =
      "artifact_path: model\nflavors:\n  python_function: {}\nmodel_id: " + model_id + "\n";
  logged_files["model.json"] = R"({"marker": "logged"})";
  for (const auto& [name, content] : logged_files) {
    testutil::ApiResponse put = Call(*alice_, "PUT",
                                     std::string(kArtifactsApi) + "/" + run.experiment_id +
                                         "/models/" + model_id + "/artifacts/" + name,
                                     content);
    EXPECT_EQ(put.status, 200) << put.body;
  }
  Ok(*alice_, "PATCH", "/logged-models/" + model_id,
     Body({{"model_id", model_id}, {"status", "LOGGED_MODEL_READY"}}));
  json::Value v4 = Ok(*alice_, "POST", "/model-versions/create",
                      Body({{"name", kModel},
                            {"source", "models:/" + model_id},
                            {"run_id", run.run_id},
                            {"model_id", model_id}}));
  ExpectModelVersion(*v4.Find("model_version"), kModel, "4", "alice", "models:/" + model_id,
                     run.run_id);
  EXPECT_EQ(DownloadModelsUri(*alice_, kModel, "", "4"), logged_files);
}

TEST_F(RegistryProtocolTest, BadInputIsRefusedWithMlflowCodesAndCreatesNothing) {
  RunRef run = CreateRun(*alice_, "/Users/alice/bad");
  UploadModel(*alice_, run, "model");
  PutRunArtifact(*alice_, run, "nomodel/weights.bin", "\x01\x02\x03");
  Ok(*alice_, "POST", "/registered-models/create", Body({{"name", kModel}}));
  std::string source = run.artifact_uri() + "/model";
  Ok(*alice_, "POST", "/model-versions/create",
     Body({{"name", kModel}, {"source", source}, {"run_id", run.run_id}}));

  // Malformed JSON, wrong types, missing fields.
  for (const char* path : {"/registered-models/create", "/model-versions/create",
                           "/registered-models/alias", "/registered-models/set-tag"}) {
    testutil::ApiResponse r = Call(*alice_, "POST", std::string(kMlflowApi) + path, "{not json");
    EXPECT_EQ(r.status, 400) << path << " -> " << r.body;
    EXPECT_TRUE(r.error_code() == "MALFORMED_REQUEST" ||
                r.error_code() == "INVALID_PARAMETER_VALUE")
        << path << " -> " << r.body;
  }
  Fail(*alice_, "POST", "/registered-models/create", "{}", 400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/registered-models/create", R"({"name": 7})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/registered-models/create", R"({"name": ["dev.default.x"]})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/registered-models/create",
       R"({"name": "dev.default.x", "tags": {"key": "a"}})", 400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/registered-models/alias",
       R"({"name": "dev.default.churn", "alias": "champion", "version": {"n": 1}})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/registered-models/alias",
       R"({"name": "dev.default.churn", "version": "1"})", 400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/registered-models/alias", R"({"alias": "champion", "version": "1"})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/model-versions/create", R"({"name": "dev.default.churn"})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/model-versions/create", R"({"source": "runs:/x/model"})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/model-versions/create",
       R"({"name": "dev.default.churn", "source": ["runs:/x/model"]})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "PATCH", "/model-versions/update",
       R"({"name": "dev.default.churn", "version": {"v": "1"}, "description": "x"})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "PATCH", "/registered-models/update", R"({"description": "x"})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/registered-models/set-tag",
       R"({"name": "dev.default.churn", "value": "v"})", 400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "GET", "/registered-models/get", "", 400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "GET", "/model-versions/get" + Query({{"name", kModel}}), "", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "GET", "/model-versions/get" + Query({{"name", kModel}, {"version", "abc"}}), "",
       400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "GET", "/model-versions/get" + Query({{"name", kModel}, {"version", "-1"}}), "",
       400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "DELETE", "/model-versions/delete", R"({"name": "dev.default.churn"})", 400,
       "INVALID_PARAMETER_VALUE");

  // Names must be catalog.schema.model, without '..' or '/'.
  for (const char* name : {"churn", "dev.churn", "dev.default.", ".default.churn", "dev..churn",
                           "dev.default..churn", "dev.default.a.b", "dev/default/churn",
                           "dev.default.a/b", "dev.default.../x", "../../etc.passwd.x", ""}) {
    Fail(*alice_, "POST", "/registered-models/create", Body({{"name", name}}), 400,
         "INVALID_PARAMETER_VALUE");
    testutil::ApiResponse got =
        Call(*alice_, "GET",
             std::string(kMlflowApi) + "/registered-models/get" + Query({{"name", name}}));
    EXPECT_EQ(got.status, 400) << name << " -> " << got.body;
  }
  // The schema must exist.
  testutil::ApiResponse no_schema =
      Call(*alice_, "POST", std::string(kMlflowApi) + "/registered-models/create",
           Body({{"name", "dev.nope.churn"}}));
  EXPECT_TRUE(no_schema.status == 400 || no_schema.status == 404) << no_schema.body;
  Fail(*alice_, "GET", "/registered-models/get" + Query({{"name", "dev.default.nope"}}), "", 404,
       "RESOURCE_DOES_NOT_EXIST");

  // A huge description (1 MiB; the limit is 64 KiB) is refused, and the server stays up.
  std::string huge(1024 * 1024 + 1, 'x');
  Fail(*alice_, "POST", "/registered-models/create",
       Body({{"name", "dev.default.huge"}, {"description", huge}}), 400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "PATCH", "/registered-models/update",
       Body({{"name", kModel}, {"description", huge}}), 400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "PATCH", "/model-versions/update",
       Body({{"name", kModel}, {"version", "1"}, {"description", huge}}), 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "GET", "/registered-models/get" + Query({{"name", "dev.default.huge"}}), "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(Str(Ok(*alice_, "GET", "/registered-models/get" + Query({{"name", kModel}}))
                    .Find("registered_model"),
                "name"),
            kModel);

  // Sources that are unknown, escape their root, use another scheme or hold no MLmodel.
  auto refused_source = [&](const std::string& bad_source, const std::string& run_id,
                            std::initializer_list<int> statuses) {
    json::Value body = json::Value::MakeObject();
    body.Set("name", kModel);
    body.Set("source", bad_source);
    if (!run_id.empty()) body.Set("run_id", run_id);
    testutil::ApiResponse r =
        Call(*alice_, "POST", std::string(kMlflowApi) + "/model-versions/create", body.Dump());
    bool expected = false;
    for (int s : statuses) expected = expected || r.status == s;
    EXPECT_TRUE(expected) << bad_source << " -> " << r.status << " " << r.body;
    EXPECT_FALSE(r.error_code().empty()) << bad_source << " -> " << r.body;
    EXPECT_FALSE(Message(r).empty()) << bad_source << " -> " << r.body;
    return r;
  };
  std::string unknown_run = "0123456789abcdef0123456789abcdef";
  auto unknown = refused_source("runs:/" + unknown_run + "/model", unknown_run, {404});
  EXPECT_EQ(unknown.error_code(), "RESOURCE_DOES_NOT_EXIST") << unknown.body;
  refused_source(
      std::string(kArtifactScheme) + run.experiment_id + "/" + unknown_run + "/artifacts/model", "",
      {400, 404});
  refused_source("runs:/" + run.run_id + "/missing", run.run_id, {400, 404});
  for (const std::string& traversal :
       {"runs:/" + run.run_id + "/../../x", "runs:/" + run.run_id + "/model/../../../../etc",
        std::string(kArtifactScheme) + "../x",
        std::string(kArtifactScheme) + run.proxy_root() + "/../../../../etc",
        std::string("file:///etc"), std::string("file:///etc/passwd"), std::string("/etc"),
        std::string("s3://bucket/model"), std::string("models:/../../x/1"),
        std::string("models:/dev.default.churn/../1"), std::string("")}) {
    auto r = refused_source(traversal, "", {400});
    EXPECT_EQ(r.error_code(), "INVALID_PARAMETER_VALUE") << traversal << " -> " << r.body;
  }
  auto no_mlmodel = refused_source("runs:/" + run.run_id + "/nomodel", run.run_id, {400});
  EXPECT_EQ(no_mlmodel.error_code(), "INVALID_PARAMETER_VALUE") << no_mlmodel.body;
  EXPECT_NE(Message(no_mlmodel).find("MLmodel"), std::string::npos) << no_mlmodel.body;
  refused_source("models:/dev.default.churn/7", "", {404});
  refused_source("models:/dev.default.churn@nobody", "", {404});
  refused_source("models:/m-00000000000000000000000000000000", "", {404});

  // Unknown versions and aliases; reserved and malformed alias names.
  Fail(*alice_, "GET", "/model-versions/get" + Query({{"name", kModel}, {"version", "99"}}), "",
       404, "RESOURCE_DOES_NOT_EXIST");
  Fail(*alice_, "GET", "/registered-models/alias" + Query({{"name", kModel}, {"alias", "nobody"}}),
       "", 404, "RESOURCE_DOES_NOT_EXIST");
  Fail(*alice_, "POST", "/registered-models/alias",
       Body({{"name", kModel}, {"alias", "champion"}, {"version", "99"}}), 404,
       "RESOURCE_DOES_NOT_EXIST");
  Fail(*alice_, "DELETE", "/registered-models/alias", Body({{"name", kModel}, {"alias", "nobody"}}),
       404, "RESOURCE_DOES_NOT_EXIST");
  for (const std::string& alias :
       {std::string("latest"), std::string("v1"), std::string("v42"), std::string("bad alias"),
        std::string("LATEST"), std::string("V7"), std::string("a/b"), std::string("a.b"),
        std::string("../x"), std::string(""), std::string(256, 'a')}) {
    Fail(*alice_, "POST", "/registered-models/alias",
         Body({{"name", kModel}, {"alias", alias}, {"version", "1"}}), 400,
         "INVALID_PARAMETER_VALUE");
  }
  Ok(*alice_, "POST", "/registered-models/alias",
     Body({{"name", kModel}, {"alias", std::string(255, 'a')}, {"version", "1"}}));
  Ok(*alice_, "POST", "/registered-models/alias",
     Body({{"name", kModel}, {"alias", "Champion_2-b"}, {"version", "1"}}));
  Fail(*alice_, "DELETE", "/model-versions/delete", Body({{"name", kModel}, {"version", "99"}}),
       404, "RESOURCE_DOES_NOT_EXIST");

  // Nothing but the first version was created.
  json::Value::Array versions = SearchVersions(*alice_, "name='dev.default.churn'");
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(Str(versions[0], "version"), "1");
  json::Value all =
      Ok(*alice_, "GET", "/registered-models/search" + Query({{"max_results", "1000"}}));
  ASSERT_EQ(Items(all, "registered_models").size(), 1u) << all.Dump();
  Fail(*alice_, "GET", "/registered-models/search" + Query({{"max_results", "1001"}}), "", 400,
       "INVALID_PARAMETER_VALUE");
}

// Keel's lineage extension: a version remembers the Delta table versions its run read, the
// commit and the entry point, as recorded at registration.
TEST_F(RegistryProtocolTest, LineageNamesTheTableVersionsAndCommitOfTheSourceRun) {
  // dev.default.t at version 3: created (0), then three writes.
  json::Value table = *json::Parse(R"({"name": "t", "catalog_name": "dev",
      "schema_name": "default", "table_type": "MANAGED", "data_source_format": "DELTA",
      "columns": [{"name": "id", "type_name": "LONG",
                   "type_json": "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}",
                   "position": 0, "nullable": true}]})");
  testutil::ApiResponse created =
      Call(*alice_, "POST", "/api/2.1/unity-catalog/tables", table.Dump());
  ASSERT_EQ(created.status, 200) << created.body;
  for (int i = 1; i <= 3; ++i) {
    testutil::ApiResponse w = Call(*alice_, "POST", "/api/2.0/keel/tables/dev.default.t/rows",
                                   R"({"rows": [{"id": )" + std::to_string(i) + "}]}");
    ASSERT_EQ(w.status, 200) << w.body;
    EXPECT_EQ(Int(w.json, "version"), i);
  }

  json::Value tags = *json::Parse(R"([{"key": "mlflow.user", "value": "alice"},
      {"key": "mlflow.source.name", "value": "train.py"},
      {"key": "mlflow.source.type", "value": "LOCAL"},
      {"key": "mlflow.source.git.commit", "value": "abc123def456"}])");
  RunRef run = CreateRun(*alice_, "/Users/alice/lineage", tags);
  // mlflow.log_input(mlflow.data.load_delta(table_name="dev.default.t", version=3)).
  Ok(*alice_, "POST", "/runs/log-inputs",
     R"({"run_id": ")" + run.run_id + R"(", "datasets": [{"tags": [{"key": "mlflow.data.context",
        "value": "training"}], "dataset": {"name": "dev.default.t", "digest": "d41d8cd9",
        "source_type": "delta_table",
        "source": "{\"delta_table_name\": \"dev.default.t\", \"delta_table_version\": 3}",
        "schema": "{\"mlflow_colspec\": [{\"type\": \"long\", \"name\": \"id\"}]}",
        "profile": "{\"num_rows\": 3}"}}]})");
  // A second input that is not a Delta table is no table lineage.
  Ok(*alice_, "POST", "/runs/log-inputs",
     R"({"run_id": ")" + run.run_id + R"(", "datasets": [{"dataset": {"name": "extra",
        "digest": "abcd", "source_type": "http",
        "source": "{\"url\": \"https://example.com/x.csv\"}"}}]})");
  UploadModel(*alice_, run, "model");
  json::Value v1 = RegisterModel(*alice_, run, "model", kModel);
  ASSERT_EQ(Str(v1, "version"), "1");
  Ok(*alice_, "POST", "/registered-models/alias",
     Body({{"name", kModel}, {"alias", "champion"}, {"version", "1"}}));

  auto expect_lineage = [&](const json::Value& l) {
    EXPECT_EQ(Str(l, "name"), kModel) << l.Dump();
    EXPECT_EQ(Str(l, "version"), "1") << l.Dump();
    EXPECT_EQ(Str(l, "run_id"), run.run_id) << l.Dump();
    EXPECT_EQ(Str(l, "experiment_id"), run.experiment_id) << l.Dump();
    EXPECT_EQ(Str(l, "source"), run.artifact_uri() + "/model") << l.Dump();
    EXPECT_EQ(Str(l, "git_commit"), "abc123def456") << l.Dump();
    EXPECT_EQ(Str(l, "source_name"), "train.py") << l.Dump();
    json::Value::Array inputs = Items(l, "inputs");
    ASSERT_EQ(inputs.size(), 1u) << l.Dump();
    EXPECT_EQ(Str(inputs[0], "table"), "dev.default.t");
    ASSERT_TRUE(IsInt(inputs[0], "version")) << l.Dump();
    EXPECT_EQ(inputs[0].Find("version")->as_int(), 3);
    EXPECT_EQ(Str(inputs[0], "dataset_name"), "dev.default.t");
    EXPECT_EQ(Str(inputs[0], "digest"), "d41d8cd9");
  };
  constexpr char kLineage[] = "/api/2.0/keel/models/lineage";
  testutil::ApiResponse by_alias =
      Call(*alice_, "GET", kLineage + Query({{"name", kModel}, {"alias", "champion"}}));
  ASSERT_EQ(by_alias.status, 200) << by_alias.body;
  expect_lineage(by_alias.json);
  testutil::ApiResponse by_version =
      Call(*alice_, "GET", kLineage + Query({{"name", kModel}, {"version", "1"}}));
  ASSERT_EQ(by_version.status, 200) << by_version.body;
  expect_lineage(by_version.json);

  // Recorded at registration: a later commit tag on the run does not rewrite it.
  Ok(*alice_, "POST", "/runs/set-tag",
     Body({{"run_id", run.run_id}, {"key", "mlflow.source.git.commit"}, {"value", "fff000"}}));
  expect_lineage(Call(*alice_, "GET", kLineage + Query({{"name", kModel}, {"version", "1"}})).json);

  // Unknown version or alias: 404; neither or a bad version: 400.
  testutil::ApiResponse missing =
      Call(*alice_, "GET", kLineage + Query({{"name", kModel}, {"alias", "nobody"}}));
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.error_code(), "RESOURCE_DOES_NOT_EXIST");
  missing = Call(*alice_, "GET", kLineage + Query({{"name", kModel}, {"version", "9"}}));
  EXPECT_EQ(missing.status, 404) << missing.body;
  testutil::ApiResponse bad = Call(*alice_, "GET", kLineage + Query({{"name", kModel}}));
  EXPECT_EQ(bad.status, 400) << bad.body;
  bad = Call(*alice_, "GET", kLineage + Query({{"name", kModel}, {"version", "x"}}));
  EXPECT_EQ(bad.status, 400) << bad.body;
}

}  // namespace
}  // namespace keel::integration
