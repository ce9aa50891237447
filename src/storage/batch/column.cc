#include "storage/batch/column.h"

namespace keel::batch {

Column Column::Make(const DataType& type) {
  Column c;
  c.type = type;
  switch (type.id) {
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kArray:
    case TypeId::kMap:
      c.offsets.push_back(0);
      break;
    default:
      break;
  }
  for (const Field& f : type.children) c.children.push_back(Make(f.type));
  return c;
}

int64_t Column::null_count() const {
  if (validity.empty()) return 0;
  int64_t n = 0;
  for (uint8_t v : validity) n += v == 0;
  return n;
}

void Column::MarkAppendedValid() {
  if (!validity.empty()) validity.push_back(1);
  ++length;
}

void Column::AppendNull() {
  if (validity.empty()) validity.assign(length, 1);
  validity.push_back(0);
  switch (type.id) {
    case TypeId::kBoolean:
      bools.push_back(0);
      break;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kDate:
      i32.push_back(0);
      break;
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      i64.push_back(0);
      break;
    case TypeId::kFloat:
      f32.push_back(0);
      break;
    case TypeId::kDouble:
      f64.push_back(0);
      break;
    case TypeId::kDecimal:
      dec.push_back(0);
      break;
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kArray:
    case TypeId::kMap:
      offsets.push_back(offsets.back());
      break;
    case TypeId::kStruct:
      for (Column& c : children) c.AppendNull();
      break;
  }
  ++length;
}

namespace {

Status Broken(const Column& c, const std::string& what) {
  return Status::Internal("column of type " + c.type.ToString() + ": " + what);
}

template <typename V>
bool SizeIs(const V& v, int64_t n) {
  return static_cast<int64_t>(v.size()) == n;
}

Status CheckOffsets(const Column& c, int64_t end) {
  if (!SizeIs(c.offsets, c.length + 1)) return Broken(c, "offsets size != length + 1");
  if (c.offsets[0] < 0) return Broken(c, "negative first offset");
  for (int64_t i = 0; i < c.length; ++i) {
    if (c.offsets[i] > c.offsets[i + 1]) return Broken(c, "decreasing offsets");
  }
  if (c.offsets[c.length] > end) return Broken(c, "offsets past the end of the data");
  return Status::OK();
}

}  // namespace

Status Column::Validate() const {
  if (!validity.empty() && !SizeIs(validity, length)) return Broken(*this, "validity size");
  switch (type.id) {
    case TypeId::kBoolean:
      return SizeIs(bools, length) ? Status::OK() : Broken(*this, "bools size");
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kDate:
      return SizeIs(i32, length) ? Status::OK() : Broken(*this, "i32 size");
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return SizeIs(i64, length) ? Status::OK() : Broken(*this, "i64 size");
    case TypeId::kFloat:
      return SizeIs(f32, length) ? Status::OK() : Broken(*this, "f32 size");
    case TypeId::kDouble:
      return SizeIs(f64, length) ? Status::OK() : Broken(*this, "f64 size");
    case TypeId::kDecimal:
      return SizeIs(dec, length) ? Status::OK() : Broken(*this, "dec size");
    case TypeId::kString:
    case TypeId::kBinary:
      return CheckOffsets(*this, static_cast<int64_t>(bytes.size()));
    case TypeId::kStruct:
      if (children.size() != type.children.size()) return Broken(*this, "child count");
      for (const Column& c : children) {
        if (c.length != length) return Broken(*this, "child length != struct length");
        KEEL_RETURN_IF_ERROR(c.Validate());
      }
      return Status::OK();
    case TypeId::kArray:
    case TypeId::kMap: {
      size_t want = type.id == TypeId::kArray ? 1 : 2;
      if (children.size() != want) return Broken(*this, "child count");
      KEEL_RETURN_IF_ERROR(CheckOffsets(*this, children[0].length));
      for (const Column& c : children) {
        if (c.length != children[0].length) return Broken(*this, "map keys/values lengths");
        KEEL_RETURN_IF_ERROR(c.Validate());
      }
      return Status::OK();
    }
  }
  return Status::OK();
}

}  // namespace keel::batch
