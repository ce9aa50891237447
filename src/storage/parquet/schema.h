#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/batch/data_type.h"
#include "storage/parquet/format.h"

namespace keel::parquet {

// How a leaf's physical values become batch values.
enum class LeafConversion {
  kBoolean,
  kInt32,         // int, byte, short, date, UINT_8/16: copy
  kUint32ToLong,  // UINT_32
  kInt64,         // long, timestamp micros: copy
  kInt64Millis,   // timestamp millis -> micros
  kInt64Nanos,    // timestamp nanos -> micros (floor)
  kUint64ToDecimal,
  kInt96,  // Impala/Spark nanos-of-day + Julian day -> micros
  kFloat,
  kDouble,
  kFloat16,  // FIXED_LEN_BYTE_ARRAY(2) -> float
  kBytes,    // BYTE_ARRAY / FLBA -> string or binary
  kInt32Decimal,
  kInt64Decimal,
  kBytesDecimal,  // big-endian two's complement, 1..16 bytes
};

// One leaf (primitive) column of the file.
struct LeafDescriptor {
  std::vector<std::string> path;  // names from the top-level field down
  Type physical = Type::kInt32;
  int32_t type_length = 0;
  int16_t max_def = 0;
  int16_t max_rep = 0;
  batch::DataType type;  // the batch type of one value
  LeafConversion conversion = LeafConversion::kInt32;
  const SchemaElement* element = nullptr;  // points into the FileMetaData's schema
};

// The schema as a tree with the Dremel levels each node needs for record assembly.
struct SchemaNode {
  enum class Kind { kLeaf, kStruct, kList, kMap };
  Kind kind = Kind::kLeaf;
  std::string name;
  batch::DataType type;
  bool nullable = true;
  int16_t def_level = 0;             // def >= def_level <=> this node is present (not null)
  int16_t element_def_level = 0;     // kList/kMap: def >= this <=> an element exists
  int16_t element_rep_level = 0;     // kList/kMap: rep level of the repeated field
  int leaf_index = -1;               // kLeaf
  int first_leaf = -1;               // first leaf in this subtree
  std::vector<SchemaNode> children;  // struct fields; list [element]; map [key, value]
};

// Deepest schema nesting accepted (groups within groups).
inline constexpr int kMaxSchemaDepth = 64;

// The file schema, resolved. Built from FileMetaData.schema (depth-first, with num_children);
// legacy list and map shapes follow the Parquet backward-compatibility rules. A malformed
// element list (bad counts, unknown physical type, invalid annotations) is kCorruption.
class ParquetSchema {
 public:
  static Result<ParquetSchema> Make(const std::vector<SchemaElement>& elements);

  const std::vector<SchemaNode>& fields() const { return fields_; }
  const std::vector<LeafDescriptor>& leaves() const { return leaves_; }
  const batch::Schema& batch_schema() const { return batch_schema_; }

 private:
  std::vector<SchemaNode> fields_;
  std::vector<LeafDescriptor> leaves_;
  batch::Schema batch_schema_;
};

}  // namespace keel::parquet
