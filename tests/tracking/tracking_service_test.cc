#include <cmath>

#include "tracking/tracking_test_env.h"

namespace keel::tracking {
namespace {

TEST_F(TrackingTest, ExperimentsAreCreatedFoundByNameAndNamesAreUnique) {
  std::string id = NewExperiment(alice_, "/Users/alice/churn");
  EXPECT_NE(id, "0");
  auto e = tracking_->GetExperimentByName(alice_, "/Users/alice/churn");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->experiment_id, id);
  EXPECT_EQ(e->artifact_location, "mlflow-artifacts:/" + id);
  EXPECT_EQ(e->lifecycle_stage, "active");
  auto again = tracking_->CreateExperiment(alice_, "/Users/alice/churn", "", {});
  EXPECT_EQ(again.status().code(), ErrorCode::kResourceAlreadyExists);
  auto missing = tracking_->GetExperimentByName(alice_, "nope");
  EXPECT_EQ(missing.status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(tracking_->GetExperiment(alice_, "12345").status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(tracking_->GetExperiment(alice_, "abc").status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(TrackingTest, TheDefaultExperimentExistsAndEveryoneMayLogToIt) {
  auto e = tracking_->GetExperiment(bob_, "0");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->name, "Default");
  std::string run = NewRun(bob_, "");
  auto got = tracking_->GetRun(alice_, run);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->info.experiment_id, "0");
  EXPECT_EQ(tracking_->DeleteExperiment(admin_, "0").code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(TrackingTest, PrivateExperimentsNeedPermissionsAndGroupsGetThem) {
  std::string id = NewExperiment(alice_, "/Users/alice/private");
  EXPECT_EQ(tracking_->GetExperiment(bob_, id).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(tracking_->CreateExperiment(bob_, "/Users/alice/sneaky", "", {}).status().code(),
            ErrorCode::kPermissionDenied);
  std::string run = NewRun(alice_, id);
  EXPECT_EQ(tracking_->LogBatch(bob_, run, {{"m", 1.0, 1, 0}}, {}, {}).code(),
            ErrorCode::kPermissionDenied);
  ASSERT_TRUE(
      tracking_->SetExperimentPermission(alice_, id, "ml-engineers", PermissionLevel::kCanRead)
          .ok());
  EXPECT_TRUE(tracking_->GetRun(bob_, run).ok());
  EXPECT_EQ(tracking_->LogBatch(bob_, run, {{"m", 1.0, 1, 0}}, {}, {}).code(),
            ErrorCode::kPermissionDenied);
  ASSERT_TRUE(tracking_->SetExperimentPermission(alice_, id, "bob", PermissionLevel::kCanEdit).ok());
  EXPECT_TRUE(tracking_->LogBatch(bob_, run, {{"m", 1.0, 1, 0}}, {}, {}).ok());
  // Only managers rename, delete or share.
  EXPECT_EQ(tracking_->UpdateExperiment(bob_, id, "x").code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(tracking_->SetExperimentPermission(bob_, id, "bob", PermissionLevel::kCanManage).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(tracking_->GetExperiment(admin_, id).ok());
  std::string shared = NewExperiment(alice_, "/Shared/team");
  EXPECT_TRUE(tracking_->CreateRun(bob_, {shared, "", std::nullopt, {}}).ok());
}

TEST_F(TrackingTest, RunsRecordNameStatusAndEndTime) {
  std::string id = NewExperiment(alice_, "exp");
  CreateRunRequest req;
  req.experiment_id = id;
  req.tags = {{"mlflow.runName", "from-tag"}, {"team", "a"}};
  auto run = tracking_->CreateRun(alice_, req);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->info.run_name, "from-tag");
  EXPECT_EQ(run->info.status, "RUNNING");
  EXPECT_EQ(run->info.user_id, "alice");
  EXPECT_EQ(run->info.artifact_uri, "mlflow-artifacts:/" + id + "/" + run->info.run_id +
                                        "/artifacts");
  std::string unnamed = NewRun(alice_, id);
  EXPECT_FALSE(tracking_->GetRun(alice_, unnamed)->info.run_name.empty());

  UpdateRunRequest update;
  update.status = "FINISHED";
  update.end_time = 1'700'000'100'000;
  auto info = tracking_->UpdateRun(alice_, run->info.run_id, update);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->status, "FINISHED");
  EXPECT_EQ(*info->end_time, 1'700'000'100'000);
  update.status = "DONE";
  EXPECT_EQ(tracking_->UpdateRun(alice_, run->info.run_id, update).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(tracking_->GetRun(alice_, "ffff").status().code(), ErrorCode::kResourceDoesNotExist);
}

TEST_F(TrackingTest, ParamsAreImmutableAndABadBatchWritesNothing) {
  std::string run = NewRun(alice_, NewExperiment(alice_, "exp"));
  ASSERT_TRUE(tracking_->LogBatch(alice_, run, {}, {{"lr", "0.1"}}, {}).ok());
  EXPECT_TRUE(tracking_->LogBatch(alice_, run, {}, {{"lr", "0.1"}}, {}).ok());  // same value
  Status changed = tracking_->LogBatch(alice_, run, {{"loss", 0.5, 1, 0}},
                                       {{"lr", "0.2"}, {"depth", "3"}}, {{"t", "v"}});
  EXPECT_EQ(changed.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(changed.message().find("Changing param values is not allowed"), std::string::npos);
  auto got = tracking_->GetRun(alice_, run);
  EXPECT_EQ(got->params.size(), 1u);
  EXPECT_TRUE(got->metrics.empty());
  for (const auto& t : got->tags) EXPECT_NE(t.key, "t");
}

TEST_F(TrackingTest, BatchLimitsAndKeyRulesFollowMlflow) {
  std::string run = NewRun(alice_, NewExperiment(alice_, "exp"));
  std::vector<Metric> metrics(1001, Metric{"m", 1, 1, 0});
  EXPECT_EQ(tracking_->LogBatch(alice_, run, metrics, {}, {}).code(),
            ErrorCode::kInvalidParameterValue);
  std::vector<KeyValue> params;
  for (int i = 0; i < 101; ++i) params.push_back({"p" + std::to_string(i), "v"});
  EXPECT_EQ(tracking_->LogBatch(alice_, run, {}, params, {}).code(),
            ErrorCode::kInvalidParameterValue);
  for (std::string bad : {std::string(""), std::string("../x"), std::string("/abs"),
                          std::string("a\nb"), std::string(251, 'k'), std::string("a*b")}) {
    EXPECT_EQ(tracking_->LogBatch(alice_, run, {{bad, 1, 1, 0}}, {}, {}).code(),
              ErrorCode::kInvalidParameterValue)
        << bad;
  }
  EXPECT_EQ(tracking_->LogBatch(alice_, run, {}, {{"p", std::string(6001, 'v')}}, {}).code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(tracking_->LogBatch(alice_, run, {}, {}, {{"t", std::string(8001, 'v')}}).code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_TRUE(tracking_->LogBatch(alice_, run, {{"ok key/with.parts-1 x:y", 1, 1, 0}}, {}, {}).ok());
}

TEST_F(TrackingTest, LatestMetricIsByStepThenTimestampThenValueAndNanIsKept) {
  std::string run = NewRun(alice_, NewExperiment(alice_, "exp"));
  ASSERT_TRUE(tracking_->LogBatch(alice_, run,
                                  {{"acc", 0.5, 100, 2}, {"acc", 0.9, 50, 3}, {"acc", 0.1, 10, 1},
                                   {"loss", std::nan(""), 5, 0}, {"inf", HUGE_VAL, 5, 0}},
                                  {}, {})
                  .ok());
  auto run_data = tracking_->GetRun(alice_, run);
  ASSERT_EQ(run_data->metrics.size(), 3u);
  EXPECT_EQ(run_data->metrics[0].key, "acc");
  EXPECT_DOUBLE_EQ(run_data->metrics[0].value, 0.9);
  EXPECT_EQ(run_data->metrics[0].step, 3);
  EXPECT_TRUE(std::isinf(run_data->metrics[1].value));
  EXPECT_TRUE(std::isnan(run_data->metrics[2].value));
  auto history = tracking_->GetMetricHistory(alice_, run, "acc", "", std::nullopt);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->metrics.size(), 3u);
  EXPECT_EQ(history->metrics[0].step, 1);
  EXPECT_EQ(history->metrics[2].step, 3);
}

TEST_F(TrackingTest, MetricHistoryPagesThroughEveryPointOnce) {
  std::string run = NewRun(alice_, NewExperiment(alice_, "exp"));
  for (int batch = 0; batch < 5; ++batch) {
    std::vector<Metric> metrics;
    for (int i = 0; i < 1000; ++i) metrics.push_back({"loss", 1.0 / (i + 1), i, batch * 1000 + i});
    ASSERT_TRUE(tracking_->LogBatch(alice_, run, metrics, {}, {}).ok());
  }
  std::string token;
  int64_t seen = 0, last_step = -1;
  int pages = 0;
  do {
    auto page = tracking_->GetMetricHistory(alice_, run, "loss", token, 1500);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& m : page->metrics) {
      EXPECT_GT(m.step, last_step);
      last_step = m.step;
    }
    seen += page->metrics.size();
    token = page->next_page_token;
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(seen, 5000);
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(tracking_->GetMetricHistory(alice_, run, "loss", "garbage!", 10).status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(TrackingTest, BulkIntervalSamplesStepsEvenlyKeepingTheEnds) {
  std::string run = NewRun(alice_, NewExperiment(alice_, "exp"));
  std::vector<Metric> metrics;
  for (int i = 0; i < 1000; ++i) metrics.push_back({"loss", double(i), i, i});
  ASSERT_TRUE(tracking_->LogBatch(alice_, run, metrics, {}, {}).ok());
  auto points = tracking_->GetMetricHistoryBulkInterval(alice_, {run}, "loss", std::nullopt,
                                                        std::nullopt, 10);
  ASSERT_TRUE(points.ok()) << points.status().ToString();
  ASSERT_EQ(points->size(), 10u);
  EXPECT_EQ(points->front().metric.step, 0);
  EXPECT_EQ(points->back().metric.step, 999);
  auto ranged = tracking_->GetMetricHistoryBulkInterval(alice_, {run}, "loss", 100, 199, 2500);
  ASSERT_TRUE(ranged.ok());
  EXPECT_EQ(ranged->size(), 100u);
}

TEST_F(TrackingTest, DeletedRunsRefuseLoggingUntilRestored) {
  std::string exp = NewExperiment(alice_, "exp");
  std::string run = NewRun(alice_, exp);
  ASSERT_TRUE(tracking_->DeleteRun(alice_, run).ok());
  EXPECT_EQ(tracking_->GetRun(alice_, run)->info.lifecycle_stage, "deleted");
  EXPECT_EQ(tracking_->LogBatch(alice_, run, {{"m", 1, 1, 0}}, {}, {}).code(),
            ErrorCode::kInvalidParameterValue);
  ASSERT_TRUE(tracking_->RestoreRun(alice_, run).ok());
  EXPECT_TRUE(tracking_->LogBatch(alice_, run, {{"m", 1, 1, 0}}, {}, {}).ok());
  // Deleting the experiment deletes its runs; restoring brings them back.
  ASSERT_TRUE(tracking_->DeleteExperiment(alice_, exp).ok());
  EXPECT_EQ(tracking_->GetRun(alice_, run)->info.lifecycle_stage, "deleted");
  EXPECT_EQ(tracking_->CreateRun(alice_, {exp, "", std::nullopt, {}}).status().code(),
            ErrorCode::kInvalidParameterValue);
  ASSERT_TRUE(tracking_->RestoreExperiment(alice_, exp).ok());
  EXPECT_EQ(tracking_->GetRun(alice_, run)->info.lifecycle_stage, "active");
}

TEST_F(TrackingTest, DatasetInputsAreRecordedOncePerRun) {
  std::string run = NewRun(alice_, NewExperiment(alice_, "exp"));
  DatasetInput in;
  in.dataset = {"dev.raw.churn", "abc123", "delta_table", "{\"table\":\"dev.raw.churn@v3\"}", "",
                ""};
  in.tags = {{"mlflow.data.context", "training"}};
  ASSERT_TRUE(tracking_->LogInputs(alice_, run, {in, in}).ok());
  auto got = tracking_->GetRun(alice_, run);
  ASSERT_EQ(got->inputs.size(), 1u);
  EXPECT_EQ(got->inputs[0].dataset.digest, "abc123");
  EXPECT_EQ(got->inputs[0].tags[0].value, "training");
  in.dataset.name = "";
  EXPECT_EQ(tracking_->LogInputs(alice_, run, {in}).code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(TrackingTest, ExperimentTagsSetAndDelete) {
  std::string exp = NewExperiment(alice_, "exp");
  ASSERT_TRUE(tracking_->SetExperimentTag(alice_, exp, "team", "growth").ok());
  EXPECT_EQ(tracking_->GetExperiment(alice_, exp)->tags[0].value, "growth");
  ASSERT_TRUE(tracking_->DeleteExperimentTag(alice_, exp, "team").ok());
  EXPECT_EQ(tracking_->DeleteExperimentTag(alice_, exp, "team").code(),
            ErrorCode::kResourceDoesNotExist);
  ASSERT_TRUE(tracking_->UpdateExperiment(alice_, exp, "renamed").ok());
  EXPECT_TRUE(tracking_->GetExperimentByName(alice_, "renamed").ok());
}

}  // namespace
}  // namespace keel::tracking
