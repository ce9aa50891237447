// `keel tables`: the CLI contract for managed tables, through the real binary.

#include <filesystem>
#include <fstream>
#include <map>

#include "common/json.h"
#include "integration/cli_fixture.h"

namespace keel::integration {
namespace {

class TableCliTest : public CliTest {
 protected:
  void SetUp() override { ASSERT_EQ(Keel({"init"}).exit_code, 0); }

  std::string WriteFile(const std::string& name, const std::string& content) {
    std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << content;
    return path;
  }

  // The JSON lines of `keel tables read NAME --format jsonl` (plus `extra` flags).
  std::vector<json::Value> ReadRows(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"tables", "read", name, "--format", "jsonl"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = Keel(args);
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    std::vector<json::Value> rows;
    size_t start = 0;
    while (start < r.stdout_text.size()) {
      size_t end = r.stdout_text.find('\n', start);
      if (end == std::string::npos) end = r.stdout_text.size();
      auto row = json::Parse(r.stdout_text.substr(start, end - start));
      EXPECT_TRUE(row.ok()) << r.stdout_text;
      if (row.ok()) rows.push_back(std::move(*row));
      start = end + 1;
    }
    return rows;
  }
};

TEST_F(TableCliTest, IngestCreatesAppendsAndOverwritesAndReadGivesTheRowsBack) {
  std::string data = WriteFile("data.csv", "id,name,score\n1,ann,0.5\n2,bo,1.5\n");
  auto ingest = Keel({"tables", "ingest", "dev.default.t", "--from", data, "--output", "json"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.stderr_text;
  auto result = json::Parse(ingest.stdout_text);
  ASSERT_TRUE(result.ok()) << ingest.stdout_text;
  EXPECT_TRUE(result->Find("created")->as_bool());
  EXPECT_EQ(result->Find("version")->as_int(), 1);

  auto describe = Keel({"tables", "describe", "dev.default.t", "--output", "json"});
  ASSERT_EQ(describe.exit_code, 0) << describe.stderr_text;
  auto info = json::Parse(describe.stdout_text);
  ASSERT_TRUE(info.ok()) << describe.stdout_text;
  EXPECT_EQ(info->Find("storage_location")->as_string().rfind(home_ + "/storage/", 0), 0u);
  EXPECT_EQ(info->Find("version")->as_int(), 1);
  const json::Value* fields = info->Find("schema")->Find("fields");
  ASSERT_NE(fields, nullptr);
  ASSERT_EQ(fields->size(), 3u);
  EXPECT_EQ(fields->as_array()[0].Find("name")->as_string(), "id");
  EXPECT_EQ(fields->as_array()[0].Find("type")->as_string(), "long");
  EXPECT_EQ(fields->as_array()[2].Find("type")->as_string(), "double");

  auto rows = ReadRows("dev.default.t");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].Find("name")->as_string(), "ann");
  EXPECT_EQ(rows[1].Find("score")->as_double(), 1.5);

  std::string more = WriteFile("more.csv", "id,name,score\n3,cy,2.5\n");
  auto append = Keel({"tables", "ingest", "dev.default.t", "--from", more, "--mode", "append",
                      "--output", "json"});
  ASSERT_EQ(append.exit_code, 0) << append.stderr_text;
  EXPECT_FALSE(json::Parse(append.stdout_text)->Find("created")->as_bool());
  EXPECT_EQ(ReadRows("dev.default.t").size(), 3u);

  auto overwrite =
      Keel({"tables", "ingest", "dev.default.t", "--from", more, "--mode", "overwrite"});
  ASSERT_EQ(overwrite.exit_code, 0) << overwrite.stderr_text;
  rows = ReadRows("dev.default.t");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Find("id")->as_int(), 3);
  // The earlier versions stay readable.
  EXPECT_EQ(ReadRows("dev.default.t", {"--version", "2"}).size(), 3u);
  EXPECT_EQ(ReadRows("dev.default.t", {"--version", "1", "--where", "id = 2"}).size(), 1u);

  std::string jsonl = WriteFile("rows.jsonl", "{\"id\":4,\"name\":\"di\",\"score\":1}\n");
  EXPECT_EQ(Keel({"tables", "write", "dev.default.t", "--from", jsonl}).exit_code, 0);
  auto csv = Keel({"tables", "read", "dev.default.t", "--format", "csv", "--columns", "id,name"});
  ASSERT_EQ(csv.exit_code, 0) << csv.stderr_text;
  // Rows come file by file, and file names are random: compare them as a set.
  EXPECT_EQ(csv.stdout_text.substr(0, 8), "id,name\n");
  EXPECT_TRUE(csv.stdout_text == "id,name\n3,cy\n4,di\n" ||
              csv.stdout_text == "id,name\n4,di\n3,cy\n")
      << csv.stdout_text;

  auto history = Keel({"tables", "history", "dev.default.t", "--output", "json"});
  ASSERT_EQ(history.exit_code, 0);
  EXPECT_EQ(json::Parse(history.stdout_text)->size(), 5u);
}

TEST_F(TableCliTest, MergeUpsertsDeletesAndInsertsOnKeys) {
  std::string base = WriteFile("base.csv", "id,name,score\n1,ann,0.5\n2,bo,1.5\n");
  ASSERT_EQ(Keel({"tables", "ingest", "dev.default.m", "--from", base}).exit_code, 0);
  std::string changes = WriteFile("changes.csv", "id,name,score\n2,BO,9.5\n3,cy,2.5\n");
  auto merged = Keel({"tables", "merge", "dev.default.m", "--from", changes, "--keys", "id",
                      "--output", "json"});
  ASSERT_EQ(merged.exit_code, 0) << merged.stderr_text;
  EXPECT_EQ(json::Parse(merged.stdout_text)->Find("rows_affected")->as_int(), 2);
  std::map<int64_t, std::string> by_id;
  for (const auto& r : ReadRows("dev.default.m")) {
    by_id[r.Find("id")->as_int()] = r.Find("name")->as_string();
  }
  EXPECT_EQ(by_id, (std::map<int64_t, std::string>{{1, "ann"}, {2, "BO"}, {3, "cy"}}));
  // Matched rows deleted, nothing inserted.
  std::string gone = WriteFile("gone.csv", "id,name,score\n1,,0\n9,zz,0\n");
  ASSERT_EQ(Keel({"tables", "merge", "dev.default.m", "--no-insert", "--from", gone, "--keys", "id",
                  "--when-matched", "delete"})
                .exit_code,
            0);
  EXPECT_EQ(ReadRows("dev.default.m").size(), 2u);
  // Bad use: no keys, an unknown key, an unknown mode; nothing changes.
  EXPECT_EQ(Keel({"tables", "merge", "dev.default.m", "--from", changes}).exit_code, 1);
  auto unknown = Keel({"tables", "merge", "dev.default.m", "--from", changes, "--keys", "nope"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.stderr_text.find("nope"), std::string::npos) << unknown.stderr_text;
  EXPECT_EQ(Keel({"tables", "merge", "dev.default.m", "--from", changes, "--keys", "id",
                  "--when-matched", "maybe"})
                .exit_code,
            1);
  EXPECT_EQ(ReadRows("dev.default.m").size(), 2u);
}

TEST_F(TableCliTest, CreateUpdateDeleteRestoreVacuumAndDrop) {
  auto create = Keel({"tables", "create", "dev.default.m", "--schema",
                      "id long not null, name string, price decimal(10,2)", "--partition-by",
                      "name", "--property", "team=ml", "--comment", "made by the CLI"});
  ASSERT_EQ(create.exit_code, 0) << create.stderr_text;
  std::string data = WriteFile("m.csv", "id,name,price\n1,a,1.50\n2,b,2.25\n3,a,9.99\n");
  ASSERT_EQ(Keel({"tables", "write", "dev.default.m", "--from", data}).exit_code, 0);
  auto update = Keel({"tables", "update", "dev.default.m", "--set", "price=3.00", "--where",
                      "id = 1", "--output", "json"});
  ASSERT_EQ(update.exit_code, 0) << update.stderr_text;
  EXPECT_EQ(json::Parse(update.stdout_text)->Find("rows_affected")->as_int(), 1);
  auto rows = ReadRows("dev.default.m", {"--where", "id = 1"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Find("price")->as_string(), "3.00");
  ASSERT_EQ(Keel({"tables", "delete", "dev.default.m", "--where", "name = 'a'"}).exit_code, 0);
  EXPECT_EQ(ReadRows("dev.default.m").size(), 1u);
  ASSERT_EQ(Keel({"tables", "restore", "dev.default.m", "--version", "1"}).exit_code, 0);
  EXPECT_EQ(ReadRows("dev.default.m").size(), 3u);
  EXPECT_EQ(Keel({"tables", "vacuum", "dev.default.m", "--dry-run"}).exit_code, 0);
  auto list = Keel({"tables", "list", "dev.default", "--output", "json"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_EQ(json::Parse(list.stdout_text)->size(), 1u);

  auto info =
      json::Parse(Keel({"tables", "describe", "dev.default.m", "--output", "json"}).stdout_text);
  ASSERT_TRUE(info.ok());
  std::string location = info->Find("storage_location")->as_string();
  ASSERT_EQ(Keel({"tables", "delete", "dev.default.m"}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(location));
  EXPECT_EQ(Keel({"tables", "describe", "dev.default.m"}).exit_code, 1);
}

TEST_F(TableCliTest, BadInputExitsNonZeroWithAMessageAndMakesNoTable) {
  std::string data = WriteFile("data.csv", "id,name\n1,a\n");
  std::string ragged = WriteFile("ragged.csv", "id,name\n1,a,extra\n");
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"tables", "ingest", "dev.default.a..b", "--from", data},
           {"tables", "ingest", "dev.default.x/y", "--from", data},
           {"tables", "ingest", "dev.default.r", "--from", ragged},
           {"tables", "ingest", "dev.default.r", "--from", dir_.path() + "/missing.csv"},
           {"tables", "ingest", "dev.default.r", "--from", data, "--mode", "upsert"},
           {"tables", "create", "dev.default.r", "--schema", "id lon"},
           {"tables", "create", "dev.default.r"},
           {"tables", "create", "dev.default.r", "--schema", "id long", "--partition-by", "id"},
           {"tables", "read", "dev.default.none"},
       }) {
    auto r = Keel(args);
    EXPECT_EQ(r.exit_code, 1) << args[1] << " " << args[2] << ": " << r.stdout_text;
    EXPECT_NE(r.stderr_text.find("Error: "), std::string::npos) << r.stderr_text;
  }
  EXPECT_EQ(Keel({"tables"}).exit_code, 2);
  auto list = Keel({"tables", "list", "dev.default", "--output", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.stderr_text;
  EXPECT_EQ(json::Parse(list.stdout_text)->size(), 0u) << list.stdout_text;

  // A data scientist may not ingest into prod.
  ASSERT_EQ(Keel({"principals", "create-user", "ann", "--groups", "data-scientists"}).exit_code, 0);
  auto made = Keel({"tokens", "create", "--principal", "ann", "--output", "json"});
  auto ann = json::Parse(made.stdout_text);
  ASSERT_TRUE(ann.ok()) << made.stdout_text << made.stderr_text;
  auto refused = Keel({"tables", "ingest", "prod.default.t", "--from", data, "--token",
                       ann->Find("token_value")->as_string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.stderr_text.find("CREATE_TABLE"), std::string::npos) << refused.stderr_text;
}

}  // namespace
}  // namespace keel::integration
