#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace keel::parquet {

// Thrift compact-protocol type ids (the low nibble of a field header).
enum class ThriftType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

// Nesting deeper than this is refused (Parquet metadata nests about 6 levels).
inline constexpr int kMaxThriftDepth = 32;
// Longest string or binary field (statistics, key-value metadata, names).
inline constexpr size_t kMaxThriftStringBytes = 64 * 1024 * 1024;

// Decodes Thrift compact-protocol bytes (only what Parquet metadata uses). Every read checks
// the remaining bytes first, so a truncated or hostile buffer gives kCorruption naming the byte
// offset (`base_offset` + position), never an out-of-bounds read. Lists are refused when their
// declared size exceeds the bytes left, which bounds every allocation by the input size.
// Not thread-safe; the buffer must outlive the reader.
class ThriftReader {
 public:
  ThriftReader(std::string_view data, uint64_t base_offset)
      : data_(data), base_offset_(base_offset) {}

  // Reads one struct: calls `on_field(field_id, type)` for each field until STOP. The callback
  // must consume the field's value (with a Read* call or Skip(type)).
  template <typename OnField>
  Status ReadStruct(OnField&& on_field) {
    if (++depth_ > kMaxThriftDepth) return Error("structs nested too deeply");
    int16_t last_id = 0;
    while (true) {
      uint8_t header = 0;
      KEEL_RETURN_IF_ERROR(ReadByte(&header));
      ThriftType type = static_cast<ThriftType>(header & 0x0f);
      if (type == ThriftType::kStop) break;
      int16_t delta = header >> 4;
      int16_t id;
      if (delta != 0) {
        id = static_cast<int16_t>(last_id + delta);
      } else {
        int64_t raw;
        KEEL_RETURN_IF_ERROR(ReadZigZag(&raw));
        id = static_cast<int16_t>(raw);
      }
      last_id = id;
      current_field_type_ = type;
      KEEL_RETURN_IF_ERROR(on_field(id, type));
    }
    --depth_;
    return Status::OK();
  }

  // Field readers: each checks that `type` matches what it reads.
  Status ReadBool(ThriftType type, bool* out);
  Status ReadI32(ThriftType type, int32_t* out);
  Status ReadI64(ThriftType type, int64_t* out);
  Status ReadDouble(ThriftType type, double* out);
  Status ReadBinary(ThriftType type, std::string* out);
  // A list header: element type and size (size checked against the bytes left).
  Status ReadListHeader(ThriftType type, ThriftType* element_type, int32_t* size);
  // List element readers (elements have no field header).
  Status ReadI32Element(ThriftType element_type, int32_t* out) {
    return ReadI32(element_type, out);
  }
  Status ReadBinaryElement(ThriftType element_type, std::string* out) {
    return ReadBinary(element_type, out);
  }
  // Skips a value of `type` (recursively for containers).
  Status Skip(ThriftType type);

  size_t position() const { return pos_; }
  // kCorruption "<what> at byte offset N".
  Status Error(std::string_view what) const;

 private:
  Status ReadByte(uint8_t* out);
  Status ReadVarint(uint64_t* out);
  Status ReadZigZag(int64_t* out);
  Status Expect(ThriftType got, ThriftType want) const;

  std::string_view data_;
  uint64_t base_offset_;
  size_t pos_ = 0;
  int depth_ = 0;
  ThriftType current_field_type_ = ThriftType::kStop;
};

// Encodes Thrift compact protocol into a string. Callers write fields in increasing id order.
class ThriftWriter {
 public:
  explicit ThriftWriter(std::string* out) : out_(out) {}

  void BeginStruct() { last_ids_.push_back(0); }
  void EndStruct();  // writes STOP
  void FieldBool(int16_t id, bool v);
  void FieldI8(int16_t id, int8_t v);
  void FieldI32(int16_t id, int32_t v);
  void FieldI64(int16_t id, int64_t v);
  void FieldBinary(int16_t id, std::string_view v);
  // Begins a struct-valued field; follow with the fields and EndStruct().
  void FieldStructBegin(int16_t id);
  void FieldListBegin(int16_t id, ThriftType element_type, int32_t size);
  // List elements.
  void ElementI32(int32_t v);
  void ElementBinary(std::string_view v);

 private:
  void FieldHeader(int16_t id, ThriftType type);
  void Varint(uint64_t v);
  void ZigZag(int64_t v) {
    Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }

  std::string* out_;
  std::vector<int16_t> last_ids_;
};

}  // namespace keel::parquet
