#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/fs/file_system.h"
#include "common/result.h"
#include "storage/batch/record_batch.h"
#include "storage/parquet/format.h"
#include "storage/parquet/schema.h"

namespace keel::parquet {

// Settings of the writer, with the defaults Spark users expect.
struct WriterOptions {
  // Page compression: SNAPPY (default, like Spark), ZSTD, GZIP, LZ4_RAW or UNCOMPRESSED.
  Codec codec = Codec::kSnappy;
  // Rows per row group (default 1,048,576). Each Write() call also ends a row group.
  int64_t row_group_rows = int64_t{1} << 20;
  // Target uncompressed bytes of a data page (default 1 MiB).
  int64_t page_bytes = int64_t{1} << 20;
  // Dictionary-encode columns (default on); a chunk whose dictionary would pass
  // dictionary_page_bytes (default 1 MiB) is written PLAIN instead.
  bool dictionary = true;
  int64_t dictionary_page_bytes = int64_t{1} << 20;
  // Write min/max/null_count statistics (default on).
  bool statistics = true;
  // FileMetaData.created_by.
  std::string created_by = "keel version " KEEL_VERSION;
  // Extra FileMetaData key_value_metadata.
  std::vector<KeyValue> key_value_metadata;
};

// Writes record batches of one schema into a Parquet file: the front door of the writer.
//
// The file is written to a temporary name beside `path` and renamed into place by Close(), so
// readers never see a partial file. Write() splits each batch into row groups of at most
// options.row_group_rows rows. Errors: kInvalidParameterValue for a batch that does not match
// the schema (or a null in a non-nullable field), kIOError from the file system. After an
// error the writer is unusable and Close() removes the temporary file.
//
// Not thread-safe.
class FileWriter {
 public:
  static Result<std::unique_ptr<FileWriter>> Open(const std::string& path,
                                                  const batch::Schema& schema,
                                                  const WriterOptions& options = {},
                                                  FileSystem* fs = FileSystem::Default());
  ~FileWriter();

  Status Write(const batch::RecordBatch& batch);
  // Writes the footer, syncs and renames the file into place.
  Status Close();

  // Writes `batch` as a whole Parquet file into memory (for tests and small payloads).
  static Result<std::string> WriteToBuffer(const batch::RecordBatch& batch,
                                           const WriterOptions& options = {});

 private:
  FileWriter() = default;
  Status Init(const batch::Schema& schema, const WriterOptions& options);
  Status WriteRowGroup(const batch::RecordBatch& batch, int64_t begin, int64_t end);
  Status Emit(const std::string& bytes);
  std::string Footer() const;

  std::string path_;
  std::string temp_path_;
  FileSystem* fs_ = nullptr;
  std::unique_ptr<WritableFile> file_;  // null when writing to buffer_
  std::string buffer_;
  uint64_t offset_ = 0;
  WriterOptions options_;
  batch::Schema schema_;
  std::unique_ptr<FileMetaData> metadata_;  // schema_ elements live here
  ParquetSchema parquet_schema_;
  bool failed_ = false;
  bool closed_ = false;
};

}  // namespace keel::parquet
