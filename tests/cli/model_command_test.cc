// keel models: run in-process through cli::RunKeel against a workspace made by `keel init` in a
// temp directory. The run holding the model's files is made through the services (the CLI has
// no command that creates runs).

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/workspace.h"
#include "common/fs/file_system.h"
#include "common/json.h"
#include "registry/registry_test_env.h"
#include "testutil/temp_dir.h"

namespace keel::cli {
namespace {

using registry::testing::CreateRun;
using registry::testing::DeltaInput;
using registry::testing::ModelFiles;
using registry::testing::UploadFiles;

constexpr char kModel[] = "dev.default.churn";

// Element `i` of a JSON array (a null value, after failing the test, when there is none).
const json::Value& At(const json::Value& array, size_t i) {
  static const json::Value kNull;
  EXPECT_TRUE(array.is_array() && i < array.size()) << array.Dump();
  if (!array.is_array() || i >= array.size()) return kNull;
  return array.as_array()[i];
}

struct CommandRun {
  int code = -1;
  std::string out;
  std::string err;
};

class ModelCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Keel({"init"}).code, 0);
    // A run that read a Delta table at a known commit, with the model's files under "model".
    Args args({"--home", home_});
    auto ws = Workspace::Open(args);
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    auto admin = ws->Caller(args);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    auto experiment = ws->tracking->CreateExperiment(*admin, "cli-models", "", {});
    ASSERT_TRUE(experiment.ok()) << experiment.status().ToString();
    experiment_id_ = *experiment;
    run_id_ =
        CreateRun(*ws->tracking, *admin, experiment_id_, {{"mlflow.source.git.commit", "4f2c9e1"}});
    ASSERT_TRUE(ws->tracking->LogInputs(*admin, run_id_, {DeltaInput("dev.x.t", 3)}).ok());
    UploadFiles(*ws->tracking, *admin, run_id_, "model", ModelFiles());
    ASSERT_TRUE(
        ws->tracking->UploadRunArtifact(*admin, run_id_, "notamodel/model.json", "{}").ok());
  }

  // `keel <words> --home <home>`.
  CommandRun Keel(std::vector<std::string> words) {
    words.push_back("--home");
    words.push_back(home_);
    std::ostringstream out, err;
    CommandRun r;
    r.code = RunKeel(words, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }

  // `keel models <words> --output json`, which must succeed; its parsed output.
  json::Value Json(std::vector<std::string> words) {
    words.insert(words.begin(), "models");
    words.push_back("--output");
    words.push_back("json");
    CommandRun r = Keel(words);
    EXPECT_EQ(r.code, 0) << words[1] << ": " << r.err;
    auto v = json::Parse(r.out);
    EXPECT_TRUE(v.ok()) << r.out;
    return v.ok() ? std::move(v).value() : json::Value();
  }

  // `keel models <words>`, which must fail with exit code 1 and an error message; the message.
  std::string Fails(std::vector<std::string> words) {
    words.insert(words.begin(), "models");
    CommandRun r = Keel(words);
    EXPECT_EQ(r.code, 1) << words[1] << ": " << r.out;
    EXPECT_EQ(r.err.rfind("Error: ", 0), 0u) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    return r.err;
  }

  std::string Source(const std::string& dir = "model") const {
    return "runs:/" + run_id_ + "/" + dir;
  }

  // Creates kModel and registers the run's model `versions` times.
  void CreateAndRegister(int versions) {
    Json({"create", kModel});
    for (int i = 0; i < versions; ++i) Json({"register", kModel, "--source", Source()});
  }

  static std::string Str(const json::Value& v, std::string_view key) {
    const json::Value* f = v.Find(key);
    return f && f->is_string() ? f->as_string() : "<missing " + std::string(key) + ">";
  }

  testutil::TempDir dir_;
  std::string home_ = dir_.path() + "/ws";
  std::string experiment_id_;
  std::string run_id_;
};

TEST_F(ModelCommandTest, CreateListDescribeAndTagARegisteredModel) {
  json::Value created =
      Json({"create", kModel, "--comment", "churn classifier", "--tag", "team=growth"});
  EXPECT_EQ(Str(created, "name"), kModel);
  EXPECT_EQ(Str(created, "description"), "churn classifier");
  EXPECT_EQ(Str(created, "user_id"), "admin");
  ASSERT_NE(created.Find("tags"), nullptr) << created.Dump();
  EXPECT_EQ(Str(At(*created.Find("tags"), 0), "key"), "team");
  EXPECT_EQ(Str(At(*created.Find("tags"), 0), "value"), "growth");
  EXPECT_EQ(created.Find("latest_versions"), nullptr);

  json::Value listed = Json({"list", "dev.default"});
  ASSERT_TRUE(listed.is_array());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(Str(At(listed, 0), "name"), kModel);
  EXPECT_EQ(Json({"list", "prod.default"}).size(), 0u);

  json::Value tagged = Json({"tag", kModel, "owner", "ml-platform"});
  ASSERT_NE(tagged.Find("tags"), nullptr);
  EXPECT_EQ(tagged.Find("tags")->size(), 2u);
  json::Value untagged = Json({"tag", kModel, "team", "--delete"});
  ASSERT_NE(untagged.Find("tags"), nullptr);
  ASSERT_EQ(untagged.Find("tags")->size(), 1u);
  EXPECT_EQ(Str(At(*untagged.Find("tags"), 0), "key"), "owner");

  json::Value described = Json({"describe", kModel});
  EXPECT_EQ(Str(described, "name"), kModel);

  // Text output is a key: value listing.
  CommandRun text = Keel({"models", "describe", kModel});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find(kModel), std::string::npos) << text.out;
}

TEST_F(ModelCommandTest, RegisterAliasDescribeAndDownloadVersions) {
  Json({"create", kModel});
  json::Value v1 =
      Json({"register", kModel, "--source", Source(), "--description", "baseline", "--tag", "k=v"});
  EXPECT_EQ(Str(v1, "name"), kModel);
  EXPECT_EQ(Str(v1, "version"), "1");
  EXPECT_EQ(Str(v1, "status"), "READY");
  EXPECT_EQ(Str(v1, "source"), Source());
  EXPECT_EQ(Str(v1, "run_id"), run_id_);
  EXPECT_EQ(Str(v1, "description"), "baseline");
  EXPECT_EQ(Str(v1, "current_stage"), "None");
  EXPECT_EQ(Str(Json({"register", kModel, "--source", Source()}), "version"), "2");

  json::Value versions = Json({"versions", kModel});
  ASSERT_EQ(versions.size(), 2u) << versions.Dump();
  EXPECT_EQ(Str(At(versions, 0), "version"), "2");
  EXPECT_EQ(Str(At(versions, 1), "version"), "1");
  json::Value tagged = Json({"versions", kModel, "--filter", "tags.k = 'v'"});
  ASSERT_EQ(tagged.size(), 1u);
  EXPECT_EQ(Str(At(tagged, 0), "version"), "1");

  json::Value aliased = Json({"alias", "set", kModel, "champion", "1"});
  EXPECT_EQ(Str(aliased, "version"), "1");
  ASSERT_NE(aliased.Find("aliases"), nullptr);
  EXPECT_EQ(At(*aliased.Find("aliases"), 0).as_string(), "champion");
  EXPECT_EQ(Str(Json({"describe", std::string(kModel) + "@champion"}), "version"), "1");
  EXPECT_EQ(Str(Json({"describe", "models:/" + std::string(kModel) + "/2"}), "version"), "2");
  json::Value model = Json({"describe", kModel});
  ASSERT_NE(model.Find("aliases"), nullptr) << model.Dump();
  EXPECT_EQ(Str(At(*model.Find("aliases"), 0), "version"), "1");
  ASSERT_NE(model.Find("latest_versions"), nullptr);
  EXPECT_EQ(Str(At(*model.Find("latest_versions"), 0), "version"), "2");

  std::string dest = dir_.path() + "/download";
  json::Value downloaded = Json({"download", std::string(kModel) + "@champion", "--dest", dest});
  EXPECT_EQ(Str(downloaded, "version"), "1");
  for (const auto& [path, content] : ModelFiles()) {
    auto read = FileSystem::Default()->ReadFile(dest + "/" + path);
    ASSERT_TRUE(read.ok()) << path << ": " << read.status().ToString();
    EXPECT_EQ(*read, content) << path;
  }
  CommandRun text = Keel({"models", "download", std::string(kModel) + "/2", "--dest", dest});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_EQ(text.out, "downloaded " + std::string(kModel) + " version 2 to " + dest + "\n");

  json::Value tag = Json({"tag", std::string(kModel) + "/2", "stage", "candidate"});
  ASSERT_NE(tag.Find("tags"), nullptr);
  EXPECT_EQ(Str(At(*tag.Find("tags"), 0), "value"), "candidate");

  EXPECT_EQ(Json({"alias", "delete", kModel, "champion"}).size(), 0u);
  std::string gone = Fails({"describe", std::string(kModel) + "@champion"});
  EXPECT_NE(gone.find("no alias 'champion'"), std::string::npos) << gone;
}

TEST_F(ModelCommandTest, LineageShowsRunThenDataVersionsThenCodeCommit) {
  CreateAndRegister(1);
  CommandRun text = Keel({"models", "lineage", std::string(kModel) + "/1"});
  ASSERT_EQ(text.code, 0) << text.err;
  std::string expected = std::string(kModel) + " version 1\n" +  //
                         "  source: " + Source() + "\n" +        //
                         "  run:    " + run_id_ + " (experiment " + experiment_id_ + ")\n" +
                         "  data:\n" +         //
                         "    dev.x.t@v3\n" +  //
                         "  code:   4f2c9e1\n";
  EXPECT_EQ(text.out, expected);

  json::Value lineage = Json({"lineage", "models:/" + std::string(kModel) + "/1"});
  EXPECT_EQ(Str(lineage, "name"), kModel);
  EXPECT_EQ(Str(lineage, "version"), "1");
  EXPECT_EQ(Str(lineage, "run_id"), run_id_);
  EXPECT_EQ(Str(lineage, "experiment_id"), experiment_id_);
  EXPECT_EQ(Str(lineage, "git_commit"), "4f2c9e1");
  const json::Value* inputs = lineage.Find("inputs");
  ASSERT_NE(inputs, nullptr);
  ASSERT_EQ(inputs->size(), 1u);
  EXPECT_EQ(Str(At(*inputs, 0), "table"), "dev.x.t");
  EXPECT_EQ(At(*inputs, 0).Find("version")->as_int(), 3);

  // A copy registered from the version keeps the original's lineage.
  Json({"create", "dev.default.copy"});
  Json({"register", "dev.default.copy", "--source", "models:/" + std::string(kModel) + "/1"});
  CommandRun copy = Keel({"models", "lineage", "dev.default.copy/1"});
  ASSERT_EQ(copy.code, 0) << copy.err;
  EXPECT_NE(copy.out.find("    dev.x.t@v3\n  code:   4f2c9e1\n"), std::string::npos) << copy.out;

  EXPECT_NE(Fails({"lineage", std::string(kModel) + "@nope"}).find("no alias"), std::string::npos);
}

TEST_F(ModelCommandTest, EventsListRegistryChangesInOrder) {
  CreateAndRegister(2);
  Json({"alias", "set", kModel, "champion", "1"});
  Json({"alias", "set", kModel, "champion", "2"});

  json::Value events = Json({"events"});
  ASSERT_TRUE(events.is_array());
  std::vector<std::string> types;
  for (const json::Value& e : events.as_array()) types.push_back(Str(e, "event_type"));
  EXPECT_EQ(types, (std::vector<std::string>{"REGISTERED_MODEL_CREATED", "MODEL_VERSION_CREATED",
                                             "MODEL_VERSION_CREATED", "ALIAS_SET", "ALIAS_SET"}));
  const json::Value& moved = At(events, 4);
  EXPECT_EQ(Str(moved, "name"), kModel);
  EXPECT_EQ(Str(moved, "version"), "2");
  EXPECT_EQ(Str(moved, "alias"), "champion");
  EXPECT_EQ(Str(moved, "principal"), "admin");
  ASSERT_NE(moved.Find("details"), nullptr);
  EXPECT_EQ(Str(*moved.Find("details"), "previous_version"), "1");

  int64_t after = At(events, 2).Find("event_id")->as_int();
  json::Value page = Json({"events", kModel, "--after", std::to_string(after), "--limit", "1"});
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(Str(At(page, 0), "event_type"), "ALIAS_SET");
  EXPECT_EQ(Str(At(page, 0), "version"), "1");

  std::string bad = Fails({"events", "--limit", "x"});
  EXPECT_NE(bad.find("--limit"), std::string::npos) << bad;
}

TEST_F(ModelCommandTest, DeleteRefusesAVersionWithAnAliasUnlessAsked) {
  CreateAndRegister(2);
  Json({"alias", "set", kModel, "champion", "1"});
  std::string refused = Fails({"delete", std::string(kModel) + "/1"});
  EXPECT_NE(refused.find("alias 'champion'"), std::string::npos) << refused;
  EXPECT_EQ(Json({"delete", std::string(kModel) + "/1", "--remove-aliases"}).size(), 0u);
  Fails({"describe", std::string(kModel) + "/1"});

  CommandRun model = Keel({"models", "delete", kModel});
  EXPECT_EQ(model.code, 0) << model.err;
  EXPECT_EQ(model.out, "deleted " + std::string(kModel) + "\n");
  std::string gone = Fails({"describe", kModel});
  EXPECT_NE(gone.find("does not exist"), std::string::npos) << gone;
}

// --delete and --remove-aliases take no value: before the positionals, they must not swallow the
// word after them (they were missing from the CLI's list of valueless flags).
TEST_F(ModelCommandTest, ValuelessFlagsBeforeTheNameDoNotSwallowIt) {
  CreateAndRegister(2);
  Json({"alias", "set", kModel, "champion", "2"});
  EXPECT_EQ(Json({"delete", "--remove-aliases", std::string(kModel) + "/2"}).size(), 0u);
  Fails({"describe", std::string(kModel) + "/2"});
  Json({"tag", kModel, "team", "growth"});
  json::Value untagged = Json({"tag", kModel, "--delete", "team"});
  EXPECT_EQ(untagged.Find("tags"), nullptr) << untagged.Dump();
}

TEST_F(ModelCommandTest, ErrorsExitWithOneAndAMessage) {
  std::string bad_name = Fails({"create", "churn"});
  EXPECT_NE(bad_name.find("catalog.schema.model"), std::string::npos) << bad_name;
  std::string unknown = Fails({"describe", "dev.default.nope"});
  EXPECT_NE(unknown.find("does not exist"), std::string::npos) << unknown;
  EXPECT_NE(Fails({"register", "dev.default.nope", "--source", Source()}).find("does not exist"),
            std::string::npos);

  Json({"create", kModel});
  std::string no_source = Fails({"register", kModel});
  EXPECT_NE(no_source.find("--source"), std::string::npos) << no_source;
  std::string not_a_model = Fails({"register", kModel, "--source", Source("notamodel")});
  EXPECT_NE(not_a_model.find("no MLmodel"), std::string::npos) << not_a_model;
  std::string stage = Fails({"describe", "models:/" + std::string(kModel) + "/Production"});
  EXPECT_NE(stage.find("alias"), std::string::npos) << stage;
  EXPECT_NE(Fails({"describe", std::string(kModel) + "/latest"}).find("NAME/VERSION"),
            std::string::npos);
  EXPECT_NE(Fails({"alias", "set", kModel, "champion", "one"}).find("positive integer"),
            std::string::npos);
  EXPECT_NE(Fails({"alias", "set", kModel, "latest", "1"}).find("reserved"), std::string::npos);
  EXPECT_NE(Fails({"alias", "move", kModel, "champion"}).find("set or delete"), std::string::npos);
  EXPECT_NE(Fails({"lineage", kModel}).find("name a version"), std::string::npos);
  EXPECT_NE(Fails({"download", std::string(kModel) + "/1"}).find("--dest"), std::string::npos);
  EXPECT_NE(Fails({"tag", std::string(kModel) + "@champion", "k", "v"}).find("by number"),
            std::string::npos);
  EXPECT_NE(Fails({"describe", kModel, "--bogus", "x"}).find("unknown flag"), std::string::npos);
  EXPECT_NE(Fails({"frobnicate", kModel}).find("unknown keel models command"), std::string::npos);
  // Nothing was registered by the failed attempts.
  EXPECT_EQ(Json({"versions", kModel}).size(), 0u);

  CommandRun usage = Keel({"models"});
  EXPECT_EQ(usage.code, 2);
  EXPECT_NE(usage.err.find("usage: keel models"), std::string::npos) << usage.err;
}

}  // namespace
}  // namespace keel::cli
