#include "storage/delta/checkpoint.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/fs/file_system.h"
#include "common/json.h"
#include "storage/batch/column.h"
#include "storage/batch/record_batch.h"
#include "storage/batch/row.h"
#include "storage/parquet/file_reader.h"
#include "storage/parquet/file_writer.h"
#include "testutil/temp_dir.h"

namespace keel::delta {
namespace {

using batch::DataType;
using batch::TypeId;

const std::string kCorpus = KEEL_SOURCE_DIR "/../shared/conformance/delta";

std::string LogDir(const std::string& case_name) {
  return kCorpus + "/" + case_name + "/delta/_delta_log";
}

// The actions of a checkpoint sorted by kind, for assertions.
struct Sorted {
  std::vector<Protocol> protocols;
  std::vector<Metadata> metadata;
  std::vector<Txn> txns;
  std::vector<AddFile> adds;
  std::vector<RemoveFile> removes;
  std::vector<DomainMetadata> domains;
  size_t total = 0;

  void Take(std::vector<Action> actions) {
    total += actions.size();
    for (Action& a : actions) {
      if (auto* p = std::get_if<Protocol>(&a)) protocols.push_back(*p);
      if (auto* m = std::get_if<Metadata>(&a)) metadata.push_back(*m);
      if (auto* t = std::get_if<Txn>(&a)) txns.push_back(*t);
      if (auto* f = std::get_if<AddFile>(&a)) adds.push_back(std::move(*f));
      if (auto* r = std::get_if<RemoveFile>(&a)) removes.push_back(std::move(*r));
      if (auto* d = std::get_if<DomainMetadata>(&a)) domains.push_back(*d);
    }
  }
};

// Reads every part of the checkpoint of `version` in a corpus case.
Sorted ReadCorpusCheckpoint(const std::string& case_name, int64_t version) {
  FileSystem* fs = FileSystem::Default();
  auto names = fs->ListDir(LogDir(case_name));
  EXPECT_TRUE(names.ok()) << names.status().ToString();
  char prefix[32];
  std::snprintf(prefix, sizeof(prefix), "%020lld.checkpoint.", static_cast<long long>(version));
  Sorted out;
  int parts = 0;
  for (const std::string& name : *names) {
    if (name.rfind(prefix, 0) != 0 || name.find(".parquet") == std::string::npos) continue;
    auto actions = ReadCheckpointFile(fs, LogDir(case_name) + "/" + name);
    EXPECT_TRUE(actions.ok()) << name << ": " << actions.status().ToString();
    if (actions.ok()) out.Take(std::move(*actions));
    ++parts;
  }
  EXPECT_GT(parts, 0) << "no checkpoint of version " << version << " in " << case_name;
  return out;
}

json::Value LoadJson(const std::string& path) {
  auto text = FileSystem::Default()->ReadFile(path);
  EXPECT_TRUE(text.ok()) << path;
  if (!text.ok()) return json::Value();
  auto parsed = json::Parse(*text);
  EXPECT_TRUE(parsed.ok()) << path << ": " << parsed.status().ToString();
  return parsed.ok() ? *parsed : json::Value();
}

const json::Value* ManifestCase(const json::Value& manifest, const std::string& name) {
  const json::Value* cases = manifest.Find("cases");
  if (cases == nullptr || !cases->is_array()) return nullptr;
  for (const json::Value& c : cases->as_array()) {
    const json::Value* n = c.Find("case");
    if (n != nullptr && n->is_string() && n->as_string() == name) return &c;
  }
  return nullptr;
}

// Cases whose latest version is a checkpoint, so its adds are the manifest's live files.
class LatestCheckpointTest : public ::testing::TestWithParam<const char*> {};

TEST_P(LatestCheckpointTest, CheckpointHoldsTheManifestsLiveFilesTombstonesAndTxns) {
  const std::string name = GetParam();
  json::Value manifest = LoadJson(kCorpus + "/manifest.json");
  const json::Value* c = ManifestCase(manifest, name);
  ASSERT_NE(c, nullptr) << name;
  int64_t version = c->Find("latest_version")->as_int();
  Sorted s = ReadCorpusCheckpoint(name, version);

  EXPECT_EQ(static_cast<int64_t>(s.adds.size()), c->Find("live_files")->as_int());
  EXPECT_EQ(static_cast<int64_t>(s.removes.size()), c->Find("tombstones")->as_int());
  ASSERT_EQ(s.protocols.size(), 1u);
  ASSERT_EQ(s.metadata.size(), 1u);
  const json::Value* protocol = c->Find("protocol");
  EXPECT_EQ(s.protocols[0].min_reader_version, protocol->Find("minReaderVersion")->as_int());
  EXPECT_EQ(s.protocols[0].min_writer_version, protocol->Find("minWriterVersion")->as_int());
  EXPECT_FALSE(s.metadata[0].id.empty());
  EXPECT_NE(s.metadata[0].schema_string.find("\"struct\""), std::string::npos);
  std::vector<std::string> want_parts;
  for (const json::Value& p : c->Find("partition_columns")->as_array()) {
    want_parts.push_back(p.as_string());
  }
  EXPECT_EQ(s.metadata[0].partition_columns, want_parts);

  std::map<std::string, int64_t> want_txns;
  if (const json::Value* txns = c->Find("txns"); txns != nullptr && txns->is_object()) {
    for (const auto& [app, v] : txns->as_object()) want_txns[app] = v.as_int();
  }
  std::map<std::string, int64_t> got_txns;
  for (const Txn& t : s.txns) got_txns[t.app_id] = t.version;
  EXPECT_EQ(got_txns, want_txns);

  for (const AddFile& a : s.adds) {
    EXPECT_FALSE(a.path.empty());
    EXPECT_GT(a.size, 0) << a.path;
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, LatestCheckpointTest,
                         ::testing::Values("overwrite_restore", "checkpoint_multipart",
                                           "checkpoint_only_files", "checkpoint_simple_delta_rs",
                                           "old_writer_delta_0_2_0", "app_txn_checkpoint"));

// Every checkpoint of the corpus against the counts its writer put into _last_checkpoint.
struct LastCheckpointCase {
  const char* name;
  int64_t version;
};

class CorpusCheckpointTest : public ::testing::TestWithParam<LastCheckpointCase> {};

TEST_P(CorpusCheckpointTest, ActionCountsMatchTheWritersLastCheckpoint) {
  const LastCheckpointCase& p = GetParam();
  Sorted s = ReadCorpusCheckpoint(p.name, p.version);
  EXPECT_EQ(s.protocols.size(), 1u);
  EXPECT_EQ(s.metadata.size(), 1u);
  EXPECT_FALSE(s.adds.empty());
  json::Value last = LoadJson(LogDir(p.name) + "/_last_checkpoint");
  ASSERT_EQ(last.Find("version")->as_int(), p.version);
  // size counts the actions written; commitInfo rows of old writers are not actions of the
  // table state and Keel skips them.
  EXPECT_EQ(static_cast<int64_t>(s.total), last.Find("size")->as_int());
  if (const json::Value* n = last.Find("numOfAddFiles")) {
    EXPECT_EQ(static_cast<int64_t>(s.adds.size()), n->as_int());
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusCheckpointTest,
                         ::testing::Values(LastCheckpointCase{"inserts_deletes_checkpoint", 10},
                                           LastCheckpointCase{"checkpoint_multipart", 1},
                                           LastCheckpointCase{"checkpoint_only_files", 2},
                                           LastCheckpointCase{"checkpoint_simple_delta_rs", 10},
                                           LastCheckpointCase{"checkpoint_struct_stats_only", 10},
                                           LastCheckpointCase{"old_writer_delta_0_2_0", 3},
                                           LastCheckpointCase{"overwrite_restore", 3},
                                           LastCheckpointCase{"app_txn_checkpoint", 1},
                                           LastCheckpointCase{"refuse_dv_partitioned_checkpoint",
                                                              10}));

TEST(CheckpointReaderTest, ReadsCheckpointWhoseLastCheckpointFileIsCorrupted) {
  Sorted s = ReadCorpusCheckpoint("checkpoint_corrupted_last_checkpoint", 10);
  EXPECT_EQ(s.protocols.size(), 1u);
  EXPECT_EQ(s.metadata.size(), 1u);
  EXPECT_FALSE(s.adds.empty());
}

TEST(CheckpointReaderTest, ReadsDeletionVectorsAndPartitionValuesOfSparkAdds) {
  Sorted s = ReadCorpusCheckpoint("refuse_dv_partitioned_checkpoint", 10);
  ASSERT_FALSE(s.adds.empty());
  int with_dv = 0;
  for (const AddFile& a : s.adds) {
    EXPECT_EQ(a.partition_values.count("part"), 1u) << a.path;
    EXPECT_TRUE(a.stats.has_value());
    if (!a.deletion_vector) continue;
    ++with_dv;
    EXPECT_FALSE(a.deletion_vector->storage_type.empty());
    EXPECT_FALSE(a.deletion_vector->path_or_inline_dv.empty());
    EXPECT_GT(a.deletion_vector->cardinality, 0);
    EXPECT_GT(a.deletion_vector->size_in_bytes, 0);
  }
  EXPECT_GT(with_dv, 0);
  ASSERT_EQ(s.protocols.size(), 1u);
  ASSERT_TRUE(s.protocols[0].reader_features.has_value());
  EXPECT_EQ(*s.protocols[0].reader_features, std::vector<std::string>{"deletionVectors"});
}

TEST(CheckpointReaderTest, IgnoresStatsParsedWhenStatsTextIsAbsent) {
  Sorted s = ReadCorpusCheckpoint("checkpoint_struct_stats_only", 10);
  ASSERT_FALSE(s.adds.empty());
  for (const AddFile& a : s.adds) EXPECT_FALSE(a.stats.has_value()) << a.path;
}

TEST(CheckpointReaderTest, SkipsCommitInfoRowsOfDelta020Checkpoints) {
  Sorted s = ReadCorpusCheckpoint("old_writer_delta_0_2_0", 3);
  EXPECT_EQ(s.total, s.adds.size() + s.removes.size() + s.txns.size() + 2);
  for (const RemoveFile& r : s.removes) EXPECT_TRUE(r.deletion_timestamp.has_value());
}

// ---- writing ------------------------------------------------------------------------------

CheckpointContent SampleContent(int num_adds) {
  CheckpointContent c;
  c.protocol.min_reader_version = 3;
  c.protocol.min_writer_version = 7;
  c.protocol.reader_features = std::vector<std::string>{"deletionVectors"};
  c.protocol.writer_features = std::vector<std::string>{"deletionVectors", "domainMetadata"};
  c.metadata.id = "5fba94ed-9794-4965-ba6e-6ee3c0d22af9";
  c.metadata.name = "events";
  c.metadata.format_options = {{"compression", "snappy"}};
  c.metadata.schema_string =
      R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]})";
  c.metadata.partition_columns = {"date", "region"};
  c.metadata.configuration = {{"delta.checkpointInterval", "10"},
                              {"delta.enableDeletionVectors", "true"}};
  c.metadata.created_time = 1700000000123;
  c.txns = {{"stream-1", 42, 1700000000000}, {"stream-2", 7, std::nullopt}};
  c.domains = {{"delta.clustering", R"({"clusteringColumns":[]})", false}};
  RemoveFile r;
  r.path = "date=2024-01-01/region=eu/old.parquet";
  r.deletion_timestamp = 1700000000999;
  r.data_change = true;
  r.extended_file_metadata = true;
  r.partition_values = {{"date", "2024-01-01"}, {"region", std::nullopt}};
  r.size = 1234;
  c.removes.push_back(r);
  RemoveFile bare;
  bare.path = "bare%20name.parquet";
  c.removes.push_back(bare);
  for (int i = 0; i < num_adds; ++i) {
    AddFile a;
    a.path = "date=2024-01-0" + std::to_string(i % 9 + 1) + "/part-" + std::to_string(i) +
             ".snappy.parquet";
    a.partition_values["date"] = "2024-01-0" + std::to_string(i % 9 + 1);
    a.partition_values["region"] =
        i % 3 == 0 ? std::nullopt : std::optional<std::string>(i % 3 == 1 ? "eu" : "us");
    a.size = 1000 + i;
    a.modification_time = 1700000000000 + i;
    a.data_change = i % 2 == 0;
    if (i % 4 != 0) a.stats = R"({"numRecords":)" + std::to_string(i) + "}";
    if (i % 5 == 0) a.tags = {{"INSERTION_TIME", std::to_string(i)}, {"OPTIMIZE", "x"}};
    if (i % 7 == 0) {
      DeletionVector dv;
      dv.storage_type = i % 14 == 0 ? "u" : "i";
      dv.path_or_inline_dv = "ab^-aqEH.-t@S}K{vb[*k^";
      if (i % 14 == 0) dv.offset = i;
      dv.size_in_bytes = 36 + i;
      dv.cardinality = i + 1;
      a.deletion_vector = dv;
    }
    c.adds.push_back(std::move(a));
  }
  return c;
}

void ExpectSameDv(const std::optional<DeletionVector>& got,
                  const std::optional<DeletionVector>& want) {
  ASSERT_EQ(got.has_value(), want.has_value());
  if (!want) return;
  EXPECT_EQ(got->storage_type, want->storage_type);
  EXPECT_EQ(got->path_or_inline_dv, want->path_or_inline_dv);
  EXPECT_EQ(got->offset, want->offset);
  EXPECT_EQ(got->size_in_bytes, want->size_in_bytes);
  EXPECT_EQ(got->cardinality, want->cardinality);
}

TEST(CheckpointWriterTest, WriteThenReadReturnsEveryField) {
  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  ASSERT_TRUE(fs->CreateDirs(dir.Join("_delta_log")).ok());
  CheckpointContent want = SampleContent(20000);
  Status st = WriteCheckpoint(fs, dir.path(), 12, want);
  ASSERT_TRUE(st.ok()) << st.ToString();

  auto actions = ReadCheckpointFile(fs, CheckpointPath(dir.path(), 12));
  ASSERT_TRUE(actions.ok()) << actions.status().ToString();
  Sorted got;
  got.Take(std::move(*actions));

  ASSERT_EQ(got.protocols.size(), 1u);
  EXPECT_EQ(got.protocols[0].min_reader_version, 3);
  EXPECT_EQ(got.protocols[0].min_writer_version, 7);
  EXPECT_EQ(got.protocols[0].reader_features, want.protocol.reader_features);
  EXPECT_EQ(got.protocols[0].writer_features, want.protocol.writer_features);

  ASSERT_EQ(got.metadata.size(), 1u);
  const Metadata& m = got.metadata[0];
  EXPECT_EQ(m.id, want.metadata.id);
  EXPECT_EQ(m.name, want.metadata.name);
  EXPECT_EQ(m.description, std::nullopt);
  EXPECT_EQ(m.format_provider, "parquet");
  EXPECT_EQ(m.format_options, want.metadata.format_options);
  EXPECT_EQ(m.schema_string, want.metadata.schema_string);
  EXPECT_EQ(m.partition_columns, want.metadata.partition_columns);
  EXPECT_EQ(m.configuration, want.metadata.configuration);
  EXPECT_EQ(m.created_time, want.metadata.created_time);

  ASSERT_EQ(got.txns.size(), 2u);
  EXPECT_EQ(got.txns[0].app_id, "stream-1");
  EXPECT_EQ(got.txns[0].version, 42);
  EXPECT_EQ(got.txns[0].last_updated, 1700000000000);
  EXPECT_EQ(got.txns[1].last_updated, std::nullopt);

  ASSERT_EQ(got.domains.size(), 1u);
  EXPECT_EQ(got.domains[0].domain, "delta.clustering");
  EXPECT_EQ(got.domains[0].configuration, want.domains[0].configuration);
  EXPECT_FALSE(got.domains[0].removed);

  ASSERT_EQ(got.removes.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const RemoveFile& g = got.removes[i];
    const RemoveFile& w = want.removes[i];
    EXPECT_EQ(g.path, w.path);
    EXPECT_EQ(g.deletion_timestamp, w.deletion_timestamp);
    EXPECT_EQ(g.data_change, w.data_change);
    EXPECT_EQ(g.extended_file_metadata, w.extended_file_metadata);
    EXPECT_EQ(g.partition_values, w.partition_values);
    EXPECT_EQ(g.size, w.size);
    ExpectSameDv(g.deletion_vector, w.deletion_vector);
  }

  ASSERT_EQ(got.adds.size(), want.adds.size());
  for (size_t i = 0; i < want.adds.size(); ++i) {
    const AddFile& g = got.adds[i];
    const AddFile& w = want.adds[i];
    ASSERT_EQ(g.path, w.path) << i;
    ASSERT_EQ(g.partition_values, w.partition_values) << i;
    ASSERT_EQ(g.size, w.size) << i;
    ASSERT_EQ(g.modification_time, w.modification_time) << i;
    ASSERT_EQ(g.data_change, w.data_change) << i;
    ASSERT_EQ(g.stats, w.stats) << i;
    ASSERT_EQ(g.tags, w.tags) << i;
    ExpectSameDv(g.deletion_vector, w.deletion_vector);
  }
}

TEST(CheckpointWriterTest, WrittenFileHasTheProtocolCheckpointSchema) {
  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  ASSERT_TRUE(fs->CreateDirs(dir.Join("_delta_log")).ok());
  ASSERT_TRUE(WriteCheckpoint(fs, dir.path(), 0, SampleContent(3)).ok());
  auto reader = parquet::FileReader::Open(CheckpointPath(dir.path(), 0), fs);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::map<std::string, std::string> types;
  std::vector<std::string> names;
  for (const batch::Field& f : (*reader)->schema().fields) {
    names.push_back(f.name);
    types[f.name] = f.type.ToString();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"txn", "add", "remove", "metaData", "protocol",
                                             "domainMetadata"}));
  const std::string dv =
      "struct<storageType:string,pathOrInlineDv:string,offset:int,sizeInBytes:int,"
      "cardinality:long>";
  EXPECT_EQ(types["txn"], "struct<appId:string,version:long,lastUpdated:long>");
  EXPECT_EQ(types["add"],
            "struct<path:string,partitionValues:map<string,string>,size:long,"
            "modificationTime:long,dataChange:boolean,stats:string,tags:map<string,string>,"
            "deletionVector:" +
                dv + ">");
  EXPECT_EQ(types["remove"],
            "struct<path:string,deletionTimestamp:long,dataChange:boolean,"
            "extendedFileMetadata:boolean,partitionValues:map<string,string>,size:long,"
            "deletionVector:" +
                dv + ">");
  EXPECT_EQ(types["metaData"],
            "struct<id:string,name:string,description:string,"
            "format:struct<provider:string,options:map<string,string>>,schemaString:string,"
            "partitionColumns:array<string>,configuration:map<string,string>,createdTime:long>");
  EXPECT_EQ(types["protocol"],
            "struct<minReaderVersion:int,minWriterVersion:int,readerFeatures:array<string>,"
            "writerFeatures:array<string>>");
  EXPECT_EQ(types["domainMetadata"], "struct<domain:string,configuration:string,removed:boolean>");
  // One action per row: protocol, metaData, 2 txns, 1 domain, 2 removes, 3 adds.
  EXPECT_EQ((*reader)->num_rows(), 10);
}

TEST(CheckpointWriterTest, CheckpointPathIsZeroPaddedVersion) {
  EXPECT_EQ(CheckpointPath("/t", 10), "/t/_delta_log/00000000000000000010.checkpoint.parquet");
}

TEST(CheckpointWriterTest, LastCheckpointNamesVersionRowCountAndAdds) {
  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  ASSERT_TRUE(fs->CreateDirs(dir.Join("_delta_log")).ok());
  ASSERT_TRUE(WriteCheckpoint(fs, dir.path(), 7, SampleContent(5)).ok());
  json::Value last = LoadJson(dir.Join("_delta_log/_last_checkpoint"));
  EXPECT_EQ(last.Find("version")->as_int(), 7);
  EXPECT_EQ(last.Find("size")->as_int(), 12);  // 2 + 2 txns + 1 domain + 2 removes + 5 adds
  EXPECT_EQ(last.Find("numOfAddFiles")->as_int(), 5);
  auto size = fs->FileSize(CheckpointPath(dir.path(), 7));
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(last.Find("sizeInBytes")->as_int(), static_cast<int64_t>(*size));
}

TEST(CheckpointWriterTest, OlderCheckpointDoesNotMoveLastCheckpointBack) {
  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  ASSERT_TRUE(fs->CreateDirs(dir.Join("_delta_log")).ok());
  ASSERT_TRUE(WriteCheckpoint(fs, dir.path(), 20, SampleContent(2)).ok());
  ASSERT_TRUE(WriteCheckpoint(fs, dir.path(), 10, SampleContent(1)).ok());
  EXPECT_EQ(LoadJson(dir.Join("_delta_log/_last_checkpoint")).Find("version")->as_int(), 20);
  auto exists = fs->Exists(CheckpointPath(dir.path(), 10));
  ASSERT_TRUE(exists.ok());
  EXPECT_TRUE(*exists);

  // Rewriting the same version is harmless and keeps the pointer.
  ASSERT_TRUE(WriteCheckpoint(fs, dir.path(), 20, SampleContent(2)).ok());
  EXPECT_EQ(LoadJson(dir.Join("_delta_log/_last_checkpoint")).Find("version")->as_int(), 20);
  ASSERT_TRUE(WriteCheckpoint(fs, dir.path(), 30, SampleContent(3)).ok());
  EXPECT_EQ(LoadJson(dir.Join("_delta_log/_last_checkpoint")).Find("version")->as_int(), 30);
}

TEST(CheckpointWriterTest, DamagedLastCheckpointIsReplaced) {
  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  ASSERT_TRUE(fs->CreateDirs(dir.Join("_delta_log")).ok());
  ASSERT_TRUE(fs->WriteFileAtomic(dir.Join("_delta_log/_last_checkpoint"), "{\"vers").ok());
  ASSERT_TRUE(WriteCheckpoint(fs, dir.path(), 4, SampleContent(1)).ok());
  EXPECT_EQ(LoadJson(dir.Join("_delta_log/_last_checkpoint")).Find("version")->as_int(), 4);
}

TEST(CheckpointWriterTest, NegativeVersionIsRefused) {
  testutil::TempDir dir;
  Status st = WriteCheckpoint(FileSystem::Default(), dir.path(), -1, SampleContent(1));
  EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue);
}

// ---- bad and unusual input ----------------------------------------------------------------

// Writes `rows` under `schema` as a Parquet file in `dir` and returns its path.
std::string WriteParquet(const testutil::TempDir& dir, const std::string& name,
                         const batch::Schema& schema, const std::vector<batch::Row>& rows) {
  auto b = batch::FromRows(schema, rows);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  std::string path = dir.Join(name);
  auto w = parquet::FileWriter::Open(path, schema);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_TRUE((*w)->Write(*b).ok());
  EXPECT_TRUE((*w)->Close().ok());
  return path;
}

batch::Value Str(const char* s) { return batch::Value(std::string(s)); }
batch::Value Long(int64_t v) { return batch::Value(v); }
batch::Value Struct(batch::Value::List fields) { return batch::Value(std::move(fields)); }

DataType S() { return DataType::Primitive(TypeId::kString); }
DataType L() { return DataType::Primitive(TypeId::kLong); }
DataType I() { return DataType::Primitive(TypeId::kInt); }

TEST(CheckpointReaderTest, MissingOptionalFieldsAndReorderedFieldsGetDefaults) {
  testutil::TempDir dir;
  batch::Schema schema;
  schema.fields = {
      {"protocol", DataType::Struct({{"minWriterVersion", I()}, {"minReaderVersion", I()}})},
      {"add", DataType::Struct({{"size", L()}, {"path", S()}})},
  };
  std::string path =
      WriteParquet(dir, "old.parquet", schema,
                   {{Struct({batch::Value(int64_t{2}), batch::Value(int64_t{1})}), batch::Value()},
                    {batch::Value(), Struct({Long(99), Str("a.parquet")})}});
  auto actions = ReadCheckpointFile(FileSystem::Default(), path);
  ASSERT_TRUE(actions.ok()) << actions.status().ToString();
  Sorted s;
  s.Take(std::move(*actions));
  ASSERT_EQ(s.protocols.size(), 1u);
  EXPECT_EQ(s.protocols[0].min_reader_version, 1);
  EXPECT_EQ(s.protocols[0].min_writer_version, 2);
  EXPECT_FALSE(s.protocols[0].reader_features.has_value());
  ASSERT_EQ(s.adds.size(), 1u);
  EXPECT_EQ(s.adds[0].path, "a.parquet");
  EXPECT_EQ(s.adds[0].size, 99);
  EXPECT_EQ(s.adds[0].modification_time, 0);
  EXPECT_TRUE(s.adds[0].data_change);
  EXPECT_TRUE(s.adds[0].partition_values.empty());
  EXPECT_FALSE(s.adds[0].stats.has_value());
}

// Reads `path` as a checkpoint, expecting kCorruption whose message names `field` and the file.
void ExpectCorruption(const std::string& path, const std::string& field) {
  auto actions = ReadCheckpointFile(FileSystem::Default(), path);
  ASSERT_FALSE(actions.ok()) << path;
  EXPECT_EQ(actions.status().code(), ErrorCode::kCorruption) << actions.status().ToString();
  EXPECT_NE(actions.status().message().find(path), std::string::npos) << actions.status().message();
  EXPECT_NE(actions.status().message().find(field), std::string::npos)
      << actions.status().message();
}

TEST(CheckpointReaderTest, AddWithNullPathIsCorruptionNamingFileAndField) {
  testutil::TempDir dir;
  batch::Schema schema;
  schema.fields = {{"add", DataType::Struct({{"path", S()}, {"size", L()}})}};
  ExpectCorruption(
      WriteParquet(dir, "nullpath.parquet", schema,
                   {{Struct({Str("a"), Long(1)})}, {Struct({batch::Value(), Long(2)})}}),
      "'add.path' is null in row 1");
}

TEST(CheckpointReaderTest, ProtocolWithoutVersionFieldIsCorruption) {
  testutil::TempDir dir;
  batch::Schema schema;
  schema.fields = {{"protocol", DataType::Struct({{"minReaderVersion", I()}})}};
  ExpectCorruption(WriteParquet(dir, "p.parquet", schema, {{Struct({batch::Value(int64_t{1})})}}),
                   "'protocol.minWriterVersion' is missing");
}

TEST(CheckpointReaderTest, DeletionVectorWithoutCardinalityIsCorruption) {
  testutil::TempDir dir;
  DataType dv =
      DataType::Struct({{"storageType", S()}, {"pathOrInlineDv", S()}, {"sizeInBytes", I()}});
  batch::Schema schema;
  schema.fields = {{"add", DataType::Struct({{"path", S()}, {"deletionVector", dv}})}};
  batch::Value dv_value = Struct({Str("u"), Str("abc"), batch::Value(int64_t{10})});
  ExpectCorruption(WriteParquet(dir, "dv.parquet", schema, {{Struct({Str("a"), dv_value})}}),
                   "'add.deletionVector.cardinality' is missing");
}

TEST(CheckpointReaderTest, FieldOfWrongTypeIsCorruption) {
  testutil::TempDir dir;
  batch::Schema schema;
  schema.fields = {{"add", DataType::Struct({{"path", L()}})}};
  ExpectCorruption(WriteParquet(dir, "t.parquet", schema, {{Struct({Long(5)})}}),
                   "'add.path' has type long");
}

TEST(CheckpointReaderTest, ParquetWithoutActionColumnsIsCorruption) {
  testutil::TempDir dir;
  batch::Schema schema;
  schema.fields = {{"id", L()}};
  ExpectCorruption(WriteParquet(dir, "data.parquet", schema, {{Long(1)}}), "not a Delta");
}

TEST(CheckpointReaderTest, TruncatedOrGarbageCheckpointIsCorruptionNotACrash) {
  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  auto real = fs->ReadFile(LogDir("inserts_deletes_checkpoint") +
                           "/00000000000000000010.checkpoint.parquet");
  ASSERT_TRUE(real.ok());
  std::vector<std::pair<std::string, std::string>> bad = {
      {"empty.parquet", ""},
      {"garbage.parquet", std::string(4096, 'x')},
      {"head.parquet", real->substr(0, real->size() / 2)},
      {"no_magic.parquet", real->substr(0, real->size() - 4)},
  };
  // Footer intact but a data page damaged.
  std::string flipped = *real;
  for (size_t i = 64; i < flipped.size() / 2; i += 97) flipped[i] = static_cast<char>(~flipped[i]);
  bad.emplace_back("flipped.parquet", flipped);
  for (const auto& [name, bytes] : bad) {
    ASSERT_TRUE(fs->WriteFileAtomic(dir.Join(name), bytes).ok());
    auto actions = ReadCheckpointFile(fs, dir.Join(name));
    ASSERT_FALSE(actions.ok()) << name;
    EXPECT_EQ(actions.status().code(), ErrorCode::kCorruption)
        << name << ": " << actions.status().ToString();
  }
}

TEST(CheckpointReaderTest, MissingFileIsNotFound) {
  auto actions = ReadCheckpointFile(FileSystem::Default(), "/nonexistent/x.checkpoint.parquet");
  ASSERT_FALSE(actions.ok());
  EXPECT_NE(actions.status().code(), ErrorCode::kCorruption);
}

TEST(CheckpointReaderTest, ReadsHundredThousandAddsQuickly) {
  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  ASSERT_TRUE(fs->CreateDirs(dir.Join("_delta_log")).ok());
  ASSERT_TRUE(WriteCheckpoint(fs, dir.path(), 1, SampleContent(100000)).ok());
  auto start = std::chrono::steady_clock::now();
  auto actions = ReadCheckpointFile(fs, CheckpointPath(dir.path(), 1));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(actions.ok()) << actions.status().ToString();
  EXPECT_EQ(actions->size(), 100007u);  // + protocol, metaData, 2 txns, 1 domain, 2 removes
  std::printf("read 100,000 adds in %.3f s\n", seconds);
#ifdef NDEBUG
  EXPECT_LT(seconds, 1.0);
#else
  EXPECT_LT(seconds, 10.0);  // unoptimized builds
#endif
}

}  // namespace
}  // namespace keel::delta
