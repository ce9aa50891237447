#pragma once

// Shared helpers for the model registry's HTTP acceptance tests: requests shaped as the MLflow
// Python client sends them (GET parameters as a query string encoded like `requests` does,
// other methods with a JSON body), the request sequence of mlflow.register_model, and the
// download of a models:/ URI as mlflow/store/artifact/models_artifact_repo.py performs it.

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "integration/workspace_fixture.h"

namespace keel::integration {

inline constexpr char kMlflowApi[] = "/api/2.0/mlflow";
inline constexpr char kArtifactsApi[] = "/api/2.0/mlflow-artifacts/artifacts";
inline constexpr char kArtifactScheme[] = "mlflow-artifacts:/";

// urllib.parse.quote_plus, which `requests` applies to GET params: unreserved characters stay,
// a space becomes '+', everything else (including '/') is %XX.
inline std::string QuotePlus(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// "?k1=v1&k2=v2", each part encoded with QuotePlus.
inline std::string Query(std::initializer_list<std::pair<std::string_view, std::string>> params) {
  std::string out;
  char sep = '?';
  for (const auto& [key, value] : params) {
    out += sep;
    out += QuotePlus(key);
    out += '=';
    out += QuotePlus(value);
    sep = '&';
  }
  return out;
}

// A JSON object body, as protobuf's MessageToJson writes it (members in the given order).
inline std::string Body(std::initializer_list<std::pair<std::string_view, json::Value>> members) {
  json::Value v = json::Value::MakeObject();
  for (const auto& [key, value] : members) v.Set(key, value);
  return v.Dump();
}

class RegistryTest : public WorkspaceTest {
 protected:
  struct RunRef {
    std::string experiment_id;
    std::string run_id;
    // mlflow-artifacts:/<experiment_id>/<run_id>/artifacts
    std::string artifact_uri() const {
      return std::string(kArtifactScheme) + experiment_id + "/" + run_id + "/artifacts";
    }
    // <experiment_id>/<run_id>/artifacts, the proxy path of the run's artifact root.
    std::string proxy_root() const { return experiment_id + "/" + run_id + "/artifacts"; }
  };

  // Any request; a transport failure is a test failure and an empty response.
  testutil::ApiResponse Call(const testutil::ApiClient& who, std::string_view method,
                             const std::string& target, std::string_view body = {}) {
    auto r = who.Call(method, target, body);
    EXPECT_TRUE(r.ok()) << method << " " << target << ": " << r.status().ToString();
    return r.ok() ? *r : testutil::ApiResponse{};
  }

  // An MLflow API call (path under /api/2.0/mlflow) that must answer 200; returns its JSON.
  json::Value Ok(const testutil::ApiClient& who, std::string_view method, const std::string& path,
                 std::string_view body = {}) {
    testutil::ApiResponse r = Call(who, method, std::string(kMlflowApi) + path, body);
    EXPECT_EQ(r.status, 200) << method << " " << path << " " << body.substr(0, 400) << " -> "
                             << r.body.substr(0, 2000);
    return r.json;
  }

  // An MLflow API call that must fail with `status` and MLflow `code`; returns the response so
  // that the message can be checked.
  testutil::ApiResponse Fail(const testutil::ApiClient& who, std::string_view method,
                             const std::string& path, std::string_view body, int status,
                             const std::string& code) {
    testutil::ApiResponse r = Call(who, method, std::string(kMlflowApi) + path, body);
    EXPECT_EQ(r.status, status) << method << " " << path << " " << body.substr(0, 400) << " -> "
                                << r.body.substr(0, 2000);
    EXPECT_EQ(r.error_code(), code) << method << " " << path << " -> " << r.body.substr(0, 2000);
    return r;
  }

  static std::string Str(const json::Value& v, std::string_view key) {
    const json::Value* f = v.Find(key);
    return f && f->is_string() ? f->as_string() : "<missing " + std::string(key) + ">";
  }
  static std::string Str(const json::Value* v, std::string_view key) {
    return v ? Str(*v, key) : "<missing object>";
  }
  static bool IsInt(const json::Value& v, std::string_view key) {
    const json::Value* f = v.Find(key);
    return f && f->is_int();
  }
  // An integer member, or -1 when it is absent or not an integer.
  static int64_t Int(const json::Value& v, std::string_view key) {
    const json::Value* f = v.Find(key);
    return f && f->is_int() ? f->as_int() : -1;
  }
  static std::string Message(const testutil::ApiResponse& r) {
    const json::Value* m = r.json.Find("message");
    return m && m->is_string() ? m->as_string() : "";
  }
  // The elements of an array member; empty when the member is absent (MLflow omits empty
  // repeated fields) or not an array.
  static json::Value::Array Items(const json::Value& v, std::string_view key) {
    const json::Value* f = v.Find(key);
    return f && f->is_array() ? f->as_array() : json::Value::Array{};
  }
  static json::Value::Array Items(const json::Value* v, std::string_view key) {
    return v ? Items(*v, key) : json::Value::Array{};
  }

  // Creates an experiment (the caller owns it) and a run in it, with the given run tags.
  RunRef CreateRun(const testutil::ApiClient& who, const std::string& experiment_name,
                   const json::Value& tags = json::Value::MakeArray()) {
    RunRef run;
    run.experiment_id = Str(
        Ok(who, "POST", "/experiments/create", Body({{"name", experiment_name}})), "experiment_id");
    return AddRun(who, run.experiment_id, tags);
  }
  RunRef AddRun(const testutil::ApiClient& who, const std::string& experiment_id,
                const json::Value& tags = json::Value::MakeArray()) {
    RunRef run;
    run.experiment_id = experiment_id;
    json::Value body = json::Value::MakeObject();
    body.Set("experiment_id", experiment_id);
    body.Set("start_time", 1700000000000LL);
    if (tags.size() > 0) body.Set("tags", tags);
    body.Set("run_name", "train");
    json::Value created = Ok(who, "POST", "/runs/create", body.Dump());
    run.run_id = Str(created.Find("run") ? created.Find("run")->Find("info") : nullptr, "run_id");
    return run;
  }

  // Uploads one file of the run through the mlflow-artifacts proxy, as HttpArtifactRepository
  // does (PUT /api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<path>).
  void PutRunArtifact(const testutil::ApiClient& who, const RunRef& run,
                      const std::string& relative_path, const std::string& content) {
    testutil::ApiResponse r =
        Call(who, "PUT", std::string(kArtifactsApi) + "/" + run.proxy_root() + "/" + relative_path,
             content);
    EXPECT_EQ(r.status, 200) << "upload " << relative_path << " -> " << r.body;
  }

  // What mlflow.<flavor>.log_model leaves under <artifact_path>: an MLmodel file and the model
  // itself. Returns the files by their path relative to the model directory.
  std::map<std::string, std::string> UploadModel(const testutil::ApiClient& who, const RunRef& run,
                                                 const std::string& artifact_path = "model",
                                                 const std::string& marker = "v1") {
    std::map<std::string, std::string> files;
    files["MLmodel"] = "artifact_path: " + artifact_path +
                       "\nflavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n"
                       "    python_version: 3.11.4\nmlflow_version: 2.12.2\nmodel_uuid: " +
                       marker + "\nrun_id: " + run.run_id +
                       "\nutc_time_created: '2024-05-01 10:00:00.123456'\n";
    files["model.json"] =
        R"({"weights": [0.25, -1.5, 3.0], "bias": 0.5, "marker": ")" + marker + "\"}";
    for (const auto& [name, content] : files) {
      PutRunArtifact(who, run, artifact_path + "/" + name, content);
    }
    return files;
  }

  // mlflow.register_model("runs:/<run>/<artifact_path>", name) against a tracking server, as
  // mlflow/tracking/_model_registry/fluent.py sends it:
  //   1. POST registered-models/create {"name"} (RESOURCE_ALREADY_EXISTS is tolerated);
  //   2. RunsArtifactRepository: GET runs/get to resolve the run's artifact_uri, and a listing
  //      of <artifact_path> through mlflow-artifacts to see that it is a directory;
  //   3. POST model-versions/create {"name", "source": <artifact_uri>/<artifact_path>, "run_id"};
  //   4. the await loop: GET model-versions/get while the status is PENDING_REGISTRATION.
  // Returns the model_version of step 3.
  json::Value RegisterModel(const testutil::ApiClient& who, const RunRef& run,
                            const std::string& artifact_path, const std::string& name) {
    testutil::ApiResponse created = Call(
        who, "POST", std::string(kMlflowApi) + "/registered-models/create", Body({{"name", name}}));
    EXPECT_TRUE(created.status == 200 ||
                (created.status == 400 && created.error_code() == "RESOURCE_ALREADY_EXISTS"))
        << created.body;
    json::Value got = Ok(who, "GET", "/runs/get" + Query({{"run_id", run.run_id}}));
    std::string artifact_uri =
        Str(got.Find("run") ? got.Find("run")->Find("info") : nullptr, "artifact_uri");
    EXPECT_EQ(artifact_uri, run.artifact_uri());
    testutil::ApiResponse listed = Call(
        who, "GET",
        std::string(kArtifactsApi) + Query({{"path", run.proxy_root() + "/" + artifact_path}}));
    EXPECT_EQ(listed.status, 200) << listed.body;
    EXPECT_GT(Items(listed.json, "files").size(), 0u) << listed.body;
    json::Value mv = Ok(who, "POST", "/model-versions/create",
                        Body({{"name", name},
                              {"source", artifact_uri + "/" + artifact_path},
                              {"run_id", run.run_id}}));
    const json::Value* version = mv.Find("model_version");
    for (int attempt = 0;
         version && Str(*version, "status") == "PENDING_REGISTRATION" && attempt < 50; ++attempt) {
      mv = Ok(
          who, "GET",
          "/model-versions/get" + Query({{"name", name}, {"version", Str(*version, "version")}}));
      version = mv.Find("model_version");
    }
    return version ? *version : json::Value();
  }

  // The path of a mlflow-artifacts:/ URI on the proxy ("" when it is not one).
  static std::string ProxyPath(const std::string& artifact_uri) {
    std::string_view scheme = kArtifactScheme;
    if (artifact_uri.rfind(scheme, 0) != 0) return "";
    return artifact_uri.substr(scheme.size());
  }

  // HttpArtifactRepository.download_artifacts(""): lists <root> (GET ...artifacts?path=<root>),
  // recurses into directories and downloads every file (GET ...artifacts/<root>/<file>).
  // Returns the files by path relative to root; a failed request is a test failure.
  std::map<std::string, std::string> DownloadTree(const testutil::ApiClient& who,
                                                  const std::string& root) {
    std::map<std::string, std::string> out;
    std::function<void(const std::string&)> walk = [&](const std::string& relative) {
      std::string dir = relative.empty() ? root : root + "/" + relative;
      testutil::ApiResponse listed =
          Call(who, "GET", std::string(kArtifactsApi) + Query({{"path", dir}}));
      EXPECT_EQ(listed.status, 200) << "list " << dir << " -> " << listed.body;
      for (const json::Value& f : Items(listed.json, "files")) {
        std::string name = Str(f, "path");
        std::string child = relative.empty() ? name : relative + "/" + name;
        const json::Value* is_dir = f.Find("is_dir");
        if (is_dir && is_dir->is_bool() && is_dir->as_bool()) {
          walk(child);
          continue;
        }
        testutil::ApiResponse file =
            Call(who, "GET", std::string(kArtifactsApi) + "/" + root + "/" + child);
        EXPECT_EQ(file.status, 200) << "download " << child << " -> " << file.body;
        const json::Value* size = f.Find("file_size");
        EXPECT_TRUE(size && size->is_int()) << f.Dump();
        if (size && size->is_int()) {
          EXPECT_EQ(static_cast<size_t>(size->as_int()), file.body.size()) << child;
        }
        out[child] = file.body;
      }
    };
    walk("");
    return out;
  }

  // The download of models:/<name>@<alias> (or models:/<name>/<version> when `alias` is empty)
  // by ModelsArtifactRepository: get_model_version_by_alias, get-download-uri, then the
  // mlflow-artifacts URI through the proxy. `artifact_uri` receives the download URI.
  std::map<std::string, std::string> DownloadModelsUri(const testutil::ApiClient& who,
                                                       const std::string& name,
                                                       const std::string& alias,
                                                       std::string version = "",
                                                       std::string* artifact_uri = nullptr) {
    if (!alias.empty()) {
      json::Value by_alias =
          Ok(who, "GET", "/registered-models/alias" + Query({{"name", name}, {"alias", alias}}));
      version = Str(by_alias.Find("model_version"), "version");
    }
    json::Value uri =
        Ok(who, "GET",
           "/model-versions/get-download-uri" + Query({{"name", name}, {"version", version}}));
    std::string download_uri = Str(uri, "artifact_uri");
    if (artifact_uri) *artifact_uri = download_uri;
    std::string root = ProxyPath(download_uri);
    EXPECT_FALSE(root.empty()) << "not a mlflow-artifacts:/ URI: " << uri.Dump();
    if (root.empty()) return {};
    return DownloadTree(who, root);
  }

  // Checks the fields every ModelVersion must carry.
  static void ExpectModelVersion(const json::Value& mv, const std::string& name,
                                 const std::string& version, const std::string& user_id,
                                 const std::string& source, const std::string& run_id) {
    EXPECT_EQ(Str(mv, "name"), name) << mv.Dump();
    EXPECT_EQ(Str(mv, "version"), version) << mv.Dump();  // a string, as in MLflow's proto
    EXPECT_TRUE(IsInt(mv, "creation_timestamp")) << mv.Dump();
    EXPECT_TRUE(IsInt(mv, "last_updated_timestamp")) << mv.Dump();
    EXPECT_EQ(Str(mv, "user_id"), user_id) << mv.Dump();
    EXPECT_EQ(Str(mv, "current_stage"), "None") << mv.Dump();
    EXPECT_EQ(Str(mv, "source"), source) << mv.Dump();
    if (run_id.empty()) {
      EXPECT_EQ(mv.Find("run_id"), nullptr) << mv.Dump();
    } else {
      EXPECT_EQ(Str(mv, "run_id"), run_id) << mv.Dump();
    }
    EXPECT_EQ(Str(mv, "status"), "READY") << mv.Dump();
    EXPECT_EQ(mv.Find("status_message"), nullptr) << mv.Dump();
  }

  // The aliases of a ModelVersion (strings), in the order given.
  static std::vector<std::string> VersionAliases(const json::Value& mv) {
    std::vector<std::string> out;
    for (const json::Value& a : Items(mv, "aliases")) {
      out.push_back(a.is_string() ? a.as_string() : a.Dump());
    }
    return out;
  }

  // alias -> version of a RegisteredModel's aliases.
  static std::map<std::string, std::string> ModelAliases(const json::Value& rm) {
    std::map<std::string, std::string> out;
    for (const json::Value& a : Items(rm, "aliases")) out[Str(a, "alias")] = Str(a, "version");
    return out;
  }

  // key -> value of a tags array.
  static std::map<std::string, std::string> Tags(const json::Value& v) {
    std::map<std::string, std::string> out;
    for (const json::Value& t : Items(v, "tags")) out[Str(t, "key")] = Str(t, "value");
    return out;
  }

  // The versions of a model, as search_model_versions("name='<name>'") lists them.
  json::Value::Array SearchVersions(const testutil::ApiClient& who, const std::string& filter) {
    json::Value found =
        Ok(who, "GET",
           "/model-versions/search" + Query({{"filter", filter}, {"max_results", "10000"}}));
    return Items(found, "model_versions");
  }
};

}  // namespace keel::integration
