// MLflow 3 logged models at the service level: lifecycle, params and tags, search, outputs,
// permissions and MLflow's error codes.

#include "tracking/tracking_test_env.h"

namespace keel::tracking {
namespace {

class LoggedModelTest : public TrackingTest {
 protected:
  LoggedModel NewModel(const catalog::Principal& who, const std::string& experiment_id,
                       const std::string& name, std::vector<KeyValue> params = {},
                       std::vector<KeyValue> tags = {}) {
    CreateLoggedModelRequest req;
    req.experiment_id = experiment_id;
    req.name = name;
    req.params = std::move(params);
    req.tags = std::move(tags);
    auto m = tracking_->CreateLoggedModel(who, req);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : LoggedModel{};
  }

  std::vector<std::string> Names(const SearchLoggedModelsRequest& req) {
    auto page = tracking_->SearchLoggedModels(alice_, req);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& m : page->models) out.push_back(m.info.name);
    }
    return out;
  }
};

TEST_F(LoggedModelTest, CreateUploadFinalizeGetAndDelete) {
  std::string exp = NewExperiment(alice_, "/Users/alice/agents");
  std::string run = NewRun(alice_, exp);
  CreateLoggedModelRequest req;
  req.experiment_id = exp;
  req.name = "classifier";
  req.model_type = "Classifier";
  req.source_run_id = run;
  req.params = {{"alpha", "0.5"}};
  req.tags = {{"team", "growth"}};
  auto created = tracking_->CreateLoggedModel(alice_, req);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const LoggedModelInfo& info = created->info;
  ASSERT_EQ(info.model_id.size(), 34u);
  EXPECT_EQ(info.model_id.substr(0, 2), "m-");
  EXPECT_EQ(info.experiment_id, exp);
  EXPECT_EQ(info.status, "LOGGED_MODEL_PENDING");
  EXPECT_EQ(info.artifact_uri,
            "mlflow-artifacts:/" + exp + "/models/" + info.model_id + "/artifacts");
  EXPECT_EQ(info.creation_timestamp_ms, 1'700'000'000'000);
  EXPECT_EQ(info.last_updated_timestamp_ms, 1'700'000'000'000);
  EXPECT_EQ(info.creator, "alice");
  EXPECT_EQ(info.model_type, "Classifier");
  EXPECT_EQ(info.source_run_id, run);
  ASSERT_EQ(info.tags.size(), 1u);
  EXPECT_EQ(info.tags[0].value, "growth");
  ASSERT_EQ(created->params.size(), 1u);
  EXPECT_EQ(created->params[0].key, "alpha");

  // The client uploads files under the artifact_uri through the proxy; the experiment's
  // permissions apply.
  std::string proxy = exp + "/models/" + info.model_id + "/artifacts/MLmodel";
  ASSERT_TRUE(tracking_->UploadArtifact(alice_, proxy, "flavors: {}\n").ok());
  EXPECT_EQ(tracking_->UploadArtifact(bob_, proxy, "x").code(), ErrorCode::kPermissionDenied);
  auto listing = tracking_->ListLoggedModelArtifacts(alice_, info.model_id, "");
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  EXPECT_EQ(listing->root_uri, info.artifact_uri);
  ASSERT_EQ(listing->files.size(), 1u);
  EXPECT_EQ(listing->files[0].path, "MLmodel");

  clock_.Advance(5);
  auto ready = tracking_->FinalizeLoggedModel(alice_, info.model_id, "LOGGED_MODEL_READY");
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  EXPECT_EQ(ready->info.status, "LOGGED_MODEL_READY");
  EXPECT_EQ(ready->info.last_updated_timestamp_ms, 1'700'000'000'005);
  auto got = tracking_->GetLoggedModel(alice_, info.model_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->info.status, "LOGGED_MODEL_READY");
  EXPECT_EQ(got->info.name, "classifier");

  ASSERT_TRUE(tracking_->DeleteLoggedModel(alice_, info.model_id).ok());
  EXPECT_EQ(tracking_->GetLoggedModel(alice_, info.model_id).status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(tracking_->DeleteLoggedModel(alice_, info.model_id).code(),
            ErrorCode::kResourceDoesNotExist);
}

TEST_F(LoggedModelTest, NamesAreGeneratedAndValidated) {
  LoggedModel m = NewModel(alice_, "0", "");
  EXPECT_FALSE(m.info.name.empty());
  EXPECT_EQ(m.info.name.find('/'), std::string::npos);
  CreateLoggedModelRequest bad;
  bad.experiment_id = "0";
  bad.name = "a/b";
  EXPECT_EQ(tracking_->CreateLoggedModel(alice_, bad).status().code(),
            ErrorCode::kInvalidParameterValue);
  bad.name = "ok";
  bad.experiment_id = "";
  EXPECT_EQ(tracking_->CreateLoggedModel(alice_, bad).status().code(),
            ErrorCode::kInvalidParameterValue);
  bad.experiment_id = "424242";
  EXPECT_EQ(tracking_->CreateLoggedModel(alice_, bad).status().code(),
            ErrorCode::kResourceDoesNotExist);
  bad.experiment_id = "0";
  bad.params = {{"p", "1"}, {"p", "2"}};
  EXPECT_EQ(tracking_->CreateLoggedModel(alice_, bad).status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(LoggedModelTest, FinalizeRefusesOtherStatuses) {
  LoggedModel m = NewModel(alice_, "0", "m1");
  for (const char* status : {"LOGGED_MODEL_PENDING", "READY", ""}) {
    EXPECT_EQ(tracking_->FinalizeLoggedModel(alice_, m.info.model_id, status).status().code(),
              ErrorCode::kInvalidParameterValue)
        << status;
  }
  EXPECT_TRUE(
      tracking_->FinalizeLoggedModel(alice_, m.info.model_id, "LOGGED_MODEL_UPLOAD_FAILED").ok());
  EXPECT_EQ(tracking_->FinalizeLoggedModel(alice_, "m-nope", "LOGGED_MODEL_READY").status().code(),
            ErrorCode::kResourceDoesNotExist);
}

TEST_F(LoggedModelTest, TagsAndParams) {
  LoggedModel m = NewModel(alice_, "0", "m1", {{"lr", "0.1"}});
  const std::string& id = m.info.model_id;
  auto tagged = tracking_->SetLoggedModelTags(alice_, id, {{"a", "1"}, {"b", "2"}});
  ASSERT_TRUE(tagged.ok());
  EXPECT_EQ(tagged->info.tags.size(), 2u);
  ASSERT_TRUE(tracking_->SetLoggedModelTags(alice_, id, {{"a", "3"}}).ok());
  ASSERT_TRUE(tracking_->DeleteLoggedModelTag(alice_, id, "b").ok());
  EXPECT_EQ(tracking_->DeleteLoggedModelTag(alice_, id, "b").code(),
            ErrorCode::kResourceDoesNotExist);
  auto got = tracking_->GetLoggedModel(alice_, id);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->info.tags.size(), 1u);
  EXPECT_EQ(got->info.tags[0].key, "a");
  EXPECT_EQ(got->info.tags[0].value, "3");
  EXPECT_EQ(tracking_->SetLoggedModelTags(alice_, id, {{"", "x"}}).status().code(),
            ErrorCode::kInvalidParameterValue);

  ASSERT_TRUE(tracking_->LogLoggedModelParams(alice_, id, {{"lr", "0.1"}, {"depth", "6"}}).ok());
  EXPECT_EQ(tracking_->LogLoggedModelParams(alice_, id, {{"lr", "0.2"}}).code(),
            ErrorCode::kInvalidParameterValue);
  got = tracking_->GetLoggedModel(alice_, id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->params.size(), 2u);
}

TEST_F(LoggedModelTest, PermissionsFollowTheExperiment) {
  std::string exp = NewExperiment(alice_, "/Users/alice/private");
  LoggedModel m = NewModel(alice_, exp, "secret");
  const std::string& id = m.info.model_id;
  EXPECT_EQ(tracking_->GetLoggedModel(bob_, id).status().code(), ErrorCode::kPermissionDenied);
  CreateLoggedModelRequest req;
  req.experiment_id = exp;
  EXPECT_EQ(tracking_->CreateLoggedModel(bob_, req).status().code(), ErrorCode::kPermissionDenied);
  SearchLoggedModelsRequest search;
  search.experiment_ids = {exp};
  EXPECT_EQ(tracking_->SearchLoggedModels(bob_, search).status().code(),
            ErrorCode::kPermissionDenied);
  ASSERT_TRUE(
      tracking_->SetExperimentPermission(alice_, exp, "bob", PermissionLevel::kCanRead).ok());
  EXPECT_TRUE(tracking_->GetLoggedModel(bob_, id).ok());
  EXPECT_TRUE(tracking_->SearchLoggedModels(bob_, search).ok());
  EXPECT_EQ(tracking_->FinalizeLoggedModel(bob_, id, "LOGGED_MODEL_READY").status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(tracking_->SetLoggedModelTags(bob_, id, {{"a", "1"}}).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(tracking_->DeleteLoggedModel(bob_, id).code(), ErrorCode::kPermissionDenied);
  ASSERT_TRUE(
      tracking_->SetExperimentPermission(alice_, exp, "bob", PermissionLevel::kCanEdit).ok());
  EXPECT_TRUE(tracking_->FinalizeLoggedModel(bob_, id, "LOGGED_MODEL_READY").ok());
}

TEST_F(LoggedModelTest, SearchFiltersOrdersAndPages) {
  std::string exp = NewExperiment(alice_, "/Users/alice/search");
  NewModel(alice_, exp, "alpha", {{"lr", "0.1"}}, {{"kind", "tree"}});
  clock_.Advance(10);
  LoggedModel beta = NewModel(alice_, exp, "beta", {{"lr", "0.2"}}, {{"kind", "linear"}});
  clock_.Advance(10);
  NewModel(alice_, exp, "gamma", {{"lr", "0.1"}});
  ASSERT_TRUE(
      tracking_->FinalizeLoggedModel(alice_, beta.info.model_id, "LOGGED_MODEL_READY").ok());
  NewModel(alice_, "0", "elsewhere");

  SearchLoggedModelsRequest req;
  req.experiment_ids = {exp};
  EXPECT_EQ(Names(req), (std::vector<std::string>{"gamma", "beta", "alpha"}));  // newest first
  req.filter = "params.lr = '0.1'";
  EXPECT_EQ(Names(req), (std::vector<std::string>{"gamma", "alpha"}));
  req.filter = "status = 'LOGGED_MODEL_READY'";
  EXPECT_EQ(Names(req), (std::vector<std::string>{"beta"}));
  req.filter = "tags.kind LIKE '%e%' AND name != 'alpha'";
  EXPECT_EQ(Names(req), (std::vector<std::string>{"beta"}));
  req.filter = "creation_timestamp >= 1700000000010";
  EXPECT_EQ(Names(req), (std::vector<std::string>{"gamma", "beta"}));
  req.filter = "metrics.acc > 0.5";
  EXPECT_TRUE(Names(req).empty());
  req.filter = "";
  req.order_by = {{"name", true}};
  EXPECT_EQ(Names(req), (std::vector<std::string>{"alpha", "beta", "gamma"}));
  req.order_by = {{"tags.kind", false}};  // models without the tag last
  EXPECT_EQ(Names(req), (std::vector<std::string>{"alpha", "beta", "gamma"}));

  req.order_by = {{"name", true}};
  req.max_results = 2;
  auto first = tracking_->SearchLoggedModels(alice_, req);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->models.size(), 2u);
  ASSERT_FALSE(first->next_page_token.empty());
  req.page_token = first->next_page_token;
  auto second = tracking_->SearchLoggedModels(alice_, req);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->models.size(), 1u);
  EXPECT_EQ(second->models[0].info.name, "gamma");
  EXPECT_TRUE(second->next_page_token.empty());

  SearchLoggedModelsRequest bad;
  bad.experiment_ids = {exp};
  bad.filter = "attributes.bogus = 'x'";
  EXPECT_EQ(tracking_->SearchLoggedModels(alice_, bad).status().code(),
            ErrorCode::kInvalidParameterValue);
  bad.filter = "";
  bad.order_by = {{"bogus", true}};
  EXPECT_EQ(tracking_->SearchLoggedModels(alice_, bad).status().code(),
            ErrorCode::kInvalidParameterValue);
  bad.order_by.clear();
  bad.max_results = 0;
  EXPECT_EQ(tracking_->SearchLoggedModels(alice_, bad).status().code(),
            ErrorCode::kInvalidParameterValue);
  bad.max_results = 10;
  bad.experiment_ids = {"999"};
  EXPECT_EQ(tracking_->SearchLoggedModels(alice_, bad).status().code(),
            ErrorCode::kResourceDoesNotExist);
}

TEST_F(LoggedModelTest, LogOutputsLinksRunsToModels) {
  std::string run = NewRun(alice_, "0");
  LoggedModel m = NewModel(alice_, "0", "out");
  EXPECT_TRUE(tracking_->LogOutputs(alice_, run, {{m.info.model_id, 3}}).ok());
  EXPECT_TRUE(tracking_->LogOutputs(alice_, run, {{m.info.model_id, 3}}).ok());  // idempotent
  EXPECT_EQ(tracking_->LogOutputs(alice_, run, {{"m-missing", 0}}).code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(tracking_->LogOutputs(alice_, "nope", {{m.info.model_id, 0}}).code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(tracking_->LogOutputs(alice_, run, {{"", 0}}).code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(LoggedModelTest, MetricsLoggedWithAModelIdAppearOnTheModel) {
  std::string run = NewRun(alice_, "0");
  LoggedModel m = NewModel(alice_, "0", "scored");
  Metric acc{"acc", 0.7, 1, 0};
  acc.model_id = m.info.model_id;
  acc.dataset_name = "eval";
  acc.dataset_digest = "abc";
  Metric later = acc;
  later.value = 0.9;
  later.step = 1;
  ASSERT_TRUE(tracking_->LogBatch(alice_, run, {acc, later, {"loss", 0.1, 1, 0}}, {}, {}).ok());
  auto got = tracking_->GetLoggedModel(alice_, m.info.model_id);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->metrics.size(), 2u);  // only the points that named the model
  EXPECT_EQ(got->metrics[1].value, 0.9);
  EXPECT_EQ(got->metrics[1].run_id, run);
  EXPECT_EQ(got->metrics[1].dataset_name, "eval");
  auto run_data = tracking_->GetRun(alice_, run);
  ASSERT_TRUE(run_data.ok());
  EXPECT_EQ(run_data->metrics.size(), 2u);  // the run has every point

  SearchLoggedModelsRequest req;
  req.experiment_ids = {"0"};
  req.filter = "metrics.acc > 0.8";
  EXPECT_EQ(Names(req), (std::vector<std::string>{"scored"}));
  req.filter = "metrics.acc > 0.95";
  EXPECT_TRUE(Names(req).empty());

  Metric unknown{"acc", 1, 1, 0};
  unknown.model_id = "m-unknown";
  EXPECT_EQ(tracking_->LogBatch(alice_, run, {unknown}, {}, {}).code(),
            ErrorCode::kResourceDoesNotExist);
}

}  // namespace
}  // namespace keel::tracking
