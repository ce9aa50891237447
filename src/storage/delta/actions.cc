#include "storage/delta/actions.h"

#include <cstdio>

namespace keel::delta {
namespace {

Status Bad(std::string_view what, std::string_view field, std::string_view expected) {
  return Status::Corruption(std::string(what) + ": field '" + std::string(field) +
                            "' is missing or is not " + std::string(expected));
}

Result<std::string> Str(const json::Value& o, std::string_view key, std::string_view what) {
  const json::Value* v = o.Find(key);
  if (v == nullptr || !v->is_string()) return Bad(what, key, "a string");
  return v->as_string();
}

Result<std::optional<std::string>> OptStr(const json::Value& o, std::string_view key,
                                          std::string_view what) {
  const json::Value* v = o.Find(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return Bad(what, key, "a string");
  return std::optional<std::string>(v->as_string());
}

Result<std::optional<int64_t>> OptInt(const json::Value& o, std::string_view key,
                                      std::string_view what) {
  const json::Value* v = o.Find(key);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  if (v->is_int()) return std::optional<int64_t>(v->as_int());
  // Some writers emit integral doubles (1.0E12); accept them when exact.
  if (v->is_double()) {
    double d = v->as_double();
    if (d == static_cast<double>(static_cast<int64_t>(d))) {
      return std::optional<int64_t>(static_cast<int64_t>(d));
    }
  }
  return Bad(what, key, "an integer");
}

Result<int64_t> Int(const json::Value& o, std::string_view key, std::string_view what) {
  KEEL_ASSIGN_OR_RETURN(auto v, OptInt(o, key, what));
  if (!v) return Bad(what, key, "an integer");
  return *v;
}

Result<bool> BoolOr(const json::Value& o, std::string_view key, bool dflt, std::string_view what) {
  const json::Value* v = o.Find(key);
  if (v == nullptr || v->is_null()) return dflt;
  if (!v->is_bool()) return Bad(what, key, "a boolean");
  return v->as_bool();
}

Result<std::map<std::string, std::string>> StrMap(const json::Value& o, std::string_view key,
                                                  std::string_view what) {
  std::map<std::string, std::string> out;
  const json::Value* v = o.Find(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_object()) return Bad(what, key, "an object");
  for (const auto& [k, x] : v->as_object()) {
    if (x.is_null()) continue;  // Spark writes null configuration values on unset
    if (!x.is_string()) return Bad(what, std::string(key) + "." + k, "a string");
    out[k] = x.as_string();
  }
  return out;
}

Result<PartitionValues> Partitions(const json::Value& o, std::string_view what) {
  PartitionValues out;
  const json::Value* v = o.Find("partitionValues");
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_object()) return Bad(what, "partitionValues", "an object");
  for (const auto& [k, x] : v->as_object()) {
    if (x.is_null()) {
      out[k] = std::nullopt;
    } else if (x.is_string()) {
      out[k] = x.as_string();
    } else {
      return Bad(what, "partitionValues." + k, "a string or null");
    }
  }
  return out;
}

Result<std::optional<std::vector<std::string>>> OptStrList(const json::Value& o,
                                                           std::string_view key,
                                                           std::string_view what) {
  const json::Value* v = o.Find(key);
  if (v == nullptr || v->is_null()) return std::optional<std::vector<std::string>>();
  if (!v->is_array()) return Bad(what, key, "an array of strings");
  std::vector<std::string> out;
  for (const auto& x : v->as_array()) {
    if (!x.is_string()) return Bad(what, key, "an array of strings");
    out.push_back(x.as_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::optional<DeletionVector>> Dv(const json::Value& o, std::string_view what) {
  const json::Value* v = o.Find("deletionVector");
  if (v == nullptr || v->is_null()) return std::optional<DeletionVector>();
  if (!v->is_object()) return Bad(what, "deletionVector", "an object");
  DeletionVector dv;
  KEEL_ASSIGN_OR_RETURN(dv.storage_type, Str(*v, "storageType", what));
  KEEL_ASSIGN_OR_RETURN(dv.path_or_inline_dv, Str(*v, "pathOrInlineDv", what));
  KEEL_ASSIGN_OR_RETURN(auto offset, OptInt(*v, "offset", what));
  if (offset) dv.offset = static_cast<int32_t>(*offset);
  KEEL_ASSIGN_OR_RETURN(auto size, Int(*v, "sizeInBytes", what));
  dv.size_in_bytes = static_cast<int32_t>(size);
  KEEL_ASSIGN_OR_RETURN(dv.cardinality, Int(*v, "cardinality", what));
  return std::optional<DeletionVector>(dv);
}

json::Value PartitionsToJson(const PartitionValues& pv) {
  json::Value o = json::Value::MakeObject();
  for (const auto& [k, v] : pv) o.Set(k, v ? json::Value(*v) : json::Value());
  return o;
}

json::Value StrMapToJson(const std::map<std::string, std::string>& m) {
  json::Value o = json::Value::MakeObject();
  for (const auto& [k, v] : m) o.Set(k, v);
  return o;
}

json::Value StrListToJson(const std::vector<std::string>& list) {
  json::Value a = json::Value::MakeArray();
  for (const auto& s : list) a.Append(s);
  return a;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<int64_t> CommitInfo::timestamp() const {
  const json::Value* v = value.Find("timestamp");
  if (v != nullptr && v->is_int()) return v->as_int();
  return std::nullopt;
}

std::optional<int64_t> CommitInfo::in_commit_timestamp() const {
  const json::Value* v = value.Find("inCommitTimestamp");
  if (v != nullptr && v->is_int()) return v->as_int();
  return std::nullopt;
}

std::string CommitInfo::operation() const {
  const json::Value* v = value.Find("operation");
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

Result<Protocol> ProtocolFromJson(const json::Value& v) {
  constexpr std::string_view kWhat = "protocol action";
  if (!v.is_object()) return Status::Corruption("protocol action is not an object");
  Protocol p;
  KEEL_ASSIGN_OR_RETURN(auto r, Int(v, "minReaderVersion", kWhat));
  KEEL_ASSIGN_OR_RETURN(auto w, Int(v, "minWriterVersion", kWhat));
  if (r < 0 || r > 1000000 || w < 0 || w > 1000000) {
    return Status::Corruption("protocol action has an impossible version");
  }
  p.min_reader_version = static_cast<int>(r);
  p.min_writer_version = static_cast<int>(w);
  KEEL_ASSIGN_OR_RETURN(p.reader_features, OptStrList(v, "readerFeatures", kWhat));
  KEEL_ASSIGN_OR_RETURN(p.writer_features, OptStrList(v, "writerFeatures", kWhat));
  return p;
}

Result<Metadata> MetadataFromJson(const json::Value& v) {
  constexpr std::string_view kWhat = "metaData action";
  if (!v.is_object()) return Status::Corruption("metaData action is not an object");
  Metadata m;
  KEEL_ASSIGN_OR_RETURN(m.id, Str(v, "id", kWhat));
  KEEL_ASSIGN_OR_RETURN(m.name, OptStr(v, "name", kWhat));
  KEEL_ASSIGN_OR_RETURN(m.description, OptStr(v, "description", kWhat));
  if (const json::Value* f = v.Find("format"); f != nullptr && f->is_object()) {
    KEEL_ASSIGN_OR_RETURN(auto provider, OptStr(*f, "provider", kWhat));
    if (provider) m.format_provider = *provider;
    KEEL_ASSIGN_OR_RETURN(m.format_options, StrMap(*f, "options", kWhat));
  }
  KEEL_ASSIGN_OR_RETURN(m.schema_string, Str(v, "schemaString", kWhat));
  KEEL_ASSIGN_OR_RETURN(auto parts, OptStrList(v, "partitionColumns", kWhat));
  if (parts) m.partition_columns = std::move(*parts);
  KEEL_ASSIGN_OR_RETURN(m.configuration, StrMap(v, "configuration", kWhat));
  KEEL_ASSIGN_OR_RETURN(m.created_time, OptInt(v, "createdTime", kWhat));
  return m;
}

Result<AddFile> AddFileFromJson(const json::Value& v) {
  constexpr std::string_view kWhat = "add action";
  if (!v.is_object()) return Status::Corruption("add action is not an object");
  AddFile a;
  KEEL_ASSIGN_OR_RETURN(a.path, Str(v, "path", kWhat));
  KEEL_ASSIGN_OR_RETURN(a.partition_values, Partitions(v, kWhat));
  KEEL_ASSIGN_OR_RETURN(auto size, OptInt(v, "size", kWhat));
  a.size = size.value_or(0);
  KEEL_ASSIGN_OR_RETURN(auto mtime, OptInt(v, "modificationTime", kWhat));
  a.modification_time = mtime.value_or(0);
  KEEL_ASSIGN_OR_RETURN(a.data_change, BoolOr(v, "dataChange", true, kWhat));
  KEEL_ASSIGN_OR_RETURN(a.stats, OptStr(v, "stats", kWhat));
  KEEL_ASSIGN_OR_RETURN(a.tags, StrMap(v, "tags", kWhat));
  KEEL_ASSIGN_OR_RETURN(a.deletion_vector, Dv(v, kWhat));
  return a;
}

Result<RemoveFile> RemoveFileFromJson(const json::Value& v) {
  constexpr std::string_view kWhat = "remove action";
  if (!v.is_object()) return Status::Corruption("remove action is not an object");
  RemoveFile r;
  KEEL_ASSIGN_OR_RETURN(r.path, Str(v, "path", kWhat));
  KEEL_ASSIGN_OR_RETURN(r.deletion_timestamp, OptInt(v, "deletionTimestamp", kWhat));
  KEEL_ASSIGN_OR_RETURN(r.data_change, BoolOr(v, "dataChange", true, kWhat));
  if (const json::Value* e = v.Find("extendedFileMetadata"); e != nullptr && e->is_bool()) {
    r.extended_file_metadata = e->as_bool();
  }
  KEEL_ASSIGN_OR_RETURN(r.partition_values, Partitions(v, kWhat));
  KEEL_ASSIGN_OR_RETURN(r.size, OptInt(v, "size", kWhat));
  KEEL_ASSIGN_OR_RETURN(r.deletion_vector, Dv(v, kWhat));
  return r;
}

Result<Txn> TxnFromJson(const json::Value& v) {
  constexpr std::string_view kWhat = "txn action";
  if (!v.is_object()) return Status::Corruption("txn action is not an object");
  Txn t;
  KEEL_ASSIGN_OR_RETURN(t.app_id, Str(v, "appId", kWhat));
  KEEL_ASSIGN_OR_RETURN(t.version, Int(v, "version", kWhat));
  KEEL_ASSIGN_OR_RETURN(t.last_updated, OptInt(v, "lastUpdated", kWhat));
  return t;
}

namespace {

Result<AddCdcFile> CdcFromJson(const json::Value& v) {
  constexpr std::string_view kWhat = "cdc action";
  if (!v.is_object()) return Status::Corruption("cdc action is not an object");
  AddCdcFile c;
  KEEL_ASSIGN_OR_RETURN(c.path, Str(v, "path", kWhat));
  KEEL_ASSIGN_OR_RETURN(c.partition_values, Partitions(v, kWhat));
  KEEL_ASSIGN_OR_RETURN(auto size, OptInt(v, "size", kWhat));
  c.size = size.value_or(0);
  KEEL_ASSIGN_OR_RETURN(c.data_change, BoolOr(v, "dataChange", false, kWhat));
  return c;
}

Result<DomainMetadata> DomainFromJson(const json::Value& v) {
  constexpr std::string_view kWhat = "domainMetadata action";
  if (!v.is_object()) return Status::Corruption("domainMetadata action is not an object");
  DomainMetadata d;
  KEEL_ASSIGN_OR_RETURN(d.domain, Str(v, "domain", kWhat));
  KEEL_ASSIGN_OR_RETURN(auto conf, OptStr(v, "configuration", kWhat));
  d.configuration = conf.value_or("");
  KEEL_ASSIGN_OR_RETURN(d.removed, BoolOr(v, "removed", false, kWhat));
  return d;
}

Status Annotate(const Status& s, std::string_view where) {
  return Status(s.code(), std::string(where) + ": " + s.message());
}

}  // namespace

Result<std::optional<Action>> ParseActionLine(std::string_view line, std::string_view where) {
  auto parsed = json::Parse(line);
  if (!parsed.ok()) {
    return Status::Corruption(std::string(where) + ": not a JSON action (" +
                              parsed.status().message() + ")");
  }
  const json::Value& doc = *parsed;
  if (!doc.is_object() || doc.size() == 0) {
    return Status::Corruption(std::string(where) + ": an action must be a non-empty JSON object");
  }
  // One action per line: the first member names it.
  const auto& [kind, body] = doc.as_object().front();
  Result<Action> action = Status::OK();
  // Widens Result<T> of one action kind to Result<Action>.
  auto as_action = [](auto&& typed) -> Result<Action> {
    if (!typed.ok()) return typed.status();
    return Action(std::move(*typed));
  };
  if (kind == "add") {
    action = as_action(AddFileFromJson(body));
  } else if (kind == "remove") {
    action = as_action(RemoveFileFromJson(body));
  } else if (kind == "metaData") {
    action = as_action(MetadataFromJson(body));
  } else if (kind == "protocol") {
    action = as_action(ProtocolFromJson(body));
  } else if (kind == "txn") {
    action = as_action(TxnFromJson(body));
  } else if (kind == "cdc") {
    action = as_action(CdcFromJson(body));
  } else if (kind == "commitInfo") {
    action = Action(CommitInfo{body});
  } else if (kind == "domainMetadata") {
    action = as_action(DomainFromJson(body));
  } else if (kind == "checkpointMetadata") {
    CheckpointMetadata c;
    if (const json::Value* v = body.Find("version"); v != nullptr && v->is_int()) {
      c.version = v->as_int();
    }
    action = Action(c);
  } else if (kind == "sidecar") {
    Sidecar sidecar;
    if (const json::Value* v = body.Find("path"); v != nullptr && v->is_string()) {
      sidecar.path = v->as_string();
    }
    action = Action(sidecar);
  } else {
    return std::optional<Action>();  // unknown actions are ignored by readers
  }
  if (!action.ok()) return Annotate(action.status(), where);
  return std::optional<Action>(std::move(*action));
}

Result<std::vector<Action>> ParseCommitFile(std::string_view text, std::string_view where) {
  std::vector<Action> out;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    KEEL_ASSIGN_OR_RETURN(auto action, ParseActionLine(line, std::string(where) + " line " +
                                                                 std::to_string(line_no)));
    if (action) out.push_back(std::move(*action));
  }
  return out;
}

json::Value ProtocolToJson(const Protocol& p) {
  json::Value o = json::Value::MakeObject();
  o.Set("minReaderVersion", p.min_reader_version);
  o.Set("minWriterVersion", p.min_writer_version);
  if (p.reader_features) o.Set("readerFeatures", StrListToJson(*p.reader_features));
  if (p.writer_features) o.Set("writerFeatures", StrListToJson(*p.writer_features));
  return o;
}

json::Value MetadataToJson(const Metadata& m) {
  json::Value o = json::Value::MakeObject();
  o.Set("id", m.id);
  if (m.name) o.Set("name", *m.name);
  if (m.description) o.Set("description", *m.description);
  json::Value format = json::Value::MakeObject();
  format.Set("provider", m.format_provider);
  format.Set("options", StrMapToJson(m.format_options));
  o.Set("format", std::move(format));
  o.Set("schemaString", m.schema_string);
  o.Set("partitionColumns", StrListToJson(m.partition_columns));
  o.Set("configuration", StrMapToJson(m.configuration));
  if (m.created_time) o.Set("createdTime", *m.created_time);
  return o;
}

json::Value AddFileToJson(const AddFile& a) {
  json::Value o = json::Value::MakeObject();
  o.Set("path", a.path);
  o.Set("partitionValues", PartitionsToJson(a.partition_values));
  o.Set("size", a.size);
  o.Set("modificationTime", a.modification_time);
  o.Set("dataChange", a.data_change);
  if (a.stats) o.Set("stats", *a.stats);
  if (!a.tags.empty()) o.Set("tags", StrMapToJson(a.tags));
  return o;
}

json::Value RemoveFileToJson(const RemoveFile& r) {
  json::Value o = json::Value::MakeObject();
  o.Set("path", r.path);
  if (r.deletion_timestamp) o.Set("deletionTimestamp", *r.deletion_timestamp);
  o.Set("dataChange", r.data_change);
  if (r.extended_file_metadata) o.Set("extendedFileMetadata", *r.extended_file_metadata);
  if (r.extended_file_metadata.value_or(false)) {
    o.Set("partitionValues", PartitionsToJson(r.partition_values));
    if (r.size) o.Set("size", *r.size);
  }
  return o;
}

json::Value TxnToJson(const Txn& t) {
  json::Value o = json::Value::MakeObject();
  o.Set("appId", t.app_id);
  o.Set("version", t.version);
  if (t.last_updated) o.Set("lastUpdated", *t.last_updated);
  return o;
}

std::string ActionToJson(const Action& action) {
  json::Value o = json::Value::MakeObject();
  if (const auto* p = std::get_if<Protocol>(&action)) {
    o.Set("protocol", ProtocolToJson(*p));
  } else if (const auto* m = std::get_if<Metadata>(&action)) {
    o.Set("metaData", MetadataToJson(*m));
  } else if (const auto* a = std::get_if<AddFile>(&action)) {
    o.Set("add", AddFileToJson(*a));
  } else if (const auto* r = std::get_if<RemoveFile>(&action)) {
    o.Set("remove", RemoveFileToJson(*r));
  } else if (const auto* t = std::get_if<Txn>(&action)) {
    o.Set("txn", TxnToJson(*t));
  } else if (const auto* c = std::get_if<AddCdcFile>(&action)) {
    json::Value x = json::Value::MakeObject();
    x.Set("path", c->path);
    x.Set("partitionValues", PartitionsToJson(c->partition_values));
    x.Set("size", c->size);
    x.Set("dataChange", c->data_change);
    o.Set("cdc", std::move(x));
  } else if (const auto* ci = std::get_if<CommitInfo>(&action)) {
    o.Set("commitInfo", ci->value);
  } else if (const auto* d = std::get_if<DomainMetadata>(&action)) {
    json::Value x = json::Value::MakeObject();
    x.Set("domain", d->domain);
    x.Set("configuration", d->configuration);
    x.Set("removed", d->removed);
    o.Set("domainMetadata", std::move(x));
  } else if (const auto* cm = std::get_if<CheckpointMetadata>(&action)) {
    json::Value x = json::Value::MakeObject();
    x.Set("version", cm->version);
    o.Set("checkpointMetadata", std::move(x));
  } else if (const auto* s = std::get_if<Sidecar>(&action)) {
    json::Value x = json::Value::MakeObject();
    x.Set("path", s->path);
    o.Set("sidecar", std::move(x));
  }
  return o.Dump();
}

Result<std::string> DecodePath(std::string_view uri_path) {
  std::string out;
  out.reserve(uri_path.size());
  for (size_t i = 0; i < uri_path.size(); ++i) {
    char c = uri_path[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= uri_path.size()) {
      return Status::Corruption("data file path '" + std::string(uri_path) +
                                "' has a truncated %-escape");
    }
    int hi = HexDigit(uri_path[i + 1]);
    int lo = HexDigit(uri_path[i + 2]);
    if (hi < 0 || lo < 0) {
      return Status::Corruption("data file path '" + std::string(uri_path) +
                                "' has a bad %-escape");
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string CanonicalPath(const std::string& log_path) {
  auto decoded = DecodePath(log_path);
  return decoded.ok() ? *decoded : log_path;
}

std::string EncodePath(std::string_view path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == '=' || c == '!' ||
                c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' ||
                c == ',' || c == ';' || c == ':' || c == '@';
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace keel::delta
