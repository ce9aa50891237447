#include "storage/batch/column_ops.h"

#include <algorithm>

namespace keel::batch {
namespace {

template <typename V>
void AppendSlice(const std::vector<V>& src, int64_t offset, int64_t count, std::vector<V>* dst) {
  dst->insert(dst->end(), src.begin() + offset, src.begin() + offset + count);
}

// Appends offsets [offset, offset+count] of src rebased onto dst's last offset; returns the
// child range [begin, end) that those values cover.
std::pair<int64_t, int64_t> AppendOffsets(const Column& src, int64_t offset, int64_t count,
                                          Column* dst) {
  int64_t begin = src.offsets[offset];
  int64_t end = src.offsets[offset + count];
  int64_t base = dst->offsets.back() - begin;
  // No reserve(size + count) here: called once per file, exact reserves would defeat the
  // vector's geometric growth and make repeated appends quadratic.
  for (int64_t i = 1; i <= count; ++i) dst->offsets.push_back(src.offsets[offset + i] + base);
  return {begin, end};
}

}  // namespace

void AppendRange(const Column& src, int64_t offset, int64_t count, Column* dst) {
  if (count <= 0) return;
  // Validity: materialise on either side only when a null is involved.
  if (!src.validity.empty()) {
    if (dst->validity.empty()) dst->validity.assign(dst->length, 1);
    AppendSlice(src.validity, offset, count, &dst->validity);
  } else if (!dst->validity.empty()) {
    dst->validity.insert(dst->validity.end(), count, 1);
  }
  switch (src.type.id) {
    case TypeId::kBoolean:
      AppendSlice(src.bools, offset, count, &dst->bools);
      break;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kDate:
      AppendSlice(src.i32, offset, count, &dst->i32);
      break;
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      AppendSlice(src.i64, offset, count, &dst->i64);
      break;
    case TypeId::kFloat:
      AppendSlice(src.f32, offset, count, &dst->f32);
      break;
    case TypeId::kDouble:
      AppendSlice(src.f64, offset, count, &dst->f64);
      break;
    case TypeId::kDecimal:
      AppendSlice(src.dec, offset, count, &dst->dec);
      break;
    case TypeId::kString:
    case TypeId::kBinary: {
      auto [begin, end] = AppendOffsets(src, offset, count, dst);
      dst->bytes.append(src.bytes, begin, end - begin);
      break;
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      auto [begin, end] = AppendOffsets(src, offset, count, dst);
      for (size_t c = 0; c < src.children.size(); ++c) {
        AppendRange(src.children[c], begin, end - begin, &dst->children[c]);
      }
      break;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < src.children.size(); ++c) {
        AppendRange(src.children[c], offset, count, &dst->children[c]);
      }
      break;
  }
  dst->length += count;
}

Column Filter(const Column& src, const std::vector<uint8_t>& keep) {
  Column out = Column::Make(src.type);
  int64_t i = 0;
  const int64_t n = src.length;
  while (i < n) {
    while (i < n && keep[i] == 0) ++i;
    int64_t start = i;
    while (i < n && keep[i] != 0) ++i;
    AppendRange(src, start, i - start, &out);
  }
  return out;
}

RecordBatch Filter(const RecordBatch& src, const std::vector<uint8_t>& keep) {
  RecordBatch out;
  out.schema = src.schema;
  for (const Column& c : src.columns) out.columns.push_back(Filter(c, keep));
  int64_t rows = 0;
  for (int64_t i = 0; i < src.num_rows; ++i) rows += keep[i] != 0;
  out.num_rows = rows;
  return out;
}

Column Take(const Column& src, const std::vector<int64_t>& rows) {
  Column out = Column::Make(src.type);
  size_t i = 0;
  while (i < rows.size()) {  // copy runs of consecutive indices at once
    size_t j = i + 1;
    while (j < rows.size() && rows[j] == rows[j - 1] + 1) ++j;
    AppendRange(src, rows[i], static_cast<int64_t>(j - i), &out);
    i = j;
  }
  return out;
}

RecordBatch Take(const RecordBatch& src, const std::vector<int64_t>& rows) {
  RecordBatch out;
  out.schema = src.schema;
  for (const Column& c : src.columns) out.columns.push_back(Take(c, rows));
  out.num_rows = static_cast<int64_t>(rows.size());
  return out;
}

RecordBatch Slice(const RecordBatch& src, int64_t offset, int64_t count) {
  RecordBatch out = RecordBatch::Make(src.schema);
  for (size_t c = 0; c < src.columns.size(); ++c) {
    AppendRange(src.columns[c], offset, count, &out.columns[c]);
  }
  out.num_rows = count;
  return out;
}

Result<Column> MakeConstant(const DataType& type, const Value& value, int64_t length) {
  Column one = Column::Make(type);
  KEEL_RETURN_IF_ERROR(AppendValue(value, &one));
  Column out = Column::Make(type);
  if (value.is_null()) {
    for (int64_t i = 0; i < length; ++i) out.AppendNull();
    return out;
  }
  // Doubling keeps this O(length) for every type (the source is a copy: vectors may not
  // append ranges of themselves).
  Column chunk = std::move(one);
  while (out.length < length) {
    AppendRange(chunk, 0, std::min(chunk.length, length - out.length), &out);
    if (out.length < length) chunk = out;
  }
  return out;
}

void AppendBatch(const RecordBatch& src, RecordBatch* dst) {
  for (size_t c = 0; c < src.columns.size(); ++c) {
    AppendRange(src.columns[c], 0, src.num_rows, &dst->columns[c]);
  }
  dst->num_rows += src.num_rows;
}

}  // namespace keel::batch
