// Issue 5: the exact JSON the MLflow Python client (RestStore, MLflow 2.x) sends, checked field
// by field against what MLflow's server answers. Bodies are written as the client serialises
// them (protobuf JSON; int64 fields sometimes as strings).

#include <cmath>

#include "integration/workspace_fixture.h"

namespace keel::integration {
namespace {

constexpr char kApi[] = "/api/2.0/mlflow";

class MlflowProtocolTest : public WorkspaceTest {
 protected:
  json::Value Ok(std::string_view method, const std::string& path, std::string_view body = {}) {
    auto r = admin_->Call(method, std::string(kApi) + path, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return json::Value();
    EXPECT_EQ(r->status, 200) << method << " " << path << " " << body << " -> " << r->body;
    return r->json;
  }
  testutil::ApiResponse Fail(std::string_view method, const std::string& path,
                             std::string_view body, int status, const std::string& code) {
    auto r = admin_->Call(method, std::string(kApi) + path, body);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->status, status) << path << " " << body << " -> " << r->body;
    EXPECT_EQ(r->error_code(), code) << r->body;
    return *r;
  }
  static std::string Str(const json::Value& v, std::string_view key) {
    const json::Value* f = v.Find(key);
    return f && f->is_string() ? f->as_string() : "<missing " + std::string(key) + ">";
  }
};

TEST_F(MlflowProtocolTest, SetExperimentThenStartRunLogAndEndAsThePythonClientDoes) {
  // mlflow.set_experiment: get-by-name, 404 RESOURCE_DOES_NOT_EXIST, then create.
  Fail("GET", "/experiments/get-by-name?experiment_name=%2FShared%2Fchurn", "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  json::Value created = Ok("POST", "/experiments/create", R"({"name": "/Shared/churn"})");
  std::string exp_id = Str(created, "experiment_id");
  json::Value got = Ok("GET", "/experiments/get-by-name?experiment_name=%2FShared%2Fchurn");
  const json::Value& e = *got.Find("experiment");
  EXPECT_EQ(Str(e, "experiment_id"), exp_id);
  EXPECT_EQ(Str(e, "name"), "/Shared/churn");
  EXPECT_EQ(Str(e, "artifact_location"), "mlflow-artifacts:/" + exp_id);
  EXPECT_EQ(Str(e, "lifecycle_stage"), "active");
  EXPECT_TRUE(e.Find("creation_time")->is_int());
  EXPECT_TRUE(e.Find("last_update_time")->is_int());
  // The name exists: RESOURCE_ALREADY_EXISTS with HTTP 400 (not 409).
  Fail("POST", "/experiments/create", R"({"name": "/Shared/churn"})", 400,
       "RESOURCE_ALREADY_EXISTS");

  // mlflow.start_run
  json::Value run = Ok("POST", "/runs/create",
                       R"({"experiment_id": ")" + exp_id +
                           R"(", "user_id": "someone", "start_time": "1700000000000",
                           "tags": [{"key": "mlflow.user", "value": "someone"},
                                    {"key": "mlflow.source.name", "value": "train.py"},
                                    {"key": "mlflow.source.type", "value": "LOCAL"},
                                    {"key": "mlflow.source.git.commit", "value": "abc123"}],
                           "run_name": "baseline"})");
  const json::Value& info = *run.Find("run")->Find("info");
  std::string run_id = Str(info, "run_id");
  EXPECT_EQ(run_id.size(), 32u);
  EXPECT_EQ(Str(info, "run_uuid"), run_id);
  EXPECT_EQ(Str(info, "run_name"), "baseline");
  EXPECT_EQ(Str(info, "experiment_id"), exp_id);
  EXPECT_EQ(Str(info, "user_id"), "admin");  // the authenticated caller, not the claim
  EXPECT_EQ(Str(info, "status"), "RUNNING");
  EXPECT_EQ(info.Find("start_time")->as_int(), 1700000000000);
  EXPECT_EQ(info.Find("end_time"), nullptr);
  EXPECT_EQ(Str(info, "artifact_uri"),
            "mlflow-artifacts:/" + exp_id + "/" + run_id + "/artifacts");
  EXPECT_EQ(Str(info, "lifecycle_stage"), "active");

  // log_params / log_metrics / set_tags go through log-batch.
  Ok("POST", "/runs/log-batch",
     R"({"run_id": ")" + run_id + R"(", "metrics": [], "params": [{"key": "lr", "value": "0.1"},
        {"key": "max_depth", "value": "6"}], "tags": []})");
  Ok("POST", "/runs/log-batch",
     R"({"run_id": ")" + run_id + R"(", "metrics": [
        {"key": "auc", "value": 0.81, "timestamp": 1700000001000, "step": 0},
        {"key": "auc", "value": 0.86, "timestamp": 1700000002000, "step": 1},
        {"key": "loss", "value": NaN, "timestamp": 1700000002000, "step": 1}],
        "params": [], "tags": [{"key": "team", "value": "growth"}]})");
  Ok("POST", "/runs/log-metric",
     R"({"run_id": ")" + run_id + R"(", "run_uuid": ")" + run_id +
         R"(", "key": "auc", "value": 0.9, "timestamp": 1700000003000, "step": 2})");
  Ok("POST", "/runs/log-parameter",
     R"({"run_id": ")" + run_id + R"(", "run_uuid": ")" + run_id +
         R"(", "key": "seed", "value": "42"})");
  Ok("POST", "/runs/set-tag",
     R"({"run_id": ")" + run_id + R"(", "run_uuid": ")" + run_id +
         R"(", "key": "note", "value": "first"})");
  auto changed = Fail("POST", "/runs/log-parameter",
                      R"({"run_id": ")" + run_id + R"(", "key": "lr", "value": "0.2"})", 400,
                      "INVALID_PARAMETER_VALUE");
  EXPECT_NE(changed.body.find("Changing param values is not allowed"), std::string::npos);

  // log_input (mlflow.log_input with a dataset)
  Ok("POST", "/runs/log-inputs",
     R"({"run_id": ")" + run_id + R"(", "datasets": [{"tags": [{"key": "mlflow.data.context",
        "value": "training"}], "dataset": {"name": "dev.default.churn", "digest": "d41d8cd9",
        "source_type": "delta_table", "source": "{\"delta_table_name\": \"dev.default.churn\", \"delta_table_version\": 3}", "schema": "{\"mlflow_colspec\": []}",
        "profile": "{\"num_rows\": 1000}"}}]})");

  // mlflow.end_run
  json::Value updated = Ok("POST", "/runs/update",
                           R"({"run_id": ")" + run_id + R"(", "run_uuid": ")" + run_id +
                               R"(", "status": "FINISHED", "end_time": 1700000009000})");
  EXPECT_EQ(Str(*updated.Find("run_info"), "status"), "FINISHED");
  EXPECT_EQ(updated.Find("run_info")->Find("end_time")->as_int(), 1700000009000);

  // get_run: latest metric per key, every param and tag, the dataset input.
  json::Value full = Ok("GET", "/runs/get?run_id=" + run_id);
  const json::Value& data = *full.Find("run")->Find("data");
  std::map<std::string, double> metrics;
  for (const auto& m : data.Find("metrics")->as_array()) {
    metrics[m.Find("key")->as_string()] = m.Find("value")->as_double();
  }
  EXPECT_DOUBLE_EQ(metrics["auc"], 0.9);
  EXPECT_TRUE(std::isnan(metrics["loss"]));
  EXPECT_EQ(data.Find("params")->size(), 3u);
  std::map<std::string, std::string> tags;
  for (const auto& t : data.Find("tags")->as_array()) {
    tags[t.Find("key")->as_string()] = t.Find("value")->as_string();
  }
  EXPECT_EQ(tags["mlflow.runName"], "baseline");
  EXPECT_EQ(tags["mlflow.source.git.commit"], "abc123");
  EXPECT_EQ(tags["team"], "growth");
  const json::Value& input = full.Find("run")->Find("inputs")->Find("dataset_inputs")->as_array()[0];
  EXPECT_EQ(Str(*input.Find("dataset"), "name"), "dev.default.churn");
  EXPECT_EQ(Str(input.Find("tags")->as_array()[0], "value"), "training");

  // get_metric_history
  json::Value history = Ok("GET", "/metrics/get-history?run_id=" + run_id +
                                      "&run_uuid=" + run_id + "&metric_key=auc&max_results=25000");
  ASSERT_EQ(history.Find("metrics")->size(), 3u);
  const json::Value& first = history.Find("metrics")->as_array()[0];
  EXPECT_EQ(Str(first, "key"), "auc");
  EXPECT_DOUBLE_EQ(first.Find("value")->as_double(), 0.81);
  EXPECT_EQ(first.Find("timestamp")->as_int(), 1700000001000);
  EXPECT_EQ(first.Find("step")->as_int(), 0);
  EXPECT_EQ(history.Find("next_page_token"), nullptr);

  // search_runs as mlflow.search_runs sends it.
  json::Value found = Ok("POST", "/runs/search",
                         R"({"experiment_ids": [")" + exp_id +
                             R"("], "filter": "metrics.auc > 0.85 and params.lr = '0.1' and tags.team = 'growth'",
                             "run_view_type": "ACTIVE_ONLY", "max_results": 1000,
                             "order_by": ["metrics.auc DESC"]})");
  ASSERT_EQ(found.Find("runs")->size(), 1u);
  EXPECT_EQ(Str(*found.Find("runs")->as_array()[0].Find("info"), "run_id"), run_id);
  json::Value none = Ok("POST", "/runs/search",
                        R"({"experiment_ids": [")" + exp_id + R"("], "filter": "metrics.auc < 0.5"})");
  EXPECT_EQ(none.Find("runs"), nullptr);  // empty repeated fields are omitted, as in MLflow
  Fail("POST", "/runs/search",
       R"({"experiment_ids": [")" + exp_id + R"("], "filter": "metrics.auc > 1 OR params.a = 'b'"})",
       400, "INVALID_PARAMETER_VALUE");

  // search_experiments
  json::Value exps = Ok("POST", "/experiments/search",
                        R"({"max_results": 1000, "filter": "name LIKE '/Shared/%'",
                            "view_type": "ACTIVE_ONLY"})");
  ASSERT_EQ(exps.Find("experiments")->size(), 1u);
  EXPECT_EQ(Str(exps.Find("experiments")->as_array()[0], "name"), "/Shared/churn");
}

// mlflow.<flavor>.log_model with an MLflow 2.x client: the model files go up through
// mlflow-artifacts, then runs/log-model records the MLmodel description in the run's
// mlflow.log-model.history tag (MLflow's server does the same).
TEST_F(MlflowProtocolTest, LogModelRecordsTheModelInTheRunHistory) {
  std::string exp_id = Str(Ok("POST", "/experiments/create", R"({"name": "/Shared/models"})"),
                           "experiment_id");
  std::string run_id = Str(*Ok("POST", "/runs/create",
                               R"({"experiment_id": ")" + exp_id + R"(", "start_time": 1})")
                                .Find("run")
                                ->Find("info"),
                           "run_id");
  std::string mlmodel = "artifact_path: model\nflavors:\n  python_function: {}\n";
  auto put = admin_->Call("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + exp_id + "/" + run_id +
                                     "/artifacts/model/MLmodel",
                          mlmodel);
  ASSERT_EQ(put->status, 200) << put->body;
  // model_json is a JSON string inside the JSON body, as Model.to_json() makes it.
  auto model = [&](const std::string& path) {
    json::Value m;
    m.Set("artifact_path", path);
    m.Set("flavors", *json::Parse(R"({"python_function": {"loader_module": "mlflow.sklearn",
                                      "python_version": "3.11.4"},
                                      "sklearn": {"sklearn_version": "1.3.0",
                                      "serialization_format": "cloudpickle"}})"));
    m.Set("run_id", run_id);
    m.Set("utc_time_created", "2024-05-01 10:00:00.123456");
    m.Set("model_uuid", "0123456789abcdef0123456789abcdef");
    m.Set("mlflow_version", "2.12.2");
    m.Set("signature", *json::Parse(R"({"inputs": "[]", "outputs": "[]"})"));
    json::Value body;
    body.Set("run_id", run_id);
    body.Set("model_json", m.Dump());
    return body.Dump();
  };
  EXPECT_TRUE(Ok("POST", "/runs/log-model", model("model")).is_object());
  Ok("POST", "/runs/log-model", model("model_v2"));
  json::Value got = Ok("GET", "/runs/get?run_id=" + run_id);
  std::string history;
  for (const auto& t : got.Find("run")->Find("data")->Find("tags")->as_array()) {
    if (Str(t, "key") == "mlflow.log-model.history") history = Str(t, "value");
  }
  auto parsed = json::Parse(history);
  ASSERT_TRUE(parsed.ok()) << history;
  ASSERT_EQ(parsed->as_array().size(), 2u);
  const json::Value& first = parsed->as_array()[0];
  EXPECT_EQ(Str(first, "artifact_path"), "model");
  EXPECT_EQ(Str(first, "run_id"), run_id);
  EXPECT_EQ(Str(first, "utc_time_created"), "2024-05-01 10:00:00.123456");
  EXPECT_NE(first.Find("flavors")->Find("sklearn"), nullptr);
  EXPECT_EQ(first.Find("signature"), nullptr);  // kept out of the tag, as MLflow does
  EXPECT_EQ(Str(parsed->as_array()[1], "artifact_path"), "model_v2");
  // The model's files are where the client put them.
  auto listed = Ok("GET", "/artifacts/list?run_id=" + run_id + "&path=model");
  EXPECT_EQ(Str(listed.Find("files")->as_array()[0], "path"), "model/MLmodel");

  // Bad input: a model without its mandatory fields, JSON that is no object, unknown run.
  auto missing = Fail("POST", "/runs/log-model",
                      R"({"run_id": ")" + run_id + R"(", "model_json": "{\"flavors\": {}}"})",
                      400, "INVALID_PARAMETER_VALUE");
  EXPECT_NE(missing.body.find("artifact_path"), std::string::npos) << missing.body;
  Fail("POST", "/runs/log-model", R"({"run_id": ")" + run_id + R"(", "model_json": "[1]"})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail("POST", "/runs/log-model", R"({"run_id": ")" + run_id + R"("})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail("POST", "/runs/log-model", R"({"run_id": "0123456789abcdef0123456789abcdef",
       "model_json": "{}"})", 400, "INVALID_PARAMETER_VALUE");
}

TEST_F(MlflowProtocolTest, ErrorsUseMlflowCodesAndStatuses) {
  Fail("GET", "/runs/get?run_id=00000000000000000000000000000000", "", 404,
       "RESOURCE_DOES_NOT_EXIST");
  Fail("GET", "/experiments/get?experiment_id=999", "", 404, "RESOURCE_DOES_NOT_EXIST");
  Fail("GET", "/experiments/get?experiment_id=abc", "", 400, "INVALID_PARAMETER_VALUE");
  Fail("POST", "/experiments/create", R"({})", 400, "INVALID_PARAMETER_VALUE");
  Fail("POST", "/experiments/create", R"({"name": 7})", 400, "INVALID_PARAMETER_VALUE");
  Fail("POST", "/runs/log-metric", R"({"run_id": "x", "key": "m"})", 400,
       "INVALID_PARAMETER_VALUE");
  Fail("POST", "/runs/log-batch", "{not json", 400, "MALFORMED_REQUEST");
  // Unknown routes answer a plain 404 so newer clients can fall back.
  auto r = admin_->Call("POST", std::string(kApi) + "/scorers/nope", "{}");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->error_code(), "ENDPOINT_NOT_FOUND");
}

}  // namespace
}  // namespace keel::integration
