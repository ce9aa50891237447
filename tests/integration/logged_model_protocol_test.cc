// MLflow 3 logged models over HTTP: the JSON the Python client's RestStore sends
// (create_logged_model, finalize_logged_model, get/search/delete, tags, params, log_outputs)
// and the files it uploads through mlflow-artifacts, checked field by field.

#include "integration/workspace_fixture.h"

namespace keel::integration {
namespace {

constexpr char kApi[] = "/api/2.0/mlflow";

class LoggedModelProtocolTest : public WorkspaceTest {
 protected:
  json::Value Ok(const testutil::ApiClient& who, std::string_view method, const std::string& path,
                 std::string_view body = {}) {
    auto r = who.Call(method, std::string(kApi) + path, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return json::Value();
    EXPECT_EQ(r->status, 200) << method << " " << path << " " << body << " -> " << r->body;
    return r->json;
  }
  void Fail(const testutil::ApiClient& who, std::string_view method, const std::string& path,
            std::string_view body, int status, const std::string& code) {
    auto r = who.Call(method, std::string(kApi) + path, body);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, status) << method << " " << path << " " << body << " -> " << r->body;
    EXPECT_EQ(r->error_code(), code) << r->body;
  }
  static std::string Str(const json::Value& v, std::string_view key) {
    const json::Value* f = v.Find(key);
    return f && f->is_string() ? f->as_string() : "<missing " + std::string(key) + ">";
  }
  // The experiment alice owns, and a run in it.
  void SetUpExperiment() {
    alice_ = std::make_unique<testutil::ApiClient>(As(alice_token_));
    bob_ = std::make_unique<testutil::ApiClient>(As(bob_token_));
    exp_id_ = Str(Ok(*alice_, "POST", "/experiments/create", R"({"name": "/Users/alice/agents"})"),
                  "experiment_id");
    json::Value run = Ok(*alice_, "POST", "/runs/create",
                         R"({"experiment_id": ")" + exp_id_ + R"(", "run_name": "train"})");
    run_id_ = Str(*run.Find("run")->Find("info"), "run_id");
  }

  std::unique_ptr<testutil::ApiClient> alice_, bob_;
  std::string exp_id_, run_id_;
};

TEST_F(LoggedModelProtocolTest, LogModelAsMlflow3DoesThenReadSearchTagAndDelete) {
  SetUpExperiment();
  // mlflow.<flavor>.log_model -> create_logged_model
  json::Value created =
      Ok(*alice_, "POST", "/logged-models",
         R"({"experiment_id": ")" + exp_id_ + R"(", "name": "model", "model_type": "Classifier",
             "source_run_id": ")" +
             run_id_ + R"(",
             "params": [{"key": "alpha", "value": "0.5"}],
             "tags": [{"key": "mlflow.user", "value": "alice"},
                      {"key": "mlflow.source.name", "value": "train.py"}]})");
  const json::Value& info = *created.Find("model")->Find("info");
  std::string id = Str(info, "model_id");
  ASSERT_EQ(id.size(), 34u);
  EXPECT_EQ(id.substr(0, 2), "m-");
  EXPECT_EQ(Str(info, "experiment_id"), exp_id_);
  EXPECT_EQ(Str(info, "name"), "model");
  EXPECT_EQ(Str(info, "status"), "LOGGED_MODEL_PENDING");
  EXPECT_EQ(Str(info, "model_type"), "Classifier");
  EXPECT_EQ(Str(info, "source_run_id"), run_id_);
  std::string artifact_uri = "mlflow-artifacts:/" + exp_id_ + "/models/" + id + "/artifacts";
  EXPECT_EQ(Str(info, "artifact_uri"), artifact_uri);
  EXPECT_TRUE(info.Find("creation_timestamp_ms")->is_int());
  EXPECT_TRUE(info.Find("last_updated_timestamp_ms")->is_int());
  EXPECT_EQ(info.Find("tags")->size(), 2u);
  const json::Value& param = created.Find("model")->Find("data")->Find("params")->as_array()[0];
  EXPECT_EQ(Str(param, "key"), "alpha");
  EXPECT_EQ(Str(param, "value"), "0.5");

  // The client uploads the model's files to its artifact_uri through mlflow-artifacts.
  std::string proxy =
      "/api/2.0/mlflow-artifacts/artifacts/" + exp_id_ + "/models/" + id + "/artifacts/MLmodel";
  auto put = alice_->Call("PUT", proxy, "artifact_path: model\nflavors: {}\n");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->status, 200) << put->body;
  auto denied = bob_->Call("PUT", proxy, "x");
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->status, 403);
  auto download = alice_->Call("GET", proxy);
  ASSERT_TRUE(download.ok());
  EXPECT_EQ(download->body, "artifact_path: model\nflavors: {}\n");
  json::Value files = Ok(
      *alice_, "GET", "/logged-models/" + id + "/artifacts/directories?artifact_directory_path=");
  EXPECT_EQ(Str(files, "root_uri"), artifact_uri);
  ASSERT_EQ(files.Find("files")->size(), 1u);
  EXPECT_EQ(Str(files.Find("files")->as_array()[0], "path"), "MLmodel");

  // log_model then finalizes and links the model to the run.
  json::Value ready = Ok(*alice_, "PATCH", "/logged-models/" + id,
                         R"({"model_id": ")" + id + R"(", "status": "LOGGED_MODEL_READY"})");
  EXPECT_EQ(Str(*ready.Find("model")->Find("info"), "status"), "LOGGED_MODEL_READY");
  Ok(*alice_, "POST", "/runs/outputs",
     R"({"run_id": ")" + run_id_ + R"(", "models": [{"model_id": ")" + id + R"(", "step": 0}]})");

  // mlflow.log_metric(..., model_id=...) in MLflow 3.
  Ok(*alice_, "POST", "/runs/log-batch",
     R"({"run_id": ")" + run_id_ + R"(", "metrics": [{"key": "acc", "value": 0.91,
        "timestamp": 1700000001000, "step": 0, "model_id": ")" +
         id + R"(",
        "dataset_name": "eval", "dataset_digest": "d41d8cd9"}]})");

  json::Value got = Ok(*alice_, "GET", "/logged-models/" + id);
  EXPECT_EQ(Str(*got.Find("model")->Find("info"), "status"), "LOGGED_MODEL_READY");
  const json::Value& metric = got.Find("model")->Find("data")->Find("metrics")->as_array()[0];
  EXPECT_EQ(Str(metric, "key"), "acc");
  EXPECT_DOUBLE_EQ(metric.Find("value")->as_double(), 0.91);
  EXPECT_EQ(metric.Find("timestamp")->as_int(), 1700000001000);
  EXPECT_EQ(Str(metric, "model_id"), id);
  EXPECT_EQ(Str(metric, "run_id"), run_id_);
  EXPECT_EQ(Str(metric, "dataset_name"), "eval");
  EXPECT_EQ(Str(metric, "dataset_digest"), "d41d8cd9");
  EXPECT_EQ(Str(*got.Find("model")->Find("info"), "name"), "model");

  // mlflow.search_logged_models
  json::Value found =
      Ok(*alice_, "POST", "/logged-models/search",
         R"({"experiment_ids": [")" + exp_id_ +
             R"("], "filter": "name = 'model' AND params.alpha = '0.5' AND metrics.acc > 0.9",
             "datasets": [], "max_results": 50,
             "order_by": [{"field_name": "creation_timestamp", "ascending": false}]})");
  ASSERT_EQ(found.Find("models")->size(), 1u);
  EXPECT_EQ(Str(*found.Find("models")->as_array()[0].Find("info"), "model_id"), id);
  json::Value none = Ok(
      *alice_, "POST", "/logged-models/search",
      R"({"experiment_ids": [")" + exp_id_ + R"("], "filter": "status = 'LOGGED_MODEL_PENDING'"})");
  EXPECT_EQ(none.Find("models"), nullptr);

  // set_logged_model_tags / delete_logged_model_tag / log_logged_model_params
  json::Value tagged =
      Ok(*alice_, "PATCH", "/logged-models/" + id + "/tags",
         R"({"model_id": ")" + id + R"(", "tags": [{"key": "stage", "value": "dev"}]})");
  EXPECT_EQ(tagged.Find("model")->Find("info")->Find("tags")->size(), 3u);
  Ok(*alice_, "DELETE", "/logged-models/" + id + "/tags/stage",
     R"({"model_id": ")" + id + R"(", "tag_key": "stage"})");
  Fail(*alice_, "DELETE", "/logged-models/" + id + "/tags/stage", "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  Ok(*alice_, "POST", "/logged-models/" + id + "/params",
     R"({"model_id": ")" + id + R"(", "params": [{"key": "depth", "value": "6"}]})");
  got = Ok(*alice_, "GET", "/logged-models/" + id);
  EXPECT_EQ(got.Find("model")->Find("info")->Find("tags")->size(), 2u);
  EXPECT_EQ(got.Find("model")->Find("data")->Find("params")->size(), 2u);

  // Bob has no permission on alice's experiment: 403 for reads and writes.
  Fail(*bob_, "GET", "/logged-models/" + id, "", 403, "PERMISSION_DENIED");
  Fail(*bob_, "PATCH", "/logged-models/" + id, R"({"status": "LOGGED_MODEL_READY"})", 403,
       "PERMISSION_DENIED");
  Fail(*bob_, "POST", "/logged-models", R"({"experiment_id": ")" + exp_id_ + R"("})", 403,
       "PERMISSION_DENIED");
  Fail(*bob_, "POST", "/logged-models/search", R"({"experiment_ids": [")" + exp_id_ + R"("]})", 403,
       "PERMISSION_DENIED");
  Fail(*bob_, "DELETE", "/logged-models/" + id, "", 403, "PERMISSION_DENIED");

  // delete_logged_model, then the id is unknown.
  Ok(*alice_, "DELETE", "/logged-models/" + id, R"({"model_id": ")" + id + R"("})");
  Fail(*alice_, "GET", "/logged-models/" + id, "", 404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(LoggedModelProtocolTest, BadInputUsesMlflowErrorCodes) {
  SetUpExperiment();
  json::Value created =
      Ok(*alice_, "POST", "/logged-models", R"({"experiment_id": ")" + exp_id_ + R"("})");
  const json::Value& info = *created.Find("model")->Find("info");
  std::string id = Str(info, "model_id");
  EXPECT_FALSE(Str(info, "name").empty());  // generated, as MLflow does
  Fail(*alice_, "POST", "/logged-models", R"({})", 400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/logged-models", R"({"experiment_id": "424242"})", 404,
       "RESOURCE_DOES_NOT_EXIST");
  Fail(*alice_, "POST", "/logged-models", R"({"experiment_id": "abc"})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/logged-models",
       R"({"experiment_id": ")" + exp_id_ + R"(", "name": "a/b"})", 400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "GET", "/logged-models/m-00000000000000000000000000000000", "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  Fail(*alice_, "PATCH", "/logged-models/" + id, R"({"status": "LOGGED_MODEL_PENDING"})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "PATCH", "/logged-models/" + id, R"({"status": "DONE"})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "PATCH", "/logged-models/" + id, R"({})", 400, "INVALID_PARAMETER_VALUE");
  // Protobuf JSON may carry the enum as its number.
  Ok(*alice_, "PATCH", "/logged-models/" + id, R"({"status": 3})");
  Fail(*alice_, "POST", "/logged-models/search",
       R"({"experiment_ids": [")" + exp_id_ + R"("], "filter": "name = 'a' OR name = 'b'"})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/logged-models/search",
       R"({"experiment_ids": [")" + exp_id_ + R"("], "order_by": [{"ascending": true}]})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/runs/outputs",
       R"({"run_id": ")" + run_id_ + R"(", "models": [{"model_id": "m-missing", "step": 0}]})", 404,
       "RESOURCE_DOES_NOT_EXIST");
  Fail(*alice_, "POST", "/runs/outputs", R"({"models": []})", 400, "INVALID_PARAMETER_VALUE");
  Fail(*alice_, "POST", "/logged-models/" + id + "/params",
       R"({"params": [{"key": "", "value": "1"}]})", 400, "INVALID_PARAMETER_VALUE");
}

}  // namespace
}  // namespace keel::integration
