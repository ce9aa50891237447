#include "storage/delta/data_writer.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/random.h"
#include "storage/batch/column_ops.h"
#include "storage/delta/file_stats.h"
#include "storage/delta/partition_values.h"

namespace keel::delta {

std::string NewUuid() {
  std::string hex = NewId();
  hex[12] = '4';                                   // version 4: random
  hex[16] = "89ab"[(hex[16] - '0') & 3];           // RFC 4122 variant
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

namespace {

std::string CodecSuffix(parquet::Codec codec) {
  switch (codec) {
    case parquet::Codec::kSnappy:
      return ".snappy";
    case parquet::Codec::kZstd:
      return ".zstd";
    case parquet::Codec::kGzip:
      return ".gz";
    case parquet::Codec::kLz4Raw:
      return ".lz4raw";
    default:
      return "";
  }
}

// One group of rows sharing partition values.
struct PartitionGroup {
  PartitionValues values;
  std::string directory;  // "a=1/b=x" or ""
  std::vector<int64_t> rows;
};

}  // namespace

Result<std::vector<AddFile>> WriteDataFiles(FileSystem* fs, const std::string& table_root,
                                            const std::vector<std::string>& partition_columns,
                                            const batch::RecordBatch& batch, int64_t now_ms,
                                            const DataWriteOptions& options) {
  std::vector<int> part_idx;
  for (const std::string& p : partition_columns) {
    auto idx = batch.schema.FieldIndex(p);
    if (!idx) return Status::InvalidArgument("partition column '" + p + "' is not in the data");
    part_idx.push_back(static_cast<int>(*idx));
  }
  // Data columns: everything but the partition columns.
  batch::Schema data_schema;
  std::vector<int> data_idx;
  for (size_t i = 0; i < batch.schema.fields.size(); ++i) {
    if (std::find(part_idx.begin(), part_idx.end(), static_cast<int>(i)) != part_idx.end()) {
      continue;
    }
    data_idx.push_back(static_cast<int>(i));
    data_schema.fields.push_back(batch.schema.fields[i]);
  }

  std::vector<PartitionGroup> groups;
  if (part_idx.empty()) {
    PartitionGroup g;
    g.rows.reserve(batch.num_rows);
    for (int64_t r = 0; r < batch.num_rows; ++r) g.rows.push_back(r);
    groups.push_back(std::move(g));
  } else {
    std::map<std::string, size_t> by_dir;
    for (int64_t r = 0; r < batch.num_rows; ++r) {
      std::string dir;
      PartitionValues values;
      for (size_t k = 0; k < part_idx.size(); ++k) {
        KEEL_ASSIGN_OR_RETURN(auto v, FormatPartitionValue(batch.columns[part_idx[k]], r));
        if (!dir.empty()) dir.push_back('/');
        dir += PartitionDirectory(partition_columns[k], v);
        values[partition_columns[k]] = std::move(v);
      }
      auto [it, inserted] = by_dir.emplace(dir, groups.size());
      if (inserted) {
        groups.push_back(PartitionGroup{std::move(values), dir, {}});
      }
      groups[it->second].rows.push_back(r);
    }
  }

  batch::RecordBatch data;
  data.schema = data_schema;
  data.num_rows = batch.num_rows;
  for (int i : data_idx) data.columns.push_back(batch.columns[i]);

  std::vector<AddFile> adds;
  int file_no = 0;
  for (const PartitionGroup& g : groups) {
    const int64_t n = static_cast<int64_t>(g.rows.size());
    for (int64_t begin = 0; begin < n; begin += options.max_rows_per_file) {
      int64_t count = std::min(options.max_rows_per_file, n - begin);
      batch::RecordBatch chunk;
      if (part_idx.empty() && begin == 0 && count == data.num_rows) {
        chunk = data;  // the common unpartitioned case: no copy through Take
      } else {
        std::vector<int64_t> rows(g.rows.begin() + begin, g.rows.begin() + begin + count);
        chunk = batch::Take(data, rows);
      }
      char name[64];
      std::snprintf(name, sizeof(name), "part-%05d-", file_no++);
      std::string file_name = std::string(name) + NewUuid() + ".c000" +
                              CodecSuffix(options.parquet.codec) + ".parquet";
      std::string rel = g.directory.empty() ? file_name : g.directory + "/" + file_name;
      std::string full = JoinPath(table_root, rel);
      if (!g.directory.empty()) KEEL_RETURN_IF_ERROR(fs->CreateDirs(JoinPath(table_root, g.directory)));
      KEEL_ASSIGN_OR_RETURN(auto writer,
                            parquet::FileWriter::Open(full, data_schema, options.parquet, fs));
      KEEL_RETURN_IF_ERROR(writer->Write(chunk));
      KEEL_RETURN_IF_ERROR(writer->Close());
      KEEL_ASSIGN_OR_RETURN(uint64_t size, fs->FileSize(full));
      AddFile add;
      add.path = EncodePath(rel);
      add.partition_values = g.values;
      add.size = static_cast<int64_t>(size);
      add.modification_time = now_ms;
      add.data_change = true;
      add.stats = ComputeFileStatsJson(chunk);
      adds.push_back(std::move(add));
    }
  }
  return adds;
}

}  // namespace keel::delta
