#include "registry/mlmodel.h"

#include <chrono>
#include <cstdio>
#include <iterator>

#include "common/yaml.h"

namespace keel::registry {

namespace {

constexpr std::string_view kFields[] = {
    "artifact_path",    "flavors",        "run_id",    "model_uuid",
    "utc_time_created", "mlflow_version", "signature", "saved_input_example_info",
    "model_size_bytes", "metadata",       "model_id",  "databricks_runtime"};
constexpr std::string_view kSignatureFields[] = {"inputs", "outputs", "params"};

template <size_t N>
bool IsOneOf(std::string_view key, const std::string_view (&names)[N]) {
  for (std::string_view name : names) {
    if (key == name) return true;
  }
  return false;
}

// The members of `object` whose keys are not in `known`.
template <size_t N>
json::Value UnknownMembers(const json::Value& object, const std::string_view (&known)[N]) {
  json::Value extra = json::Value::MakeObject();
  for (const auto& [key, value] : object.as_object()) {
    if (!IsOneOf(key, known)) extra.as_object().emplace_back(key, value);
  }
  return extra;
}

// A field that must be a mapping when present; null when absent or null.
Result<json::Value> OptionalMapping(const json::Value& doc, std::string_view key) {
  const json::Value* v = doc.Find(key);
  if (v == nullptr || v->is_null()) return json::Value();
  if (!v->is_object()) {
    return Status::InvalidArgument("MLmodel field '" + std::string(key) + "' must be a mapping");
  }
  return *v;
}

Result<ModelSignature> ParseSignature(const json::Value& v) {
  if (!v.is_object()) {
    return Status::InvalidArgument(
        "MLmodel field 'signature' must be a mapping with inputs, outputs and params");
  }
  KEEL_ASSIGN_OR_RETURN(json::FieldReader fields, json::FieldReader::Make(v, "signature"));
  ModelSignature signature;
  std::optional<std::string>* parts[] = {&signature.inputs, &signature.outputs, &signature.params};
  for (size_t i = 0; i < std::size(kSignatureFields); ++i) {
    auto part = fields.OptionalString(kSignatureFields[i]);
    if (!part.ok()) {
      return Status::InvalidArgument("MLmodel field 'signature." +
                                     std::string(kSignatureFields[i]) +
                                     "' must be a JSON string (a column or tensor spec list)");
    }
    *parts[i] = std::move(*part);
  }
  signature.extra = UnknownMembers(v, kSignatureFields);
  return signature;
}

Status CheckFlavors(const json::Value* flavors) {
  if (flavors == nullptr || flavors->is_null()) {
    return Status::InvalidArgument(
        "MLmodel has no 'flavors' field; it must map each flavor name (e.g. python_function) "
        "to its settings");
  }
  if (!flavors->is_object() || flavors->size() == 0) {
    return Status::InvalidArgument(
        "MLmodel field 'flavors' must be a non-empty mapping of flavor name to settings");
  }
  for (const auto& [name, settings] : flavors->as_object()) {
    if (!settings.is_object()) {
      return Status::InvalidArgument("MLmodel flavor '" + name + "' must be a mapping of settings");
    }
  }
  return Status::OK();
}

void SetIfPresent(json::Value* doc, std::string_view key, const std::optional<std::string>& v) {
  if (v) doc->Set(key, *v);
}

}  // namespace

std::vector<std::string> MlModel::flavor_names() const {
  std::vector<std::string> names;
  if (!flavors.is_object()) return names;
  for (const auto& member : flavors.as_object()) names.push_back(member.first);
  return names;
}

Result<MlModel> ParseMlModel(std::string_view yaml_text) {
  auto parsed = yaml::Parse(yaml_text);
  if (!parsed.ok()) return parsed.status().WithContext("MLmodel is not valid YAML");
  return MlModelFromJson(*parsed);
}

Result<MlModel> MlModelFromJson(const json::Value& doc) {
  if (!doc.is_object()) {
    return Status::InvalidArgument(
        "MLmodel must be a mapping of fields (flavors, run_id, signature, ...)");
  }
  KEEL_RETURN_IF_ERROR(CheckFlavors(doc.Find("flavors")));
  KEEL_ASSIGN_OR_RETURN(json::FieldReader fields, json::FieldReader::Make(doc, "MLmodel"));

  MlModel model;
  model.flavors = *doc.Find("flavors");
  struct StringField {
    std::string_view key;
    std::optional<std::string>* out;
  };
  const StringField string_fields[] = {{"artifact_path", &model.artifact_path},
                                       {"run_id", &model.run_id},
                                       {"model_uuid", &model.model_uuid},
                                       {"utc_time_created", &model.utc_time_created},
                                       {"mlflow_version", &model.mlflow_version},
                                       {"model_id", &model.model_id},
                                       {"databricks_runtime", &model.databricks_runtime}};
  for (const StringField& field : string_fields) {
    auto value = fields.OptionalString(field.key);
    if (!value.ok()) return value.status().WithContext("MLmodel");
    *field.out = std::move(*value);
  }
  auto size = fields.OptionalInt("model_size_bytes");
  if (!size.ok()) return size.status().WithContext("MLmodel");
  if (*size && **size < 0) {
    return Status::InvalidArgument("MLmodel field 'model_size_bytes' must not be negative");
  }
  model.model_size_bytes = *size;
  if (const json::Value* signature = fields.Get("signature")) {
    KEEL_ASSIGN_OR_RETURN(model.signature, ParseSignature(*signature));
  }
  KEEL_ASSIGN_OR_RETURN(model.saved_input_example_info,
                        OptionalMapping(doc, "saved_input_example_info"));
  KEEL_ASSIGN_OR_RETURN(model.metadata, OptionalMapping(doc, "metadata"));
  model.extra = UnknownMembers(doc, kFields);
  return model;
}

json::Value MlModel::ToJson() const {
  json::Value doc = extra.is_object() ? extra : json::Value::MakeObject();
  SetIfPresent(&doc, "artifact_path", artifact_path);
  if (databricks_runtime) doc.Set("databricks_runtime", *databricks_runtime);
  doc.Set("flavors", flavors);
  if (!metadata.is_null()) doc.Set("metadata", metadata);
  SetIfPresent(&doc, "mlflow_version", mlflow_version);
  SetIfPresent(&doc, "model_id", model_id);
  if (model_size_bytes) doc.Set("model_size_bytes", *model_size_bytes);
  SetIfPresent(&doc, "model_uuid", model_uuid);
  SetIfPresent(&doc, "run_id", run_id);
  if (!saved_input_example_info.is_null()) {
    doc.Set("saved_input_example_info", saved_input_example_info);
  }
  if (signature) {
    // MLflow's ModelSignature.to_dict always writes all three parts, null when unset.
    json::Value sig = signature->extra.is_object() ? signature->extra : json::Value::MakeObject();
    auto part = [](const std::optional<std::string>& s) {
      return s ? json::Value(*s) : json::Value();
    };
    sig.Set("inputs", part(signature->inputs));
    sig.Set("outputs", part(signature->outputs));
    sig.Set("params", part(signature->params));
    doc.Set("signature", std::move(sig));
  }
  SetIfPresent(&doc, "utc_time_created", utc_time_created);
  return doc;
}

std::string MlModel::ToYaml() const { return yaml::Emit(ToJson(), {.sort_keys = true}); }

Result<MlModel> ReadMlModel(FileSystem* fs, const std::string& model_dir) {
  std::string path = JoinPath(model_dir, kMlModelFileName);
  KEEL_ASSIGN_OR_RETURN(bool exists, fs->Exists(path));
  if (!exists) {
    return Status::NotFound("no MLmodel file in " + model_dir +
                            "; log the model with mlflow.<flavor>.log_model or keel");
  }
  KEEL_ASSIGN_OR_RETURN(uint64_t size, fs->FileSize(path));
  if (size > kMaxMlModelFileBytes) {
    return Status::Corruption("MLmodel file " + path + " is " + std::to_string(size) +
                              " bytes, over the limit of " + std::to_string(kMaxMlModelFileBytes));
  }
  KEEL_ASSIGN_OR_RETURN(std::string text, fs->ReadFile(path));
  auto model = ParseMlModel(text);
  if (!model.ok()) {
    return Status::Corruption("MLmodel file " + path + " is invalid: " + model.status().message());
  }
  return model;
}

Status WriteMlModel(FileSystem* fs, const std::string& model_dir, const MlModel& model) {
  KEEL_RETURN_IF_ERROR(fs->CreateDirs(model_dir));
  return fs->WriteFileAtomic(JoinPath(model_dir, kMlModelFileName), model.ToYaml());
}

std::string FormatUtcTimeCreated(int64_t unix_micros) {
  using namespace std::chrono;
  sys_time<microseconds> t{microseconds(unix_micros)};
  sys_days day = floor<days>(t);
  year_month_day ymd(day);
  hh_mm_ss<microseconds> tod(t - day);
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u %02d:%02d:%02d", int(ymd.year()),
                        unsigned(ymd.month()), unsigned(ymd.day()), int(tod.hours().count()),
                        int(tod.minutes().count()), int(tod.seconds().count()));
  std::string out(buf, n);
  // Python's str(datetime) leaves the fraction out when it is zero.
  if (tod.subseconds().count() != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(tod.subseconds().count()));
    out += buf;
  }
  return out;
}

Result<int64_t> ParseUtcTimeCreated(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument("utc_time_created '" + std::string(text.substr(0, 64)) +
                                   "' is not a time like '2023-07-08 04:53:25.446742'");
  };
  // "YYYY-MM-DD HH:MM:SS": digits everywhere but these separators.
  constexpr std::string_view kPattern = "dddd-dd-dd dd:dd:dd";
  if (text.size() < kPattern.size()) return bad();
  for (size_t i = 0; i < kPattern.size(); ++i) {
    bool digit = text[i] >= '0' && text[i] <= '9';
    if (kPattern[i] == 'd' ? !digit : text[i] != kPattern[i]) return bad();
  }
  auto number = [&](size_t pos, size_t len) {
    int n = 0;
    for (size_t i = pos; i < pos + len; ++i) n = n * 10 + (text[i] - '0');
    return n;
  };
  int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  int64_t micros = 0;
  std::string_view fraction = text.substr(kPattern.size());
  if (!fraction.empty()) {
    if (fraction[0] != '.' || fraction.size() < 2 || fraction.size() > 7) return bad();
    for (size_t i = 1; i < 7; ++i) {
      char c = i < fraction.size() ? fraction[i] : '0';
      if (c < '0' || c > '9') return bad();
      micros = micros * 10 + (c - '0');
    }
  }
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return bad();
  int64_t seconds_since_epoch = sys_days(ymd).time_since_epoch().count() * int64_t{86400} +
                                hour * 3600 + minute * 60 + second;
  return seconds_since_epoch * 1000000 + micros;
}

}  // namespace keel::registry
