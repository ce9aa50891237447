// Managed tables over a real `keel server`: Unity Catalog's table shapes, Keel's rows and
// history extension, the grants of `keel init`, and bad input that must change nothing.

#include <filesystem>
#include <functional>
#include <string>

#include "integration/workspace_fixture.h"

namespace keel::integration {
namespace {

constexpr char kTables[] = "/api/2.1/unity-catalog/tables";

std::string Rows(const std::string& full_name) {
  return "/api/2.0/keel/tables/" + full_name + "/rows";
}

class TableHttpTest : public WorkspaceTest {
 protected:
  // A UC CreateTable body for cat.sch.name with columns id (type_json), name (type_text) and
  // day (type_name), partitioned by day.
  static json::Value CreateBody(const std::string& catalog, const std::string& schema,
                                const std::string& name) {
    json::Value body;
    body.Set("name", name);
    body.Set("catalog_name", catalog);
    body.Set("schema_name", schema);
    body.Set("table_type", "MANAGED");
    body.Set("data_source_format", "DELTA");
    body.Set("comment", "daily scores");
    body["properties"].Set("team", "ml");
    json::Value id;
    id.Set("name", "id");
    id.Set("type_json", R"({"name":"id","type":"long","nullable":false,"metadata":{}})");
    id.Set("type_name", "LONG");
    id.Set("position", 0);
    id.Set("nullable", false);
    json::Value label;
    label.Set("name", "label");
    label.Set("type_text", "string");
    label.Set("type_name", "STRING");
    label.Set("position", 1);
    json::Value day;
    day.Set("name", "day");
    day.Set("type_name", "DATE");
    day.Set("position", 2);
    day.Set("partition_index", 0);
    body["columns"].Append(std::move(id));
    body["columns"].Append(std::move(label));
    body["columns"].Append(std::move(day));
    return body;
  }

  testutil::ApiResponse Call(const testutil::ApiClient& client, std::string_view method,
                             const std::string& target, std::string_view body = {}) {
    auto r = client.Call(method, target, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : testutil::ApiResponse{};
  }

  void CreateTable(const testutil::ApiClient& client, const std::string& catalog,
                   const std::string& name) {
    auto r = Call(client, "POST", kTables, CreateBody(catalog, "default", name).Dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }

  testutil::ApiResponse WriteRows(const testutil::ApiClient& client, const std::string& table,
                                  const std::string& rows_json, const std::string& mode = "") {
    std::string body =
        "{\"rows\":" + rows_json + (mode.empty() ? "" : ",\"mode\":\"" + mode + "\"") + "}";
    return Call(client, "POST", Rows(table), body);
  }

  // Everything a request could have changed: the tables of every schema (with their versions)
  // and every file under the storage root.
  std::string Snapshot() {
    std::string out;
    for (const char* catalog : {"dev", "staging", "prod"}) {
      auto r =
          admin_->Get(std::string(kTables) + "?catalog_name=" + catalog + "&schema_name=default");
      out += r.ok() ? std::to_string(r->status) + " " + r->body + "\n" : "error\n";
    }
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(home() + "/storage", ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file() && it->path().string().find("/.uploads") == std::string::npos) {
        out += it->path().string() + "\n";
      }
    }
    return out;
  }

  void ExpectRefused(const testutil::ApiClient& client, std::string_view method,
                     const std::string& target, std::string_view body, int status,
                     std::string_view error_code) {
    std::string before = Snapshot();
    auto r = Call(client, method, target, body);
    EXPECT_EQ(r.status, status) << method << " " << target << " " << body.substr(0, 300) << " -> "
                                << r.body;
    if (!error_code.empty()) EXPECT_EQ(r.error_code(), error_code) << r.body;
    const json::Value* message = r.json.Find("message");
    EXPECT_TRUE(message && message->is_string() && !message->as_string().empty()) << r.body;
    EXPECT_EQ(Snapshot(), before) << "state changed by " << method << " " << target << " "
                                  << body.substr(0, 300);
  }
};

TEST_F(TableHttpTest, CreateGetListDeleteSpeakUnityCatalogTableInfo) {
  auto alice = As(alice_token_);
  auto created = Call(alice, "POST", kTables, CreateBody("dev", "default", "scores").Dump());
  ASSERT_EQ(created.status, 200) << created.body;
  const json::Value& t = created.json;
  EXPECT_EQ(t.Find("name")->as_string(), "scores");
  EXPECT_EQ(t.Find("catalog_name")->as_string(), "dev");
  EXPECT_EQ(t.Find("schema_name")->as_string(), "default");
  EXPECT_EQ(t.Find("full_name")->as_string(), "dev.default.scores");
  EXPECT_EQ(t.Find("table_type")->as_string(), "MANAGED");
  EXPECT_EQ(t.Find("data_source_format")->as_string(), "DELTA");
  EXPECT_EQ(t.Find("owner")->as_string(), "alice");
  EXPECT_EQ(t.Find("created_by")->as_string(), "alice");
  EXPECT_EQ(t.Find("comment")->as_string(), "daily scores");
  EXPECT_EQ(t.Find("properties")->Find("team")->as_string(), "ml");
  EXPECT_GT(t.Find("created_at")->as_int(), 0);
  EXPECT_GT(t.Find("updated_at")->as_int(), 0);
  EXPECT_FALSE(t.Find("table_id")->as_string().empty());
  std::string location = t.Find("storage_location")->as_string();
  EXPECT_EQ(location.rfind(home() + "/storage/", 0), 0u) << location;
  EXPECT_EQ(location.find("scores"), std::string::npos);
  EXPECT_EQ(t.Find("version")->as_int(), 0);
  EXPECT_EQ(t.Find("schema")->Find("type")->as_string(), "struct");
  EXPECT_EQ(t.Find("partition_columns")->as_array()[0].as_string(), "day");
  EXPECT_EQ(t.Find("num_files")->as_int(), 0);

  const auto& columns = t.Find("columns")->as_array();
  ASSERT_EQ(columns.size(), 3u);
  EXPECT_EQ(columns[0].Find("name")->as_string(), "id");
  EXPECT_EQ(columns[0].Find("type_name")->as_string(), "LONG");
  EXPECT_EQ(columns[0].Find("type_text")->as_string(), "long");
  EXPECT_EQ(columns[0].Find("position")->as_int(), 0);
  EXPECT_FALSE(columns[0].Find("nullable")->as_bool());
  EXPECT_EQ(columns[0].Find("partition_index"), nullptr);
  auto type_json = json::Parse(columns[0].Find("type_json")->as_string());
  ASSERT_TRUE(type_json.ok());
  EXPECT_EQ(type_json->Find("type")->as_string(), "long");
  EXPECT_EQ(type_json->Find("name")->as_string(), "id");
  EXPECT_EQ(columns[1].Find("type_name")->as_string(), "STRING");
  EXPECT_TRUE(columns[1].Find("nullable")->as_bool());
  EXPECT_EQ(columns[2].Find("type_name")->as_string(), "DATE");
  EXPECT_EQ(columns[2].Find("position")->as_int(), 2);
  EXPECT_EQ(columns[2].Find("partition_index")->as_int(), 0);

  auto got = Call(alice, "GET", std::string(kTables) + "/dev.default.scores");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json, created.json);

  CreateTable(alice, "dev", "a_first");
  CreateTable(alice, "dev", "z_last");
  auto page1 = Call(alice, "GET",
                    std::string(kTables) + "?catalog_name=dev&schema_name=default&max_results=2");
  ASSERT_EQ(page1.status, 200) << page1.body;
  ASSERT_EQ(page1.json.Find("tables")->size(), 2u);
  EXPECT_EQ(page1.json.Find("tables")->as_array()[0].Find("name")->as_string(), "a_first");
  ASSERT_NE(page1.json.Find("next_page_token"), nullptr);
  auto page2 = Call(alice, "GET",
                    std::string(kTables) +
                        "?catalog_name=dev&schema_name=default&max_results=2"
                        "&page_token=" +
                        page1.json.Find("next_page_token")->as_string());
  ASSERT_EQ(page2.status, 200) << page2.body;
  ASSERT_EQ(page2.json.Find("tables")->size(), 1u);
  EXPECT_EQ(page2.json.Find("tables")->as_array()[0].Find("name")->as_string(), "z_last");
  EXPECT_EQ(page2.json.Find("next_page_token"), nullptr);

  auto deleted = Call(alice, "DELETE", std::string(kTables) + "/dev.default.scores");
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_FALSE(std::filesystem::exists(location));
  auto gone = Call(alice, "GET", std::string(kTables) + "/dev.default.scores");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.error_code(), "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(TableHttpTest, RowsAreWrittenReadFilteredAndTimeTravelled) {
  auto alice = As(alice_token_);
  CreateTable(alice, "dev", "events");
  auto w1 = WriteRows(
      alice, "dev.default.events",
      R"([{"id":1,"label":"a","day":"2024-01-01"},{"id":2,"label":"b","day":"2024-01-02"}])");
  ASSERT_EQ(w1.status, 200) << w1.body;
  EXPECT_EQ(w1.json.Find("version")->as_int(), 1);
  EXPECT_EQ(w1.json.Find("rows_written")->as_int(), 2);
  auto w2 = WriteRows(alice, "dev.default.events", R"([{"id":3,"day":"2024-01-03"}])", "append");
  ASSERT_EQ(w2.status, 200) << w2.body;
  EXPECT_EQ(w2.json.Find("version")->as_int(), 2);

  auto all = Call(alice, "GET", Rows("dev.default.events"));
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json.Find("version")->as_int(), 2);
  EXPECT_EQ(all.json.Find("rows")->size(), 3u);
  EXPECT_EQ(all.json.Find("schema")->Find("fields")->size(), 3u);
  EXPECT_EQ(all.json.Find("truncated"), nullptr);

  auto some = Call(alice, "GET",
                   Rows("dev.default.events") + "?columns=id,label&where=id%20%3E%3D%202&limit=1");
  ASSERT_EQ(some.status, 200) << some.body;
  ASSERT_EQ(some.json.Find("rows")->size(), 1u);
  const json::Value& row = some.json.Find("rows")->as_array()[0];
  EXPECT_GE(row.Find("id")->as_int(), 2);
  EXPECT_EQ(row.Find("day"), nullptr);
  EXPECT_TRUE(some.json.Find("truncated")->as_bool());

  auto v1 = Call(alice, "GET", Rows("dev.default.events") + "?version=1");
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(v1.json.Find("version")->as_int(), 1);
  EXPECT_EQ(v1.json.Find("rows")->size(), 2u);
  auto described = Call(alice, "GET", std::string(kTables) + "/dev.default.events?version=1");
  ASSERT_EQ(described.status, 200);
  EXPECT_EQ(described.json.Find("version")->as_int(), 1);
  EXPECT_EQ(described.json.Find("num_records")->as_int(), 2);

  auto history = Call(alice, "GET", "/api/2.0/keel/tables/dev.default.events/history");
  ASSERT_EQ(history.status, 200) << history.body;
  const auto& entries = history.json.Find("history")->as_array();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].Find("version")->as_int(), 2);
  EXPECT_EQ(entries[2].Find("operation")->as_string(), "CREATE TABLE");
  int64_t v1_time = entries[1].Find("timestamp")->as_int();
  auto at =
      Call(alice, "GET", Rows("dev.default.events") + "?timestamp=" + std::to_string(v1_time));
  ASSERT_EQ(at.status, 200) << at.body;
  EXPECT_EQ(at.json.Find("version")->as_int(), 1);

  auto over = WriteRows(alice, "dev.default.events", R"([{"id":9,"label":"z","day":"2024-02-01"}])",
                        "overwrite");
  ASSERT_EQ(over.status, 200) << over.body;
  auto after = Call(alice, "GET", Rows("dev.default.events"));
  ASSERT_EQ(after.json.Find("rows")->size(), 1u);
  EXPECT_EQ(after.json.Find("rows")->as_array()[0].Find("id")->as_int(), 9);
}

TEST_F(TableHttpTest, GrantsDecideWhoCreatesReadsAndWrites) {
  auto alice = As(alice_token_);
  auto bob = As(bob_token_);
  auto automation = As(automation_token_);
  ExpectRefused(alice, "POST", kTables, CreateBody("prod", "default", "nope").Dump(), 403,
                "PERMISSION_DENIED");
  CreateTable(automation, "prod", "served");
  ASSERT_EQ(WriteRows(automation, "prod.default.served", R"([{"id":1,"day":"2024-01-01"}])").status,
            200);
  EXPECT_EQ(Call(bob, "GET", Rows("prod.default.served")).status, 200);
  EXPECT_EQ(Call(alice, "GET", std::string(kTables) + "/prod.default.served").status, 200);
  ExpectRefused(bob, "POST", Rows("prod.default.served"), R"({"rows":[{"id":2}]})", 403,
                "PERMISSION_DENIED");
  ExpectRefused(bob, "DELETE", std::string(kTables) + "/prod.default.served", "", 403,
                "PERMISSION_DENIED");
  auto denied = Call(bob, "POST", Rows("prod.default.served"), R"({"rows":[{"id":2}]})");
  EXPECT_NE(denied.body.find("MODIFY"), std::string::npos) << denied.body;
  // No token at all.
  auto anonymous = As("");
  EXPECT_EQ(Call(anonymous, "GET", Rows("prod.default.served")).status, 401);
}

TEST_F(TableHttpTest, BadInputIsRefusedWithA400AndChangesNothing) {
  auto alice = As(alice_token_);
  CreateTable(alice, "dev", "kept");
  ASSERT_EQ(WriteRows(alice, "dev.default.kept", R"([{"id":1,"day":"2024-01-01"}])").status, 200);

  for (const char* body : {"{", "{\"name\": }", "[1,2]", "nul", "\"x\"", "{} trailing"}) {
    ExpectRefused(alice, "POST", kTables, body, 400, "");
    ExpectRefused(alice, "POST", Rows("dev.default.kept"), body, 400, "");
  }
  auto with = [](std::function<void(json::Value&)> change) {
    json::Value body = CreateBody("dev", "default", "bad");
    change(body);
    return body.Dump();
  };
  std::vector<std::string> bad_creates = {
      with([](json::Value& b) { b.Set("name", 5); }),
      with([](json::Value& b) { b.Set("name", "a..b"); }),
      with([](json::Value& b) { b.Set("name", "a/b"); }),
      with([](json::Value& b) { b.Set("name", ".."); }),
      with([](json::Value& b) { b.Set("name", std::string("a\0b", 3)); }),
      with([](json::Value& b) { b.Set("schema_name", "default.x"); }),
      with([](json::Value& b) { b.Set("catalog_name", "../dev"); }),
      with([](json::Value& b) { b.Erase("name"); }),
      with([](json::Value& b) { b.Erase("columns"); }),
      with([](json::Value& b) { b.Set("columns", "id long"); }),
      with([](json::Value& b) { b.Set("columns", json::Value::MakeArray()); }),
      with([](json::Value& b) {
        b.Set("columns", json::Value::MakeArray());
        b["columns"].Append(5);
      }),
      with([](json::Value& b) { b.Set("table_type", "EXTERNAL"); }),
      with([](json::Value& b) { b.Set("data_source_format", "CSV"); }),
      with([](json::Value& b) { b.Set("storage_location", "/tmp/elsewhere"); }),
      with([](json::Value& b) { b.Set("bogus", 1); }),
      with([](json::Value& b) { b["columns"].as_array()[0].Set("type_json", "{not json"); }),
      with([](json::Value& b) {
        b["columns"].as_array()[0].Set("type_json", R"({"name":"id","type":"interval"})");
      }),
      with([](json::Value& b) {
        b["columns"].as_array()[0].Set("type_json", R"({"name":"other","type":"long"})");
      }),
      with([](json::Value& b) { b["columns"].as_array()[1].Set("type_text", "strin g<"); }),
      with([](json::Value& b) { b["columns"].as_array()[1].Set("nullable", "yes"); }),
      with([](json::Value& b) { b["columns"].as_array()[1].Set("name", "id"); }),
      with([](json::Value& b) { b["columns"].as_array()[1].Set("position", 7); }),
      with([](json::Value& b) { b["columns"].as_array()[1].Set("partition_index", 3); }),
      with([](json::Value& b) {
        b["columns"].as_array()[1].Erase("type_text");
        b["columns"].as_array()[1].Erase("type_name");
      }),
      with([](json::Value& b) { b.Set("properties", "x"); }),
  };
  for (const std::string& body : bad_creates) {
    ExpectRefused(alice, "POST", kTables, body, 400, "");
  }
  ExpectRefused(alice, "POST", Rows("dev.default.kept"), R"({"rows":[{"nope":1}]})", 400,
                "INVALID_PARAMETER_VALUE");
  ExpectRefused(alice, "POST", Rows("dev.default.kept"), R"({"rows":"x"})", 400, "");
  ExpectRefused(alice, "POST", Rows("dev.default.kept"), R"({"rows":[]})", 400, "");
  ExpectRefused(alice, "POST", Rows("dev.default.kept"), R"({"rows":[1]})", 400, "");
  ExpectRefused(alice, "POST", Rows("dev.default.kept"), R"({"rows":[{"id":"x"}]})", 400, "");
  ExpectRefused(alice, "POST", Rows("dev.default.kept"), R"({"rows":[{"label":"no id"}]})", 400,
                "");
  ExpectRefused(alice, "POST", Rows("dev.default.kept"), R"({"rows":[{"id":1}],"mode":"upsert"})",
                400, "");
  ExpectRefused(alice, "POST", Rows("dev.default.kept"), R"({"rows":[{"id":1}],"x":1})", 400, "");
  ExpectRefused(
      alice, "POST", Rows("dev.default.kept"),
      R"({"rows":[{"id":1,"day":"2024-01-01"}],"mode":"overwrite","replace_where":"id >>> 1"})",
      400, "");
  for (const std::string& query :
       {std::string("?where=id%20%3E%3E%3E%201"), std::string("?columns=nope"),
        std::string("?version=abc"), std::string("?version=1&timestamp=5"),
        std::string("?limit=-1"), std::string("?limit=100000000"),
        std::string("?timestamp=yesterday")}) {
    ExpectRefused(alice, "GET", Rows("dev.default.kept") + query, "", 400, "");
  }
  ExpectRefused(alice, "GET", Rows("dev.default.kept") + "?version=99", "", 404,
                "RESOURCE_DOES_NOT_EXIST");
  for (const char* name : {"dev.default.missing", "dev..kept", "dev.default", "a.b.c.d",
                           "dev.default.%2E%2E", "dev.default.a%2Fb"}) {
    auto r = Call(alice, "GET", Rows(name));
    EXPECT_TRUE(r.status == 400 || r.status == 404) << name << " -> " << r.body;
    auto t = Call(alice, "GET", std::string(kTables) + "/" + name);
    EXPECT_TRUE(t.status == 400 || t.status == 404) << name << " -> " << t.body;
  }
  ExpectRefused(alice, "GET", std::string(kTables) + "?catalog_name=dev", "", 400, "");
  ExpectRefused(alice, "GET",
                std::string(kTables) + "?catalog_name=dev&schema_name=default&max_results=x", "",
                400, "");
  // The table is as it was.
  auto kept = Call(alice, "GET", Rows("dev.default.kept"));
  EXPECT_EQ(kept.json.Find("version")->as_int(), 1);
  EXPECT_EQ(kept.json.Find("rows")->size(), 1u);
}

}  // namespace
}  // namespace keel::integration
