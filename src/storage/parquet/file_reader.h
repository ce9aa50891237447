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

// Largest footer (FileMetaData) accepted.
inline constexpr uint32_t kMaxFooterBytes = 256u * 1024 * 1024;

// Settings of the reader.
struct ReaderOptions {
  // Check the CRC-32 of every page whose header has one (default off, like parquet-mr and
  // Arrow: it costs a pass over the bytes). A mismatch is kCorruption.
  bool verify_page_checksums = false;
};

// Reads a Parquet file into record batches: the front door of the reader.
//
// Open() reads and checks the footer; reading a row group decodes only the projected
// top-level fields. Every error about the file's content is kCorruption with a message naming
// the file and the byte offset; features the reader does not have (encryption, LZO, BROTLI)
// are kNotImplemented. Bad input never crashes the process or allocates beyond the limits in
// column_reader.h and compression/codec.h.
//
// Thread-safety: const methods may be called concurrently.
class FileReader {
 public:
  // Opens `path` through `fs`.
  static Result<std::unique_ptr<FileReader>> Open(const std::string& path,
                                                  FileSystem* fs = FileSystem::Default(),
                                                  const ReaderOptions& options = {});
  // Reads a file held in memory; `name` is used in messages.
  static Result<std::unique_ptr<FileReader>> OpenBuffer(std::string data, std::string name,
                                                        const ReaderOptions& options = {});

  const FileMetaData& metadata() const { return *metadata_; }
  const ParquetSchema& parquet_schema() const { return schema_; }
  const batch::Schema& schema() const { return schema_.batch_schema(); }
  int num_row_groups() const { return static_cast<int>(metadata_->row_groups.size()); }
  // Sum of the row groups' num_rows (FileMetaData.num_rows is wrong in some files).
  int64_t num_rows() const;
  const std::string& path() const { return path_; }

  // Indices of the named top-level fields, in the order given. An unknown name is
  // kInvalidParameterValue listing the columns that exist.
  Result<std::vector<int>> ResolveColumns(const std::vector<std::string>& names) const;

  // Reads row group `index`; `columns` are top-level field indices (empty: all fields). The
  // batch schema holds only the projected fields, in the order given.
  Result<batch::RecordBatch> ReadRowGroup(int index, const std::vector<int>& columns = {}) const;
  // Reads every row group into one batch.
  Result<batch::RecordBatch> ReadAll(const std::vector<int>& columns = {}) const;
  // Reads the given row groups (valid indices, in order) into one batch.
  Result<batch::RecordBatch> ReadRowGroups(const std::vector<int>& groups,
                                           const std::vector<int>& columns = {}) const;

 private:
  FileReader() = default;
  static Result<std::unique_ptr<FileReader>> Init(std::unique_ptr<RandomAccessFile> file,
                                                  std::string path, const ReaderOptions& options);
  Status Annotate(const Status& s) const;

  std::string path_;
  ReaderOptions options_;
  std::unique_ptr<RandomAccessFile> file_;
  std::unique_ptr<FileMetaData> metadata_;  // stable address: schema_ points into it
  ParquetSchema schema_;
};

}  // namespace keel::parquet
