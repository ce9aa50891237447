#include "jobs/bundle/bundle.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "testutil/temp_dir.h"

namespace keel::jobs {
namespace {

// A project shaped like a databricks.yml: one job in an included file whose task parameters and
// registered model depend on a per-target catalog.
constexpr char kProject[] = R"(bundle:
  name: churn
variables:
  catalog_name:
    description: Catalog the job reads and writes
    default: dev
  schema:
    default: ml
  model_name:
    description: Built from the other two
    default: ${var.catalog_name}.${var.schema}.churn_model
include:
  - resources/*.yml
resources:
  experiments:
    churn_experiment:
      name: /churn/${bundle.target}
  registered_models:
    churn_model:
      catalog_name: ${var.catalog_name}
      schema_name: ${var.schema}
      name: churn_model
      comment: Churn classifier
targets:
  dev:
    mode: development
    default: true
  staging:
    variables:
      catalog_name: staging
  prod:
    mode: production
    git:
      branch: release
    run_as:
      service_principal_name: automation
    variables:
      catalog_name: prod
    resources:
      jobs:
        train:
          max_concurrent_runs: 2
          tasks:
            - task_key: validate
              max_retries: 3
)";

constexpr char kTrainJob[] = R"(resources:
  jobs:
    train:
      name: churn-train
      schedule:
        quartz_cron_expression: "0 0 2 * * ?"
        timezone_id: UTC
      trigger:
        periodic: {interval: 1, unit: DAYS}
      tasks:
        - task_key: train
          command_task:
            command: [python, train.py, --catalog, "${var.catalog_name}"]
            env:
              MODEL: ${var.model_name}
              COMMIT: ${bundle.git.commit}
              OWNER: ${workspace.current_user.userName}
              HOME_DIR: $${HOME}
        - task_key: validate
          depends_on: [{task_key: train}]
          command_task:
            command: [sh, -c, "echo ${x:-y} {{tasks.train.values.model_uri}}"]
)";

constexpr char kUser[] = "alice@example.com";
constexpr char kCommit[] = "0123456789abcdef0123456789abcdef01234567";

class BundleTest : public ::testing::Test {
 protected:
  void Write(const std::string& rel, const std::string& text) {
    std::filesystem::path path = std::filesystem::path(dir_.path()) / rel;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  void WriteProject() {
    Write("keel.yml", kProject);
    Write("resources/train.yml", kTrainJob);
  }

  Result<Bundle> Load(std::string_view target, std::map<std::string, std::string> vars = {}) {
    BundleContext context;
    context.user = kUser;
    context.git_commit = kCommit;
    context.git_branch = "main";
    return LoadBundle(dir_.path(), target, vars, context);
  }

  // The message of a load that must fail.
  std::string LoadError(std::string_view target, std::map<std::string, std::string> vars = {}) {
    Result<Bundle> bundle = Load(target, std::move(vars));
    EXPECT_FALSE(bundle.ok());
    return bundle.ok() ? std::string() : bundle.status().message();
  }

  static const json::Value& Task(const Bundle::Resource& job, std::string_view key) {
    for (const json::Value& task : job.settings.Find("tasks")->as_array()) {
      if (task.Find("task_key")->as_string() == key) return task;
    }
    static const json::Value none;
    ADD_FAILURE() << "no task " << key;
    return none;
  }

  static std::string Str(const json::Value& v, std::initializer_list<std::string_view> path) {
    const json::Value* at = &v;
    for (std::string_view key : path) {
      at = at->Find(key);
      if (at == nullptr) return "<absent " + std::string(key) + ">";
    }
    return at->is_string() ? at->as_string() : at->Dump();
  }

  testutil::TempDir dir_{"keel-bundle-test"};
};

TEST_F(BundleTest, EachTargetResolvesItsOwnCatalogIntoTaskParametersAndModels) {
  WriteProject();
  for (std::string target : {"dev", "staging", "prod"}) {
    SCOPED_TRACE(target);
    Result<Bundle> bundle = Load(target);
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    EXPECT_EQ(bundle->name, "churn");
    EXPECT_EQ(bundle->target, target);
    EXPECT_EQ(bundle->variables.at("catalog_name"), target);
    EXPECT_EQ(bundle->variables.at("model_name"), target + ".ml.churn_model");
    ASSERT_EQ(bundle->jobs.size(), 1u);
    const Bundle::Resource& job = bundle->jobs[0];
    EXPECT_EQ(job.key, "train");
    const json::Value& train = Task(job, "train");
    EXPECT_EQ(train.Find("command_task")->Find("command")->as_array()[3].as_string(), target);
    EXPECT_EQ(Str(train, {"command_task", "env", "MODEL"}), target + ".ml.churn_model");
    EXPECT_EQ(Str(train, {"command_task", "env", "COMMIT"}), kCommit);
    EXPECT_EQ(Str(train, {"command_task", "env", "OWNER"}), kUser);
    ASSERT_EQ(bundle->registered_models.size(), 1u);
    EXPECT_EQ(Str(bundle->registered_models[0].settings, {"catalog_name"}), target);
    EXPECT_EQ(Str(bundle->registered_models[0].settings, {"schema_name"}), "ml");
    ASSERT_EQ(bundle->experiments.size(), 1u);
    EXPECT_EQ(Str(bundle->experiments[0].settings, {"name"}), "/churn/" + target);
  }
}

TEST_F(BundleTest, ShellSyntaxAndJobReferencesSurviveAndDollarDollarEscapes) {
  WriteProject();
  Result<Bundle> bundle = Load("staging");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  const Bundle::Resource& job = bundle->jobs[0];
  EXPECT_EQ(Str(Task(job, "train"), {"command_task", "env", "HOME_DIR"}), "${HOME}");
  EXPECT_EQ(Task(job, "validate").Find("command_task")->Find("command")->as_array()[2].as_string(),
            "echo ${x:-y} {{tasks.train.values.model_uri}}");
}

TEST_F(BundleTest, ResourcesRecordTheirFileAndLine) {
  WriteProject();
  Result<Bundle> bundle = Load("staging");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->jobs[0].file, "resources/train.yml");
  EXPECT_EQ(bundle->jobs[0].line, 3);
  auto task_key = bundle->jobs[0].locations.find("tasks[1].task_key");
  ASSERT_NE(task_key, bundle->jobs[0].locations.end());
  EXPECT_EQ(task_key->second.first, 19);
  EXPECT_EQ(bundle->registered_models[0].file, "keel.yml");
  EXPECT_EQ(bundle->registered_models[0].line, 19);
  EXPECT_EQ(bundle->root_dir, std::filesystem::canonical(dir_.path()).string());
}

TEST_F(BundleTest, DevelopmentModePrefixesNamesPausesSchedulesAndTagsTheUser) {
  WriteProject();
  Result<Bundle> bundle = Load("");  // dev is the default target
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->target, "dev");
  EXPECT_EQ(bundle->mode, BundleMode::kDevelopment);
  EXPECT_EQ(bundle->user, kUser);
  const json::Value& job = bundle->jobs[0].settings;
  EXPECT_EQ(Str(job, {"name"}), "[dev alice@example.com] churn-train");
  EXPECT_EQ(Str(job, {"schedule", "pause_status"}), "PAUSED");
  EXPECT_EQ(Str(job, {"schedule", "quartz_cron_expression"}), "0 0 2 * * ?");
  EXPECT_EQ(Str(job, {"trigger", "pause_status"}), "PAUSED");
  EXPECT_EQ(Str(job, {"tags", "dev"}), kUser);
  EXPECT_TRUE(bundle->required_branch.empty());
}

TEST_F(BundleTest, OtherModesKeepNamesAndSchedules) {
  WriteProject();
  Result<Bundle> bundle = Load("staging");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->mode, BundleMode::kDefault);
  const json::Value& job = bundle->jobs[0].settings;
  EXPECT_EQ(Str(job, {"name"}), "churn-train");
  EXPECT_EQ(job.Find("schedule")->Find("pause_status"), nullptr);
  EXPECT_EQ(job.Find("tags"), nullptr);
  EXPECT_EQ(job.Find("run_as"), nullptr);
}

TEST_F(BundleTest, DevelopmentModeWithoutAUserIsRefused) {
  WriteProject();
  Result<Bundle> bundle = LoadBundle(dir_.path(), "dev", {});
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.status().message().find("development mode"), std::string::npos);
}

TEST_F(BundleTest, ProductionTargetMergesOverridesSetsRunAsAndRequiresItsBranch) {
  WriteProject();
  Result<Bundle> bundle = Load("prod");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->mode, BundleMode::kProduction);
  EXPECT_EQ(bundle->required_branch, "release");
  const Bundle::Resource& job = bundle->jobs[0];
  EXPECT_EQ(job.settings.Find("max_concurrent_runs")->as_int(), 2);
  // The override changed one task by task_key and kept the other task and the task's fields.
  ASSERT_EQ(job.settings.Find("tasks")->size(), 2u);
  EXPECT_EQ(Task(job, "validate").Find("max_retries")->as_int(), 3);
  EXPECT_NE(Task(job, "validate").Find("command_task"), nullptr);
  EXPECT_EQ(Task(job, "train").Find("max_retries"), nullptr);
  EXPECT_EQ(Str(job.settings, {"run_as", "service_principal_name"}), "automation");
  EXPECT_EQ(job.file, "resources/train.yml");

  EXPECT_TRUE(ValidateGitBranch(*bundle, "release").ok());
  Status wrong = ValidateGitBranch(*bundle, "main");
  EXPECT_EQ(wrong.code(), ErrorCode::kInvalidState);
  EXPECT_NE(wrong.message().find("'release'"), std::string::npos);
  EXPECT_NE(wrong.message().find("'main'"), std::string::npos);
  EXPECT_NE(ValidateGitBranch(*bundle, "").message().find("detached"), std::string::npos);
}

TEST_F(BundleTest, OverridesBeatTargetValuesWhichBeatDefaults) {
  WriteProject();
  Result<Bundle> defaulted = Load("dev");
  ASSERT_TRUE(defaulted.ok()) << defaulted.status().ToString();
  EXPECT_EQ(defaulted->variables.at("catalog_name"), "dev");

  Result<Bundle> targeted = Load("staging");
  ASSERT_TRUE(targeted.ok());
  EXPECT_EQ(targeted->variables.at("catalog_name"), "staging");

  Result<Bundle> overridden = Load("staging", {{"catalog_name", "scratch"}, {"schema", "s2"}});
  ASSERT_TRUE(overridden.ok()) << overridden.status().ToString();
  EXPECT_EQ(overridden->variables.at("catalog_name"), "scratch");
  EXPECT_EQ(overridden->variables.at("model_name"), "scratch.s2.churn_model");
  EXPECT_EQ(Str(Task(overridden->jobs[0], "train"), {"command_task", "env", "MODEL"}),
            "scratch.s2.churn_model");
}

TEST_F(BundleTest, OverridingAnUndeclaredVariableIsRefused) {
  WriteProject();
  std::string error = LoadError("staging", {{"catalg_name", "x"}});
  EXPECT_NE(error.find("--var catalg_name"), std::string::npos) << error;
  EXPECT_NE(error.find("catalog_name"), std::string::npos) << error;
}

TEST_F(BundleTest, UnknownTargetListsTheTargets) {
  WriteProject();
  Result<Bundle> bundle = Load("qa");
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(bundle.status().message().find("unknown target 'qa'"), std::string::npos);
  EXPECT_NE(bundle.status().message().find("dev, staging, prod"), std::string::npos);
}

TEST_F(BundleTest, NoTargetAndNoDefaultIsRefused) {
  Write("keel.yml", "bundle: {name: b}\ntargets:\n  a: {}\n  b: {}\n");
  std::string error = LoadError("");
  EXPECT_NE(error.find("default: true"), std::string::npos) << error;
  EXPECT_NE(error.find("a, b"), std::string::npos) << error;
}

TEST_F(BundleTest, MissingVariableValueNamesTheVariable) {
  Write("keel.yml",
        "bundle: {name: b}\n"
        "variables:\n"
        "  warehouse:\n"
        "    description: no default\n"
        "targets:\n"
        "  dev: {default: true}\n");
  std::string error = LoadError("");
  EXPECT_NE(error.find("variable 'warehouse' has no value"), std::string::npos) << error;
  EXPECT_NE(error.find("keel.yml:3:"), std::string::npos) << error;
  EXPECT_NE(error.find("--var warehouse="), std::string::npos) << error;

  Result<Bundle> given = Load("", {{"warehouse", "w1"}});
  ASSERT_TRUE(given.ok()) << given.status().ToString();
  EXPECT_EQ(given->variables.at("warehouse"), "w1");
}

TEST_F(BundleTest, UnknownReferenceGivesFileAndLine) {
  Write("keel.yml", "bundle: {name: b}\ninclude: [jobs/*.yml]\ntargets: {dev: {default: true}}\n");
  Write("jobs/a.yml",
        "resources:\n"
        "  jobs:\n"
        "    a:\n"
        "      tasks:\n"
        "        - task_key: t\n"
        "          command_task: {command: [echo, \"${bundle.nme}\"]}\n");
  std::string error = LoadError("");
  EXPECT_NE(error.find("jobs/a.yml:6:"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown reference ${bundle.nme}"), std::string::npos) << error;
}

TEST_F(BundleTest, ReferenceToAnUndeclaredVariableIsRefused) {
  Write("keel.yml",
        "bundle: {name: b}\n"
        "variables: {a: {default: x}}\n"
        "resources:\n"
        "  experiments:\n"
        "    e: {name: \"${var.b}\"}\n"
        "targets: {dev: {default: true}}\n");
  std::string error = LoadError("");
  EXPECT_NE(error.find("keel.yml:5:"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown variable 'b'"), std::string::npos) << error;
}

TEST_F(BundleTest, VariablesReferringToEachOtherInACycleAreRefused) {
  Write("keel.yml",
        "bundle: {name: b}\n"
        "variables:\n"
        "  a: {default: \"${var.b}\"}\n"
        "  b: {default: \"x-${var.a}\"}\n"
        "targets: {dev: {default: true}}\n");
  std::string error = LoadError("");
  EXPECT_NE(error.find("cycle: a -> b -> a"), std::string::npos) << error;
}

TEST_F(BundleTest, GitReferencesWithoutAGitCheckoutAreRefused) {
  WriteProject();
  BundleContext context;
  context.user = kUser;
  Result<Bundle> bundle = LoadBundle(dir_.path(), "staging", {}, context);
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.status().message().find("${bundle.git.commit} has no value"), std::string::npos)
      << bundle.status().message();
}

TEST_F(BundleTest, IncludesExpandGlobsAndDoubleStar) {
  Write("keel.yml",
        "bundle: {name: b}\n"
        "include: [\"resources/*.yml\", \"more/**/*.yaml\", resources/a.yml]\n"
        "targets: {dev: {default: true}}\n");
  Write("resources/a.yml", "resources: {experiments: {a: {name: a}}}\n");
  Write("resources/b.yml", "resources: {experiments: {b: {name: b}}}\n");
  Write("resources/ignored.txt", "not yaml: [");
  Write("resources/deeper/c.yml", "resources: {experiments: {c: {name: c}}}\n");
  Write("more/d.yaml", "resources: {experiments: {d: {name: d}}}\n");
  Write("more/x/y/e.yaml", "resources: {experiments: {e: {name: e}}}\n");
  Write("more/.git/f.yaml", "resources: {experiments: {f: {name: f}}}\n");
  Result<Bundle> bundle = Load("");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  std::vector<std::string> keys;
  for (const Bundle::Resource& e : bundle->experiments) keys.push_back(e.key + "@" + e.file);
  EXPECT_EQ(keys, (std::vector<std::string>{"a@resources/a.yml", "b@resources/b.yml",
                                            "d@more/d.yaml", "e@more/x/y/e.yaml"}));
}

TEST_F(BundleTest, AGlobMatchingNothingIsFineButAMissingFileIsNot) {
  Write("keel.yml",
        "bundle: {name: b}\ninclude: [\"none/*.yml\"]\ntargets: {dev: {default: true}}\n");
  EXPECT_TRUE(Load("").ok());
  Write("keel.yml", "bundle: {name: b}\ninclude: [none.yml]\ntargets: {dev: {default: true}}\n");
  std::string error = LoadError("");
  EXPECT_NE(error.find("include 'none.yml'"), std::string::npos) << error;
}

TEST_F(BundleTest, DuplicateResourceKeyNamesBothFiles) {
  Write("keel.yml",
        "bundle: {name: b}\n"
        "include: [\"resources/*.yml\"]\n"
        "targets: {dev: {default: true}}\n");
  Write("resources/one.yml", "resources:\n  jobs:\n    train: {tasks: []}\n");
  Write("resources/two.yml", "resources:\n  jobs:\n    train: {tasks: []}\n");
  std::string error = LoadError("");
  EXPECT_NE(error.find("job 'train' is defined twice"), std::string::npos) << error;
  EXPECT_NE(error.find("resources/one.yml:3:"), std::string::npos) << error;
  EXPECT_NE(error.find("resources/two.yml:3:"), std::string::npos) << error;
}

TEST_F(BundleTest, IncludesEscapingTheRootAreRefused) {
  Write("outside.yml", "resources: {experiments: {x: {name: x}}}\n");
  Write("project/keel.yml",
        "bundle: {name: b}\ninclude: [\"../outside.yml\"]\ntargets: {dev: {default: true}}\n");
  BundleContext context;
  context.user = kUser;
  std::string project = dir_.Join("project");
  Result<Bundle> dotdot = LoadBundle(project, "", {}, context);
  ASSERT_FALSE(dotdot.ok());
  EXPECT_NE(dotdot.status().message().find("'..' is not allowed"), std::string::npos)
      << dotdot.status().message();
  EXPECT_NE(dotdot.status().message().find("keel.yml:2:"), std::string::npos);

  Write("project/keel.yml", "bundle: {name: b}\ninclude: [\"" + dir_.Join("outside.yml") +
                                "\"]\ntargets: {dev: {default: true}}\n");
  Result<Bundle> absolute = LoadBundle(project, "", {}, context);
  ASSERT_FALSE(absolute.ok());
  EXPECT_NE(absolute.status().message().find("absolute paths are not allowed"), std::string::npos)
      << absolute.status().message();

  std::filesystem::create_directories(dir_.Join("project/resources"));
  std::filesystem::create_symlink(dir_.Join("outside.yml"),
                                  dir_.Join("project/resources/link.yml"));
  Write("project/keel.yml",
        "bundle: {name: b}\ninclude: [\"resources/*.yml\"]\ntargets: {dev: {default: true}}\n");
  Result<Bundle> symlinked = LoadBundle(project, "", {}, context);
  ASSERT_FALSE(symlinked.ok());
  EXPECT_NE(symlinked.status().message().find("outside the bundle folder"), std::string::npos)
      << symlinked.status().message();
}

TEST_F(BundleTest, ASymlinkInsideTheRootIsFollowed) {
  Write("keel.yml",
        "bundle: {name: b}\ninclude: [\"resources/*.yml\"]\ntargets: {dev: {default: true}}\n");
  Write("shared/exp.yml", "resources: {experiments: {x: {name: x}}}\n");
  std::filesystem::create_directories(dir_.Join("resources"));
  std::filesystem::create_symlink("../shared/exp.yml", dir_.Join("resources/exp.yml"));
  Result<Bundle> bundle = Load("");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  ASSERT_EQ(bundle->experiments.size(), 1u);
}

TEST_F(BundleTest, MalformedYamlGivesFileAndLine) {
  Write("keel.yml",
        "bundle: {name: b}\ninclude: [\"resources/*.yml\"]\ntargets: {dev: {default: true}}\n");
  Write("resources/bad.yml", "resources:\n  jobs:\n    a: {tasks: [\n    b: c\n");
  std::string error = LoadError("");
  EXPECT_NE(error.find("resources/bad.yml"), std::string::npos) << error;
  EXPECT_NE(error.find("line "), std::string::npos) << error;

  Write("keel.yml", "bundle:\n  name: b\n   bad: indentation\n");
  error = LoadError("");
  EXPECT_NE(error.find("keel.yml"), std::string::npos) << error;
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
}

TEST_F(BundleTest, IncludedFilesHoldOnlyResources) {
  Write("keel.yml",
        "bundle: {name: b}\ninclude: [\"resources/*.yml\"]\ntargets: {dev: {default: true}}\n");
  Write("resources/a.yml", "resources: {}\ntargets: {prod: {}}\n");
  std::string error = LoadError("");
  EXPECT_NE(error.find("resources/a.yml:2:"), std::string::npos) << error;
  EXPECT_NE(error.find("'targets' is not allowed"), std::string::npos) << error;
}

TEST_F(BundleTest, TyposInTheProjectFileAreRefused) {
  Write("keel.yml", "bundle: {name: b}\nresource: {}\ntargets: {dev: {default: true}}\n");
  std::string error = LoadError("");
  EXPECT_NE(error.find("keel.yml:2:1: unknown field 'resource'"), std::string::npos) << error;

  Write("keel.yml", "bundle: {name: b}\ntargets: {dev: {default: true, mode: dev}}\n");
  error = LoadError("");
  EXPECT_NE(error.find("unknown mode 'dev'"), std::string::npos) << error;

  // A typo in a target other than the one loaded is found too.
  Write("keel.yml",
        "bundle: {name: b}\n"
        "targets:\n"
        "  dev: {default: true}\n"
        "  prod:\n"
        "    varaibles: {a: 1}\n");
  error = LoadError("dev");
  EXPECT_NE(error.find("keel.yml:5:5: unknown field 'varaibles' in target 'prod'"),
            std::string::npos)
      << error;

  Write("keel.yml",
        "bundle: {name: b}\nresources: {pipelines: {p: {}}}\ntargets: {dev: {default: true}}\n");
  error = LoadError("");
  EXPECT_NE(error.find("unknown resource type 'pipelines'"), std::string::npos) << error;

  Write("keel.yml",
        "bundle: {name: b}\n"
        "resources: {registered_models: {m: {catalog_name: c, name: m}}}\n"
        "targets: {dev: {default: true}}\n");
  error = LoadError("");
  EXPECT_NE(error.find("needs `schema_name`"), std::string::npos) << error;
}

TEST_F(BundleTest, MissingProjectFileIsNotFound) {
  Result<Bundle> bundle = Load("dev");
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_NE(bundle.status().message().find("keel.yml"), std::string::npos);
}

TEST_F(BundleTest, KeelYamlIsAcceptedButNotBesideKeelYml) {
  Write("keel.yaml", "bundle: {name: alt}\ntargets: {dev: {default: true}}\n");
  Result<Bundle> bundle = Load("");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->name, "alt");
  Write("keel.yml", "bundle: {name: alt}\ntargets: {dev: {default: true}}\n");
  EXPECT_NE(LoadError("").find("both keel.yml and keel.yaml"), std::string::npos);
}

TEST_F(BundleTest, ATargetMayAddAResourceAndAJobWithoutNameIsNamedAfterItsKey) {
  Write("keel.yml",
        "bundle: {name: b}\n"
        "targets:\n"
        "  staging:\n"
        "    default: true\n"
        "    resources:\n"
        "      jobs:\n"
        "        smoke: {tasks: [{task_key: t, command_task: {command: [\"true\"]}}]}\n");
  Result<Bundle> bundle = Load("");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  ASSERT_EQ(bundle->jobs.size(), 1u);
  EXPECT_EQ(Str(bundle->jobs[0].settings, {"name"}), "smoke");
  EXPECT_EQ(bundle->jobs[0].file, "keel.yml");
  EXPECT_EQ(bundle->jobs[0].line, 7);
}

}  // namespace
}  // namespace keel::jobs
