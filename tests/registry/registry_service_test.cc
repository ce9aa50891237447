#include "registry/registry_service.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "common/json.h"
#include "registry/model_version_store.h"
#include "registry/registry_test_env.h"

namespace keel::registry {
namespace {

using testing::CreateRun;
using testing::DeltaInput;
using testing::kMlModelYaml;
using testing::kModelJson;
using testing::kWeightsBin;
using testing::RegistryTest;
using testing::UploadFiles;

FileSystem* Fs() { return FileSystem::Default(); }

bool Exists(const std::string& path) {
  auto e = Fs()->Exists(path);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() && *e;
}

std::vector<std::string> Types(const std::vector<RegistryEvent>& events) {
  std::vector<std::string> out;
  for (const RegistryEvent& e : events) out.push_back(e.event_type);
  return out;
}

std::vector<std::string> ModelNames(const std::vector<RegisteredModel>& models) {
  std::vector<std::string> out;
  for (const RegisteredModel& m : models) out.push_back(m.securable.full_name);
  return out;
}

TEST_F(RegistryTest, VersionNumbersIncreaseAndAreNeverReusedAfterADelete) {
  CreateModel(kModel);
  std::string run = RunWithModel();
  EXPECT_EQ(Register(kModel, run).version, 1);
  EXPECT_EQ(Register(kModel, run).version, 2);
  EXPECT_EQ(Register(kModel, run).version, 3);
  ASSERT_TRUE(registry_->DeleteModelVersion(admin_, kModel, 3, false).ok());
  EXPECT_EQ(registry_->GetModelVersion(admin_, kModel, 3).status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(Register(kModel, run).version, 4);
  ASSERT_TRUE(registry_->DeleteModelVersion(admin_, kModel, 4, false).ok());
  ASSERT_TRUE(registry_->DeleteModelVersion(admin_, kModel, 2, false).ok());
  ModelVersion v5 = Register(kModel, run);
  EXPECT_EQ(v5.version, 5);
  EXPECT_EQ(v5.status, VersionStatus::kReady);
  EXPECT_EQ(v5.model_name, kModel);
  EXPECT_EQ(v5.run_id, run);
  EXPECT_EQ(v5.user_id, "admin");
  // Deleting a version that is already gone is NotFound.
  EXPECT_EQ(registry_->DeleteModelVersion(admin_, kModel, 4, false).code(),
            ErrorCode::kResourceDoesNotExist);
}

TEST_F(RegistryTest, VersionFilesAreACopyThatOutlivesChangesToTheRun) {
  CreateModel(kModel);
  std::string run = RunWithModel();
  ASSERT_EQ(Register(kModel, run).version, 1);

  // Overwrite one file of the run, delete another, then delete the run itself.
  ASSERT_TRUE(
      tracking_->UploadRunArtifact(admin_, run, "model/model.json", "{\"changed\":1}").ok());
  ASSERT_TRUE(tracking_->DeleteArtifact(admin_, RunArtifactProxyPath(run, "model/MLmodel")).ok());
  ASSERT_FALSE(tracking_->DownloadRunArtifact(admin_, run, "model/MLmodel").ok());
  ASSERT_TRUE(tracking_->DeleteRun(admin_, run).ok());

  EXPECT_EQ(ReadVersionFile(VersionFile(kModel, 1, "MLmodel")), kMlModelYaml);
  EXPECT_EQ(ReadVersionFile(VersionFile(kModel, 1, "model.json")), kModelJson);
  EXPECT_EQ(ReadVersionFile(VersionFile(kModel, 1, "data/weights.bin")), kWeightsBin);

  auto listed = registry_->ListVersionFiles(admin_, VersionFile(kModel, 1, ""));
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::string> paths;
  for (const auto& e : *listed) paths.push_back(e.path + (e.is_dir ? "/" : ""));
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{"MLmodel", "data/", "model.json"}));

  // A download replaces what is already in the destination.
  std::string dest = dir_.Join("download");
  ASSERT_TRUE(Fs()->CreateDirs(dest).ok());
  ASSERT_TRUE(Fs()->WriteFileAtomic(dest + "/model.json", "stale").ok());
  auto downloaded = registry_->DownloadModel(admin_, "models:/" + std::string(kModel) + "/1", dest);
  ASSERT_TRUE(downloaded.ok()) << downloaded.status().ToString();
  EXPECT_EQ(downloaded->version, 1);
  for (const auto& [path, content] : testing::ModelFiles()) {
    auto read = Fs()->ReadFile(dest + "/" + path);
    ASSERT_TRUE(read.ok()) << path << ": " << read.status().ToString();
    EXPECT_EQ(*read, content) << path;
  }
  // The staging directory of the download is gone.
  auto entries = Fs()->ListDir(dest);
  ASSERT_TRUE(entries.ok());
  for (const std::string& e : *entries) EXPECT_EQ(e.find(".keel-download"), std::string::npos) << e;
}

TEST_F(RegistryTest, VersionFilePathsOutsideAVersionAreRefused) {
  RegisteredModel m = CreateModel(kModel);
  Register(kModel, RunWithModel());
  std::string base = std::string(kRegistryArtifactPrefix) + m.securable.id;
  EXPECT_EQ(registry_->OpenVersionFile(admin_, base + "/versions/1").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_->OpenVersionFile(admin_, base + "/versions/1/../../../x").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_->OpenVersionFile(admin_, base + "/versions/0/MLmodel").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_->OpenVersionFile(admin_, base + "/releases/1/MLmodel").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_->OpenVersionFile(admin_, base + "/versions/2/MLmodel").status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(
      registry_->OpenVersionFile(admin_, "registry/models/nope/versions/1/MLmodel").status().code(),
      ErrorCode::kResourceDoesNotExist);
  // Reading needs EXECUTE: carol has no grant on dev.
  EXPECT_EQ(registry_->OpenVersionFile(carol_, base + "/versions/1/MLmodel").status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(RegistryTest, EventsRecordCreationAliasMovesAndDeletionsInOrder) {
  std::string run = ModelWithVersions(2);
  RegisteredModel m = GetModel(kModel);
  ASSERT_TRUE(registry_->SetAlias(admin_, kModel, "champion", 1).ok());
  ASSERT_TRUE(registry_->SetAlias(admin_, kModel, "champion", 2).ok());
  ASSERT_TRUE(registry_->DeleteAlias(admin_, kModel, "champion").ok());
  ASSERT_TRUE(registry_->DeleteModelVersion(admin_, kModel, 1, false).ok());

  auto events = registry_->ListEvents(admin_, kModel, 0, 0);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(Types(*events),
            (std::vector<std::string>{"REGISTERED_MODEL_CREATED", "MODEL_VERSION_CREATED",
                                      "MODEL_VERSION_CREATED", "ALIAS_SET", "ALIAS_SET",
                                      "ALIAS_DELETED", "MODEL_VERSION_DELETED"}));
  const auto& e = *events;
  for (size_t i = 0; i < e.size(); ++i) {
    EXPECT_EQ(e[i].model_name, kModel);
    EXPECT_EQ(e[i].model_id, m.securable.id);
    EXPECT_EQ(e[i].principal, "admin");
    if (i > 0) {
      EXPECT_GT(e[i].event_id, e[i - 1].event_id);
    }
  }
  EXPECT_FALSE(e[0].version.has_value());
  EXPECT_EQ(e[1].version, 1);
  EXPECT_EQ(e[2].version, 2);
  auto created = json::Parse(e[1].details);
  ASSERT_TRUE(created.ok()) << e[1].details;
  EXPECT_EQ(created->Find("run_id")->as_string(), run);
  EXPECT_EQ(created->Find("source")->as_string(), "runs:/" + run + "/model");

  EXPECT_EQ(e[3].alias, "champion");
  EXPECT_EQ(e[3].version, 1);
  auto first = json::Parse(e[3].details);
  ASSERT_TRUE(first.ok()) << e[3].details;
  EXPECT_EQ(first->Find("previous_version"), nullptr) << e[3].details;
  EXPECT_EQ(e[4].version, 2);
  auto moved = json::Parse(e[4].details);
  ASSERT_TRUE(moved.ok()) << e[4].details;
  ASSERT_NE(moved->Find("previous_version"), nullptr) << e[4].details;
  EXPECT_EQ(moved->Find("previous_version")->as_string(), "1");
  EXPECT_EQ(e[5].alias, "champion");
  EXPECT_EQ(e[5].version, 2);  // where the alias pointed
  EXPECT_EQ(e[6].version, 1);

  // after_id and limit page through the log.
  auto after = registry_->ListEvents(admin_, kModel, e[4].event_id, 1);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].event_id, e[5].event_id);
  EXPECT_EQ(registry_->ListEvents(admin_, kModel, 0, -1).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_->ListEvents(admin_, kModel, 0, 100001).status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(RegistryTest, OnlyAdminsListTheEventsOfEveryModel) {
  CreateModel(kModel);
  CreateModel("dev.default.other");
  auto all = registry_->ListEvents(admin_, "", 0, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), 2u);

  auto denied = registry_->ListEvents(alice_, "", 0, 0);
  EXPECT_EQ(denied.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(denied.status().message().find("admin"), std::string::npos);
  // One model's events need EXECUTE on it: scientists have it in dev, carol has nothing.
  auto one = registry_->ListEvents(alice_, kModel, 0, 0);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->size(), 1u);
  EXPECT_EQ(registry_->ListEvents(carol_, kModel, 0, 0).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(registry_->ListEvents(admin_, "dev.default.nope", 0, 0).status().code(),
            ErrorCode::kResourceDoesNotExist);
}

TEST_F(RegistryTest, AliasesNeedAnExistingVersionAndAValidName) {
  ModelWithVersions(1);
  Status missing = registry_->SetAlias(admin_, kModel, "champion", 2);
  EXPECT_EQ(missing.code(), ErrorCode::kResourceDoesNotExist) << missing.ToString();
  EXPECT_NE(missing.message().find("version 2"), std::string::npos) << missing.message();
  EXPECT_EQ(registry_->SetAlias(admin_, "dev.default.nope", "champion", 1).code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(registry_->SetAlias(admin_, kModel, "latest", 1).code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_->SetAlias(admin_, kModel, "v3", 1).code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_->SetAlias(admin_, kModel, "a b", 1).code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_->DeleteAlias(admin_, kModel, "champion").code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(registry_->GetVersionByAlias(admin_, kModel, "champion").status().code(),
            ErrorCode::kResourceDoesNotExist);
  // Setting an alias needs MANAGE: alice (dev) may, carol may not.
  EXPECT_TRUE(registry_->SetAlias(alice_, kModel, "champion", 1).ok());
  EXPECT_EQ(registry_->SetAlias(carol_, kModel, "champion", 1).code(),
            ErrorCode::kPermissionDenied);
  auto by_alias = registry_->GetVersionByAlias(admin_, kModel, "champion");
  ASSERT_TRUE(by_alias.ok());
  EXPECT_EQ(by_alias->version, 1);
  EXPECT_EQ(by_alias->aliases, std::vector<std::string>{"champion"});
}

TEST_F(RegistryTest, DeletingAVersionThatHoldsAnAliasNeedsRemoveAliases) {
  ModelWithVersions(2);
  ASSERT_TRUE(registry_->SetAlias(admin_, kModel, "champion", 1).ok());
  ASSERT_TRUE(registry_->SetAlias(admin_, kModel, "backup", 1).ok());

  Status refused = registry_->DeleteModelVersion(admin_, kModel, 1, false);
  EXPECT_EQ(refused.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(refused.message().find("'backup', 'champion'"), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("remove_aliases"), std::string::npos);
  ASSERT_TRUE(registry_->GetModelVersion(admin_, kModel, 1).ok());

  auto before = registry_->ListEvents(admin_, kModel, 0, 0);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(registry_->DeleteModelVersion(admin_, kModel, 1, true).ok());
  EXPECT_EQ(registry_->GetVersionByAlias(admin_, kModel, "champion").status().code(),
            ErrorCode::kResourceDoesNotExist);
  auto model = registry_->GetRegisteredModel(admin_, kModel);
  ASSERT_TRUE(model.ok());
  EXPECT_TRUE(model->aliases.empty());
  auto events = registry_->ListEvents(admin_, kModel, before->back().event_id, 0);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(Types(*events),
            (std::vector<std::string>{"ALIAS_DELETED", "ALIAS_DELETED", "MODEL_VERSION_DELETED"}));
  // The other version's alias-free delete still works.
  EXPECT_TRUE(registry_->DeleteModelVersion(admin_, kModel, 2, false).ok());
}

TEST_F(RegistryTest, EventsRecordTagChangesAndDescriptionUpdates) {
  ModelWithVersions(1);
  auto before = registry_->ListEvents(admin_, kModel, 0, 0);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(registry_->SetRegisteredModelTag(admin_, kModel, "team", "churn").ok());
  ASSERT_TRUE(registry_->DeleteRegisteredModelTag(admin_, kModel, "team").ok());
  ASSERT_TRUE(
      registry_->SetModelVersionTag(admin_, kModel, 1, "model_validation_status", "PASSED").ok());
  ASSERT_TRUE(registry_->DeleteModelVersionTag(admin_, kModel, 1, "model_validation_status").ok());
  ASSERT_TRUE(registry_->UpdateModelVersion(admin_, kModel, 1, "first cut").ok());
  // A refused change records nothing.
  EXPECT_FALSE(registry_->DeleteRegisteredModelTag(admin_, kModel, "team").ok());

  auto events = registry_->ListEvents(admin_, kModel, before->back().event_id, 0);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(Types(*events),
            (std::vector<std::string>{"REGISTERED_MODEL_TAG_SET", "REGISTERED_MODEL_TAG_DELETED",
                                      "MODEL_VERSION_TAG_SET", "MODEL_VERSION_TAG_DELETED",
                                      "MODEL_VERSION_UPDATED"}));
  const auto& e = *events;
  EXPECT_FALSE(e[0].version.has_value());
  auto set = json::Parse(e[0].details);
  ASSERT_TRUE(set.ok()) << e[0].details;
  EXPECT_EQ(set->Find("key")->as_string(), "team");
  EXPECT_EQ(set->Find("value")->as_string(), "churn");
  auto deleted = json::Parse(e[1].details);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->Find("value"), nullptr) << e[1].details;
  EXPECT_EQ(e[2].version, 1);
  auto version_tag = json::Parse(e[2].details);
  ASSERT_TRUE(version_tag.ok());
  EXPECT_EQ(version_tag->Find("value")->as_string(), "PASSED");
  EXPECT_EQ(e[3].version, 1);
  EXPECT_EQ(e[4].version, 1);
}

TEST_F(RegistryTest, GetLatestVersionsGivesTheHighestReadyVersionAndRefusesStages) {
  CreateModel(kModel);
  auto none = registry_->GetLatestVersions(admin_, kModel, {});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());

  std::string run = RunWithModel();
  Register(kModel, run);
  Register(kModel, run);
  auto latest = registry_->GetLatestVersions(admin_, kModel, {"None"});
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].version, 2);
  EXPECT_EQ((*latest)[0].model_name, kModel);

  auto staged = registry_->GetLatestVersions(admin_, kModel, {"Production"});
  EXPECT_EQ(staged.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(staged.status().message().find("alias"), std::string::npos);

  ASSERT_TRUE(registry_->DeleteModelVersion(admin_, kModel, 2, false).ok());
  latest = registry_->GetLatestVersions(admin_, kModel, {});
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].version, 1);
  EXPECT_EQ(registry_->GetLatestVersions(carol_, kModel, {}).status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(RegistryTest, ResolveModelUriFindsVersionsAliasesAndLatest) {
  ModelWithVersions(3);
  ASSERT_TRUE(registry_->SetAlias(admin_, kModel, "champion", 2).ok());
  std::string base = "models:/" + std::string(kModel);
  auto resolve = [&](const std::string& uri) { return registry_->ResolveModelUri(admin_, uri); };
  // The version a URI resolves to, or -1.
  auto number = [&](const std::string& uri) -> int64_t {
    auto v = resolve(uri);
    EXPECT_TRUE(v.ok()) << uri << ": " << v.status().ToString();
    return v.ok() ? v->version : -1;
  };

  EXPECT_EQ(number(base + "/1"), 1);
  EXPECT_EQ(number(base + "@champion"), 2);
  EXPECT_EQ(number(base + "/latest"), 3);
  EXPECT_EQ(number(base + "/LATEST"), 3);
  EXPECT_EQ(number("models:///" + std::string(kModel) + "/1"), 1);

  EXPECT_EQ(resolve(base + "/9").status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(resolve(base + "@missing").status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(resolve("models:/dev.default.nope/1").status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(resolve("models:/m-0123abcd").status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(resolve("models:/churn/1").status().code(), ErrorCode::kInvalidParameterValue);
  auto stage = resolve(base + "/Production");
  EXPECT_EQ(stage.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(stage.status().message().find("alias"), std::string::npos);
  EXPECT_EQ(registry_->ResolveModelUri(carol_, base + "/1").status().code(),
            ErrorCode::kPermissionDenied);

  // Latest skips deleted versions; with none left, it is NotFound.
  ASSERT_TRUE(registry_->DeleteModelVersion(admin_, kModel, 3, false).ok());
  EXPECT_EQ(number(base + "/latest"), 2);
  ASSERT_TRUE(registry_->DeleteModelVersion(admin_, kModel, 1, false).ok());
  ASSERT_TRUE(registry_->DeleteModelVersion(admin_, kModel, 2, true).ok());
  EXPECT_EQ(resolve(base + "/latest").status().code(), ErrorCode::kResourceDoesNotExist);
}

// Versions of dev.default.churn and dev.default.other from three runs, for the search tests:
//   churn 1: run1/model team=a    churn 2: run2/model team=b    churn 3: run2/alt team=a
//   churn 4: run3/model           churn 5: run3/model team=a    other 1: run1/model
class RegistrySearchTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    CreateModel(kModel);
    CreateModel("dev.default.other");
    run1_ = RunWithModel();
    run2_ = RunWithModel();
    UploadFiles(*tracking_, admin_, run2_, "alt", testing::ModelFiles());
    run3_ = RunWithModel();
    struct Spec {
      std::string run, dir, team;
    };
    for (const Spec& s : std::vector<Spec>{{run1_, "model", "a"},
                                           {run2_, "model", "b"},
                                           {run2_, "alt", "a"},
                                           {run3_, "model", ""},
                                           {run3_, "model", "a"}}) {
      clock_.Advance(1000);
      std::map<std::string, std::string> tags;
      if (!s.team.empty()) tags["team"] = s.team;
      Register(kModel, s.run, s.dir, tags);
    }
    clock_.Advance(1000);
    Register("dev.default.other", run1_);
  }

  // The versions a search finds as "name/version", or the error.
  std::vector<std::string> Search(const std::string& filter,
                                  std::vector<std::string> order_by = {}) {
    SearchRequest req;
    req.filter = filter;
    req.order_by = std::move(order_by);
    auto page = registry_->SearchModelVersions(admin_, req);
    if (!page.ok()) return {"error: " + page.status().ToString()};
    EXPECT_TRUE(page->next_page_token.empty());
    std::vector<std::string> out;
    for (const ModelVersion& v : page->versions) {
      out.push_back(v.model_name.substr(v.model_name.rfind('.') + 1) + "/" +
                    std::to_string(v.version));
    }
    return out;
  }

  std::string run1_, run2_, run3_;
};

using Found = std::vector<std::string>;

TEST_F(RegistrySearchTest, FiltersByNameRunIdTagsVersionNumberAndSource) {
  EXPECT_EQ(Search("name = 'dev.default.churn'"),
            (Found{"churn/5", "churn/4", "churn/3", "churn/2", "churn/1"}));
  EXPECT_EQ(Search("name = 'dev.default.nope'"), Found{});
  EXPECT_EQ(Search("run_id = '" + run2_ + "'"), (Found{"churn/3", "churn/2"}));
  EXPECT_EQ(Search("run_id IN ('" + run1_ + "', '" + run3_ + "')"),
            (Found{"churn/5", "churn/4", "churn/1", "other/1"}));
  EXPECT_EQ(Search("name = 'dev.default.churn' AND tags.team = 'a'"),
            (Found{"churn/5", "churn/3", "churn/1"}));
  EXPECT_EQ(Search("tags.team != 'a'"), (Found{"churn/2"}));
  EXPECT_EQ(Search("name = 'dev.default.churn' AND version_number >= 4"),
            (Found{"churn/5", "churn/4"}));
  EXPECT_EQ(Search("version_number = 1"), (Found{"churn/1", "other/1"}));
  EXPECT_EQ(Search("source_path LIKE '%/alt'"), (Found{"churn/3"}));
  EXPECT_EQ(Search("source_path = 'runs:/" + run1_ + "/model'"), (Found{"churn/1", "other/1"}));
  EXPECT_EQ(Search("name LIKE 'dev.default.o%'"), (Found{"other/1"}));
  EXPECT_EQ(Search("name ILIKE 'DEV.DEFAULT.OTH%'"), (Found{"other/1"}));
  EXPECT_EQ(Search("name LIKE 'dev.default.%' AND run_id = '" + run3_ + "' AND tags.team = 'a'"),
            (Found{"churn/5"}));
}

TEST_F(RegistrySearchTest, BadFiltersAndOrderingsAreRefused) {
  SearchRequest req;
  for (std::string filter : {"nonsense = 1", "metrics.x > 1", "name = ", "version_number = 'x'"}) {
    req.filter = filter;
    EXPECT_EQ(registry_->SearchModelVersions(admin_, req).status().code(),
              ErrorCode::kInvalidParameterValue)
        << filter;
  }
  req.filter = "";
  req.order_by = {"params.x"};
  EXPECT_EQ(registry_->SearchModelVersions(admin_, req).status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(RegistrySearchTest, OrdersByTheGivenKeysThenNameAndNewestVersion) {
  EXPECT_EQ(Search("name = 'dev.default.churn'", {"version_number ASC"}),
            (Found{"churn/1", "churn/2", "churn/3", "churn/4", "churn/5"}));
  EXPECT_EQ(Search("", {"creation_timestamp DESC"}),
            (Found{"other/1", "churn/5", "churn/4", "churn/3", "churn/2", "churn/1"}));
  EXPECT_EQ(Search("", {"name DESC", "version_number ASC"}),
            (Found{"other/1", "churn/1", "churn/2", "churn/3", "churn/4", "churn/5"}));
  EXPECT_EQ(Search(""), (Found{"churn/5", "churn/4", "churn/3", "churn/2", "churn/1", "other/1"}));
}

TEST_F(RegistrySearchTest, SmallPagesWalkEveryVersionOnce) {
  SearchRequest req;
  req.filter = "name = 'dev.default.churn'";
  req.max_results = 2;
  std::vector<std::vector<int64_t>> pages;
  do {
    auto page = registry_->SearchModelVersions(admin_, req);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    pages.push_back(Numbers(page->versions));
    req.page_token = page->next_page_token;
    ASSERT_LT(pages.size(), 10u);
  } while (!req.page_token.empty());
  EXPECT_EQ(pages, (std::vector<std::vector<int64_t>>{{5, 4}, {3, 2}, {1}}));

  req.page_token = "not-a-token";
  EXPECT_EQ(registry_->SearchModelVersions(admin_, req).status().code(),
            ErrorCode::kInvalidParameterValue);
  req.page_token = "";
  for (int64_t bad : {int64_t{-1}, kMaxVersionSearchResults + 1}) {
    req.max_results = bad;
    auto refused = registry_->SearchModelVersions(admin_, req);
    EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidParameterValue) << bad;
    EXPECT_NE(refused.status().message().find("max_results"), std::string::npos);
  }
  req.max_results = kMaxVersionSearchResults;
  EXPECT_TRUE(registry_->SearchModelVersions(admin_, req).ok());
}

TEST_F(RegistrySearchTest, VersionsOfModelsTheCallerCannotReadAreLeftOut) {
  SearchRequest req;
  req.filter = "run_id = '" + run1_ + "'";
  auto page = registry_->SearchModelVersions(carol_, req);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_TRUE(page->versions.empty());
  req.filter = "";
  page = registry_->SearchModelVersions(carol_, req);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->versions.empty());
  // Naming an unreadable model is an error rather than an empty answer.
  req.filter = "name = 'dev.default.churn'";
  EXPECT_EQ(registry_->SearchModelVersions(carol_, req).status().code(),
            ErrorCode::kPermissionDenied);
  page = registry_->SearchModelVersions(alice_, req);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->versions.size(), 5u);
}

TEST_F(RegistryTest, SearchRegisteredModelsReturnsOnlyWhatTheCallerMayBrowse) {
  for (const auto& [type, parent, name] :
       std::vector<std::tuple<catalog::SecurableType, std::string, std::string>>{
           {catalog::SecurableType::kCatalog, "", "sandbox"},
           {catalog::SecurableType::kSchema, "sandbox", "s"}}) {
    catalog::CreateSecurableRequest req;
    req.type = type;
    req.parent_full_name = parent;
    req.name = name;
    auto created = catalog_->CreateSecurable(admin_, req);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }
  for (const char* name : {"dev.default.a", "staging.default.b", "prod.default.c", "sandbox.s.d"}) {
    CreateModel(name);
  }
  Register("staging.default.b", RunWithModel());

  auto search = [&](const catalog::Principal& who, const std::string& filter = "") {
    SearchRequest req;
    req.filter = filter;
    auto page = registry_->SearchRegisteredModels(who, req);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->models : std::vector<RegisteredModel>{};
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(ModelNames(search(admin_)),
            (Names{"dev.default.a", "prod.default.c", "sandbox.s.d", "staging.default.b"}));
  auto alices = search(alice_);
  EXPECT_EQ(ModelNames(alices), (Names{"dev.default.a", "prod.default.c", "staging.default.b"}));
  // Scientists only BROWSE staging: they see the model but not its versions.
  ASSERT_EQ(alices.size(), 3u);
  EXPECT_FALSE(alices[2].latest_version.has_value());
  auto bobs = search(bob_, "name = 'staging.default.b'");
  ASSERT_EQ(bobs.size(), 1u);
  ASSERT_TRUE(bobs[0].latest_version.has_value());
  EXPECT_EQ(bobs[0].latest_version->version, 1);
  EXPECT_TRUE(search(carol_).empty());

  // A grant on one model (and the use of its containers) shows carol that model only.
  auto grant = [&](catalog::SecurableType type, const std::string& name, catalog::Privilege p) {
    auto updated = catalog_->UpdatePermissions(admin_, type, name, {{"carol", {p}, {}}});
    ASSERT_TRUE(updated.ok()) << name << ": " << updated.status().ToString();
  };
  grant(catalog::SecurableType::kCatalog, "sandbox", catalog::Privilege::kUseCatalog);
  grant(catalog::SecurableType::kSchema, "sandbox.s", catalog::Privilege::kUseSchema);
  EXPECT_TRUE(search(carol_).empty());
  grant(catalog::SecurableType::kRegisteredModel, "sandbox.s.d", catalog::Privilege::kExecute);
  EXPECT_EQ(ModelNames(search(carol_)), (Names{"sandbox.s.d"}));

  // Filters, paging and limits.
  EXPECT_EQ(ModelNames(search(admin_, "name LIKE 'dev.%'")), (Names{"dev.default.a"}));
  SearchRequest req;
  req.max_results = 3;
  auto first = registry_->SearchRegisteredModels(admin_, req);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->models.size(), 3u);
  ASSERT_FALSE(first->next_page_token.empty());
  req.page_token = first->next_page_token;
  auto second = registry_->SearchRegisteredModels(admin_, req);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(ModelNames(second->models), (Names{"staging.default.b"}));
  EXPECT_TRUE(second->next_page_token.empty());
  req.page_token = "";
  req.max_results = kMaxModelSearchResults + 1;
  EXPECT_EQ(registry_->SearchRegisteredModels(admin_, req).status().code(),
            ErrorCode::kInvalidParameterValue);
  req.max_results = 0;
  req.order_by = {"version_number"};
  EXPECT_EQ(registry_->SearchRegisteredModels(admin_, req).status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(RegistryTest, RenameStaysInTheSchemaAndKeepsTheDownloadUri) {
  CreateModel(kModel);
  CreateModel("dev.default.other");
  Register(kModel, RunWithModel());
  ASSERT_TRUE(registry_->SetAlias(admin_, kModel, "champion", 1).ok());
  auto uri = registry_->GetDownloadUri(admin_, kModel, 1);
  ASSERT_TRUE(uri.ok()) << uri.status().ToString();
  std::string file = VersionFile(kModel, 1, "model.json");

  auto renamed = registry_->RenameRegisteredModel(admin_, kModel, "dev.default.churn_v2");
  ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
  EXPECT_EQ(renamed->securable.full_name, "dev.default.churn_v2");
  ASSERT_EQ(renamed->aliases.size(), 1u);
  EXPECT_EQ(renamed->aliases[0].alias, "champion");
  EXPECT_EQ(registry_->GetRegisteredModel(admin_, kModel).status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(registry_->GetModelVersion(admin_, kModel, 1).status().code(),
            ErrorCode::kResourceDoesNotExist);
  auto renamed_uri = registry_->GetDownloadUri(admin_, "dev.default.churn_v2", 1);
  ASSERT_TRUE(renamed_uri.ok()) << renamed_uri.status().ToString();
  EXPECT_EQ(*renamed_uri, *uri);
  EXPECT_EQ(ReadVersionFile(file), kModelJson);
  auto by_alias = registry_->ResolveModelUri(admin_, "models:/dev.default.churn_v2@champion");
  ASSERT_TRUE(by_alias.ok()) << by_alias.status().ToString();
  EXPECT_EQ(by_alias->model_name, "dev.default.churn_v2");

  // Just the last part works too.
  auto again = registry_->RenameRegisteredModel(admin_, "dev.default.churn_v2", "churn_v3");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->securable.full_name, "dev.default.churn_v3");

  auto across = registry_->RenameRegisteredModel(admin_, "dev.default.churn_v3", "prod.default.x");
  EXPECT_EQ(across.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(across.status().message().find("within its schema"), std::string::npos);
  EXPECT_TRUE(registry_->GetRegisteredModel(admin_, "dev.default.churn_v3").ok());
  EXPECT_EQ(
      registry_->RenameRegisteredModel(admin_, "dev.default.churn_v3", "other").status().code(),
      ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(registry_->RenameRegisteredModel(admin_, kModel, "x").status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(registry_->RenameRegisteredModel(carol_, "dev.default.churn_v3", "y").status().code(),
            ErrorCode::kPermissionDenied);
  // Events keep the name the model had when they happened.
  auto events = registry_->ListEvents(admin_, "dev.default.churn_v3", 0, 0);
  ASSERT_TRUE(events.ok());
  ASSERT_FALSE(events->empty());
  EXPECT_EQ(events->front().model_name, kModel);
}

TEST_F(RegistryTest, DeleteRegisteredModelRemovesItsVersionsAndFiles) {
  std::string run = ModelWithVersions(2);
  RegisteredModel m = GetModel(kModel);
  ASSERT_TRUE(registry_->SetAlias(admin_, kModel, "champion", 2).ok());
  std::string storage = m.securable.storage_location;
  ASSERT_FALSE(storage.empty());
  ASSERT_TRUE(Exists(storage + "/versions/2/MLmodel"));
  std::string file = VersionFile(kModel, 1, "MLmodel");

  EXPECT_EQ(registry_->DeleteRegisteredModel(carol_, kModel).code(), ErrorCode::kPermissionDenied);
  ASSERT_TRUE(registry_->DeleteRegisteredModel(admin_, kModel).ok());
  EXPECT_FALSE(Exists(storage));
  EXPECT_EQ(registry_->GetRegisteredModel(admin_, kModel).status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(registry_->OpenVersionFile(admin_, file).status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(registry_->DeleteRegisteredModel(admin_, kModel).code(),
            ErrorCode::kResourceDoesNotExist);
  // The run's files are untouched.
  EXPECT_TRUE(tracking_->DownloadRunArtifact(admin_, run, "model/MLmodel").ok());

  auto events = registry_->ListEvents(admin_, "", 0, 0);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->back().event_type, "REGISTERED_MODEL_DELETED");

  // A model created again under the name is a new model: its versions start at 1.
  CreateModel(kModel);
  EXPECT_EQ(Register(kModel, run).version, 1);
  EXPECT_EQ(registry_->GetVersionByAlias(admin_, kModel, "champion").status().code(),
            ErrorCode::kResourceDoesNotExist);
}

TEST_F(RegistryTest, LineageNamesTheRunsTablesAndCommit) {
  std::string run = CreateRun(*tracking_, admin_, experiment_id_,
                              {{"mlflow.source.git.commit", "4f2c9e1"},
                               {"mlflow.source.git.repoURL", "https://example.com/churn.git"},
                               {"mlflow.source.name", "train.py"}});
  tracking::DatasetInput by_path;
  by_path.dataset = {
      "features", "f1", "delta_table", R"({"path": "/data/features", "version": "5"})", "", ""};
  tracking::DatasetInput not_delta;
  not_delta.dataset = {"labels", "l1", "http", R"({"url": "https://example.com/labels.csv"})",
                       "",       ""};
  ASSERT_TRUE(
      tracking_
          ->LogInputs(admin_, run,
                      {DeltaInput("dev.x.t", 3), DeltaInput("dev.x.u", 0), by_path, not_delta})
          .ok());
  UploadFiles(*tracking_, admin_, run, "model", testing::ModelFiles());
  CreateModel(kModel);
  ModelVersion v = Register(kModel, run);

  auto check = [&](const Lineage& l) {
    EXPECT_EQ(l.run_id, run);
    EXPECT_EQ(l.experiment_id, experiment_id_);
    EXPECT_EQ(l.git_commit, "4f2c9e1");
    EXPECT_EQ(l.git_repo, "https://example.com/churn.git");
    EXPECT_EQ(l.source_name, "train.py");
    ASSERT_EQ(l.inputs.size(), 3u);
    EXPECT_EQ(l.inputs[0].table, "dev.x.t");
    EXPECT_EQ(l.inputs[0].version, 3);
    EXPECT_EQ(l.inputs[0].dataset_name, "dev.x.t");
    EXPECT_EQ(l.inputs[0].digest, "d3");
    EXPECT_EQ(l.inputs[1].table, "dev.x.u");
    EXPECT_EQ(l.inputs[1].version, 0);
    EXPECT_EQ(l.inputs[2].table, "/data/features");
    EXPECT_EQ(l.inputs[2].version, 5);
    EXPECT_EQ(l.inputs[2].dataset_name, "features");
  };
  check(v.lineage);
  auto stored = registry_->GetModelVersion(admin_, kModel, 1);
  ASSERT_TRUE(stored.ok());
  check(stored->lineage);

  // A copy of a registered version keeps the original's lineage.
  CreateModel("dev.default.copy");
  auto copy = TryRegister("dev.default.copy", "models:/" + std::string(kModel) + "/1");
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(copy->run_id, run);
  check(copy->lineage);
  EXPECT_EQ(ReadVersionFile(VersionFile("dev.default.copy", 1, "data/weights.bin")), kWeightsBin);

  // A version registered without a run has an empty lineage.
  ASSERT_TRUE(tracking_->UploadRunArtifact(admin_, run, "other/MLmodel", kMlModelYaml).ok());
  auto by_proxy = TryRegister(kModel, "mlflow-artifacts:/" + RunArtifactProxyPath(run, "other"));
  ASSERT_TRUE(by_proxy.ok()) << by_proxy.status().ToString();
  EXPECT_EQ(by_proxy->run_id, run);  // taken from the artifact path
  EXPECT_EQ(by_proxy->lineage.git_commit, "4f2c9e1");
}

TEST_F(RegistryTest, SourcesThatAreNotModelsAreRefusedAndTakeNoVersionNumber) {
  CreateModel(kModel);
  std::string run = CreateRun(*tracking_, admin_, experiment_id_);
  ASSERT_TRUE(tracking_->UploadRunArtifact(admin_, run, "nomodel/model.json", kModelJson).ok());
  auto no_mlmodel = TryRegister(kModel, "runs:/" + run + "/nomodel");
  EXPECT_EQ(no_mlmodel.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(no_mlmodel.status().message().find("no MLmodel"), std::string::npos)
      << no_mlmodel.status().message();
  EXPECT_EQ(TryRegister(kModel, "runs:/" + run + "/missing").status().code(),
            ErrorCode::kInvalidParameterValue);

  int case_idx = 0;
  for (const std::string& corrupt : std::vector<std::string>{
           "flavors: [unclosed\n  - : :", "artifact_path: model\n", "flavors: {}\n",
           "flavors: python_function\n", "just a string\n", std::string("\xff\xfe\0\x01", 4)}) {
    std::string dir = "bad" + std::to_string(case_idx++);
    UploadFiles(*tracking_, admin_, run, dir, {{"MLmodel", corrupt}, {"model.json", kModelJson}});
    auto refused = TryRegister(kModel, "runs:/" + run + "/" + dir);
    EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidParameterValue) << corrupt;
    EXPECT_NE(refused.status().message().find("invalid MLmodel"), std::string::npos)
        << refused.status().message();
  }
  EXPECT_EQ(TryRegister(kModel, "s3://bucket/model").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(TryRegister(kModel, "").status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(TryRegister(kModel, "runs:/0123456789abcdef0123456789abcdef/model").status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(TryRegister(kModel, "models:/" + std::string(kModel) + "/1/MLmodel").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(TryRegister("dev.default.nope", "runs:/" + run + "/bad0").status().code(),
            ErrorCode::kResourceDoesNotExist);

  // Nothing was created: no version, no event; the first good source becomes version 1.
  SearchRequest req;
  req.filter = "name = '" + std::string(kModel) + "'";
  auto found = registry_->SearchModelVersions(admin_, req);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->versions.empty());
  auto events = registry_->ListEvents(admin_, kModel, 0, 0);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(Types(*events), std::vector<std::string>{"REGISTERED_MODEL_CREATED"});
  UploadFiles(*tracking_, admin_, run, "good", testing::ModelFiles());
  EXPECT_EQ(Register(kModel, run, "good").version, 1);
}

TEST_F(RegistryTest, RegisteringNeedsManageAndRefusesBadRequestsBeforeReadingTheSource) {
  CreateModel(kModel);
  std::string run = RunWithModel();
  CreateModelVersionRequest req;
  req.name = kModel;
  req.source = "runs:/" + run + "/model";
  EXPECT_EQ(registry_->CreateModelVersion(carol_, req).status().code(),
            ErrorCode::kPermissionDenied);
  // Bad request fields are refused before anything else.
  req.tags = {{"", "x"}};
  EXPECT_EQ(registry_->CreateModelVersion(admin_, req).status().code(),
            ErrorCode::kInvalidParameterValue);
  req.tags = {};
  req.description = std::string(kMaxDescriptionBytes + 1, 'd');
  EXPECT_EQ(registry_->CreateModelVersion(admin_, req).status().code(),
            ErrorCode::kInvalidParameterValue);
  req.description = "";
  req.source = "runs:/" + run + "/" + std::string(5000, 'p');
  EXPECT_EQ(registry_->CreateModelVersion(admin_, req).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_->CreateRegisteredModel(admin_, "dev.churn", "", {}).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_->CreateRegisteredModel(admin_, kModel, "", {}).status().code(),
            ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(registry_->CreateRegisteredModel(carol_, "dev.default.mine", "", {}).status().code(),
            ErrorCode::kPermissionDenied);
}

// A registration cut off by a crash leaves a PENDING_REGISTRATION version with partial files.
// The next registration of the model marks it FAILED_REGISTRATION once it is older than
// stale_pending_millis (and removes its files), but leaves a recent one alone: it may still be
// copying in another process.
TEST_F(RegistryTest, InterruptedRegistrationsAreMarkedFailedWhenStale) {
  std::string run = ModelWithVersions(1);
  RegisteredModel m = GetModel(kModel);
  auto leave_pending = [&]() -> ModelVersion {
    ModelVersion v;
    Status s = db_->Write([&](metastore::Transaction& tx) -> Status {
      KEEL_ASSIGN_OR_RETURN(v.version, ModelVersionStore::TakeNextVersion(tx, m.securable.id));
      v.model_id = m.securable.id;
      v.source = "runs:/" + run + "/model";
      v.user_id = "admin";
      v.creation_timestamp = v.last_updated_timestamp = clock_.NowMillis();
      v.storage_location = m.securable.storage_location + "/versions/" + std::to_string(v.version);
      return ModelVersionStore::Insert(tx, v);
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(Fs()->CreateDirs(v.storage_location).ok());
    EXPECT_TRUE(Fs()->WriteFileAtomic(v.storage_location + "/half-copied", "x").ok());
    return v;
  };
  ModelVersion old_one = leave_pending();  // version 2
  clock_.Advance(2 * 60 * 60 * 1000);
  ModelVersion recent = leave_pending();  // version 3
  clock_.Advance(60 * 1000);

  ModelVersion next = Register(kModel, run);
  EXPECT_EQ(next.version, 4);
  auto failed = registry_->GetModelVersion(admin_, kModel, old_one.version);
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  EXPECT_EQ(failed->status, VersionStatus::kFailedRegistration);
  EXPECT_NE(failed->status_message.find("interrupted"), std::string::npos)
      << failed->status_message;
  EXPECT_FALSE(*Fs()->Exists(old_one.storage_location));
  auto still = registry_->GetModelVersion(admin_, kModel, recent.version);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->status, VersionStatus::kPendingRegistration);
  EXPECT_TRUE(*Fs()->Exists(recent.storage_location + "/half-copied"));
  // A failed version can be deleted like any other.
  EXPECT_TRUE(registry_->DeleteModelVersion(admin_, kModel, old_one.version, false).ok());
}

// Checks that version 1 of kModel failed to copy: FAILED_REGISTRATION with a message, no files,
// no alias, not latest; then that a good registration afterwards becomes version 2.
class RegistryFailedCopyTest : public RegistryTest {
 protected:
  void ExpectFailedThenRecover(const std::string& run, const std::function<void()>& repair) {
    auto failed = TryRegister(kModel, "runs:/" + run + "/model");
    ASSERT_FALSE(failed.ok());
    auto v = registry_->GetModelVersion(admin_, kModel, 1);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->status, VersionStatus::kFailedRegistration);
    EXPECT_FALSE(v->status_message.empty());
    EXPECT_EQ(v->status_message, failed.status().message().substr(0, 1000));

    Status alias = registry_->SetAlias(admin_, kModel, "champion", 1);
    EXPECT_EQ(alias.code(), ErrorCode::kInvalidParameterValue);
    EXPECT_NE(alias.message().find("FAILED_REGISTRATION"), std::string::npos) << alias.message();
    std::string base = "models:/" + std::string(kModel);
    EXPECT_EQ(registry_->ResolveModelUri(admin_, base + "/1").status().code(),
              ErrorCode::kInvalidParameterValue);
    EXPECT_EQ(registry_->ResolveModelUri(admin_, base + "/latest").status().code(),
              ErrorCode::kResourceDoesNotExist);
    auto latest = registry_->GetLatestVersions(admin_, kModel, {});
    ASSERT_TRUE(latest.ok());
    EXPECT_TRUE(latest->empty());
    EXPECT_EQ(registry_->OpenVersionFile(admin_, VersionFile(kModel, 1, "MLmodel")).status().code(),
              ErrorCode::kResourceDoesNotExist);
    auto events = registry_->ListEvents(admin_, kModel, 0, 0);
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(Types(*events), std::vector<std::string>{"REGISTERED_MODEL_CREATED"});

    repair();
    ModelVersion next = Register(kModel, run);
    EXPECT_EQ(next.version, 2);
    EXPECT_EQ(next.status, VersionStatus::kReady);
    EXPECT_TRUE(registry_->SetAlias(admin_, kModel, "champion", 2).ok());
    // The failed version can still be deleted.
    EXPECT_TRUE(registry_->DeleteModelVersion(admin_, kModel, 1, false).ok());
  }
};

TEST_F(RegistryFailedCopyTest, ACopyBlockedByAFileLeavesTheVersionFailed) {
  // A file where the versions directory belongs makes the copy fail, even for root.
  RegisteredModel m = CreateModel(kModel);
  std::string storage = m.securable.storage_location;
  ASSERT_TRUE(Fs()->CreateDirs(storage).ok());
  ASSERT_TRUE(Fs()->WriteFileAtomic(storage + "/versions", "in the way").ok());
  std::string run = RunWithModel();
  ExpectFailedThenRecover(run, [&] { ASSERT_TRUE(Fs()->RemoveFile(storage + "/versions").ok()); });
}

TEST_F(RegistryFailedCopyTest, ACopyIntoAnUnwritableDirectoryLeavesTheVersionFailed) {
  if (geteuid() == 0) GTEST_SKIP() << "root writes into read-only directories";
  RegisteredModel m = CreateModel(kModel);
  std::string storage = m.securable.storage_location;
  ASSERT_TRUE(Fs()->CreateDirs(storage).ok());
  ASSERT_EQ(chmod(storage.c_str(), 0500), 0);
  std::string run = RunWithModel();
  ExpectFailedThenRecover(run, [&] { ASSERT_EQ(chmod(storage.c_str(), 0700), 0); });
  chmod(storage.c_str(), 0700);  // so that the temp directory can be removed
}

}  // namespace
}  // namespace keel::registry
