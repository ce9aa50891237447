#include "registry/lineage.h"

#include <charconv>

namespace keel::registry {

namespace {

std::string StringField(const json::Value& obj, std::string_view key) {
  const json::Value* v = obj.Find(key);
  return v && v->is_string() ? v->as_string() : std::string();
}

int64_t IntField(const json::Value& obj, std::string_view key) {
  const json::Value* v = obj.Find(key);
  if (v && v->is_int()) return v->as_int();
  // Some clients write the version as a string.
  if (v && v->is_string()) {
    const std::string& text = v->as_string();
    int64_t n = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && end == text.data() + text.size() && n >= 0) return n;
  }
  return -1;
}

}  // namespace

Lineage LineageOfRun(const tracking::Run& run) {
  Lineage out;
  out.run_id = run.info.run_id;
  out.experiment_id = run.info.experiment_id;
  for (const tracking::KeyValue& tag : run.tags) {
    if (tag.key == "mlflow.source.git.commit") out.git_commit = tag.value;
    if (tag.key == "mlflow.source.git.repoURL") out.git_repo = tag.value;
    if (tag.key == "mlflow.source.name") out.source_name = tag.value;
  }
  for (const tracking::DatasetInput& input : run.inputs) {
    auto source = json::Parse(input.dataset.source);
    if (!source.ok() || !source->is_object()) continue;
    LineageInput in;
    in.table = StringField(*source, "delta_table_name");
    in.version = IntField(*source, "delta_table_version");
    if (in.table.empty()) {
      in.table = StringField(*source, "path");
      if (in.version < 0) in.version = IntField(*source, "version");
    }
    if (in.table.empty()) continue;
    in.dataset_name = input.dataset.name;
    in.digest = input.dataset.digest;
    out.inputs.push_back(std::move(in));
  }
  return out;
}

json::Value LineageToJson(const Lineage& l) {
  json::Value doc = json::Value::MakeObject();
  doc.Set("run_id", l.run_id);
  doc.Set("experiment_id", l.experiment_id);
  json::Value inputs = json::Value::MakeArray();
  for (const LineageInput& in : l.inputs) {
    json::Value i;
    i.Set("table", in.table);
    if (in.version >= 0) i.Set("version", in.version);
    i.Set("dataset_name", in.dataset_name);
    i.Set("digest", in.digest);
    inputs.Append(std::move(i));
  }
  doc.Set("inputs", std::move(inputs));
  doc.Set("git_commit", l.git_commit);
  doc.Set("git_repo", l.git_repo);
  doc.Set("source_name", l.source_name);
  return doc;
}

Lineage LineageFromJson(const json::Value& doc) {
  Lineage l;
  if (!doc.is_object()) return l;
  l.run_id = StringField(doc, "run_id");
  l.experiment_id = StringField(doc, "experiment_id");
  l.git_commit = StringField(doc, "git_commit");
  l.git_repo = StringField(doc, "git_repo");
  l.source_name = StringField(doc, "source_name");
  const json::Value* inputs = doc.Find("inputs");
  if (inputs && inputs->is_array()) {
    for (const json::Value& i : inputs->as_array()) {
      LineageInput in;
      in.table = StringField(i, "table");
      in.version = IntField(i, "version");
      in.dataset_name = StringField(i, "dataset_name");
      in.digest = StringField(i, "digest");
      l.inputs.push_back(std::move(in));
    }
  }
  return l;
}

}  // namespace keel::registry
