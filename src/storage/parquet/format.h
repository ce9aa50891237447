#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Keel's own mirror of the parts of parquet.thrift that the reader and writer use. Thrift never
// appears in a public header (Arrow's rule); metadata.cc converts between these structs and the
// compact-protocol bytes. Enum values are the wire values. Fields the spec marks optional are
// std::optional when absence matters, else zero.
namespace keel::parquet {

enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,  // deprecated: Hadoop-framed (or, from old parquet-cpp, raw) LZ4 blocks
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

enum class TimeUnit { kMillis, kMicros, kNanos };

// The LogicalType union (parquet.thrift), flattened.
struct LogicalType {
  enum class Kind {
    kNone,  // absent
    kString,
    kMap,
    kList,
    kEnum,
    kDecimal,
    kDate,
    kTime,
    kTimestamp,
    kInteger,
    kUnknown,  // the NullType
    kJson,
    kBson,
    kUuid,
    kFloat16,
    kUnsupported,  // a union member this reader does not know; treated as absent
  };
  Kind kind = Kind::kNone;
  int32_t scale = 0;             // kDecimal
  int32_t precision = 0;         // kDecimal
  bool adjusted_to_utc = false;  // kTime, kTimestamp
  TimeUnit unit = TimeUnit::kMillis;
  int32_t bit_width = 0;  // kInteger
  bool is_signed = true;  // kInteger
};

struct SchemaElement {
  std::optional<int32_t> type;  // raw Type; absent for groups
  int32_t type_length = 0;
  std::optional<int32_t> repetition;  // raw Repetition; absent only for the root
  std::string name;
  int32_t num_children = 0;
  std::optional<int32_t> converted_type;  // raw ConvertedType
  int32_t scale = 0;
  int32_t precision = 0;
  std::optional<int32_t> field_id;
  LogicalType logical_type;
};

struct Statistics {
  std::optional<std::string> max;  // legacy (signed order), field 1
  std::optional<std::string> min;  // legacy, field 2
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct ColumnMetaData {
  int32_t type = 0;  // raw Type
  std::vector<int32_t> encodings;
  std::vector<std::string> path_in_schema;
  int32_t codec = 0;  // raw Codec
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  std::vector<KeyValue> key_value_metadata;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  bool has_crypto_metadata = false;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
};

struct FileMetaData {
  int32_t version = 0;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  // One entry per leaf column when present; true = TYPE_DEFINED_ORDER.
  std::vector<bool> column_orders;
  bool has_encryption_algorithm = false;
};

struct DataPageHeader {
  int32_t num_values = 0;
  int32_t encoding = 0;
  int32_t definition_level_encoding = 0;
  int32_t repetition_level_encoding = 0;
  std::optional<Statistics> statistics;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  int32_t encoding = 0;
  bool is_sorted = false;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t encoding = 0;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
  std::optional<Statistics> statistics;
};

struct PageHeader {
  int32_t type = 0;  // raw PageType
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;
};

// Wire names for messages and the CLI ("INT32", "RLE_DICTIONARY", "SNAPPY", ...).
const char* TypeName(int32_t type);
const char* EncodingName(int32_t encoding);
const char* CodecName(int32_t codec);
const char* ConvertedTypeName(int32_t converted_type);
const char* RepetitionName(int32_t repetition);

}  // namespace keel::parquet
