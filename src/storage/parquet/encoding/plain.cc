#include "storage/parquet/encoding/plain.h"

#include <cstring>

namespace keel::parquet {

namespace {

Status Short(const char* what, int64_t count) {
  return Status::Corruption(std::string("PLAIN ") + what + " data ends before all " +
                            std::to_string(count) + " values");
}

template <typename V>
Status DecodeFixed(std::string_view data, int64_t count, std::vector<V>* out, size_t* consumed,
                   const char* what) {
  uint64_t need = static_cast<uint64_t>(count) * sizeof(V);
  if (need > data.size()) return Short(what, count);
  *consumed = need;
  if (need == 0) return Status::OK();  // memcpy must not see a null pointer
  size_t old = out->size();
  out->resize(old + count);
  std::memcpy(out->data() + old, data.data(), need);
  *consumed = need;
  return Status::OK();
}

}  // namespace

Status DecodePlain(Type type, int32_t type_length, std::string_view data, int64_t count,
                   PhysicalValues* out, size_t* consumed) {
  if (count < 0) return Status::Corruption("negative value count");
  switch (type) {
    case Type::kBoolean: {
      uint64_t need = (static_cast<uint64_t>(count) + 7) / 8;
      if (need > data.size()) return Short("BOOLEAN", count);
      size_t old = out->bools.size();
      out->bools.resize(old + count);
      const auto* d = reinterpret_cast<const uint8_t*>(data.data());
      for (int64_t i = 0; i < count; ++i) out->bools[old + i] = (d[i >> 3] >> (i & 7)) & 1;
      *consumed = need;
      return Status::OK();
    }
    case Type::kInt32:
      return DecodeFixed(data, count, &out->i32, consumed, "INT32");
    case Type::kInt64:
      return DecodeFixed(data, count, &out->i64, consumed, "INT64");
    case Type::kFloat:
      return DecodeFixed(data, count, &out->f32, consumed, "FLOAT");
    case Type::kDouble:
      return DecodeFixed(data, count, &out->f64, consumed, "DOUBLE");
    case Type::kInt96:
    case Type::kFixedLenByteArray: {
      uint64_t width = type == Type::kInt96 ? 12 : static_cast<uint64_t>(type_length);
      uint64_t need = static_cast<uint64_t>(count) * width;
      if (need > data.size()) return Short("fixed-length", count);
      out->bytes.append(data.data(), need);
      int64_t base = out->offsets.back();
      out->offsets.reserve(out->offsets.size() + count);
      for (int64_t i = 1; i <= count; ++i) out->offsets.push_back(base + i * width);
      *consumed = need;
      return Status::OK();
    }
    case Type::kByteArray: {
      // Values never exceed the page, so size the byte buffer once and copy in place.
      size_t pos = 0;
      const size_t base = out->bytes.size();
      out->bytes.resize(base + data.size());
      char* dst = out->bytes.data() + base;
      size_t written = 0;
      out->offsets.reserve(out->offsets.size() + count);
      for (int64_t i = 0; i < count; ++i) {
        if (data.size() - pos < 4) {
          out->bytes.resize(base + written);
          return Short("BYTE_ARRAY", count);
        }
        uint32_t len;
        std::memcpy(&len, data.data() + pos, 4);
        pos += 4;
        if (len > data.size() - pos) {
          out->bytes.resize(base + written);
          return Status::Corruption("PLAIN BYTE_ARRAY length " + std::to_string(len) +
                                    " runs past the end of the page");
        }
        if (len) std::memcpy(dst + written, data.data() + pos, len);
        written += len;
        pos += len;
        out->offsets.push_back(static_cast<int64_t>(base + written));
      }
      out->bytes.resize(base + written);
      *consumed = pos;
      return Status::OK();
    }
  }
  return Status::Corruption("unknown physical type " + std::to_string(static_cast<int>(type)));
}

namespace {

template <typename V>
void AppendRaw(const std::vector<V>& v, int64_t begin, int64_t end, std::string* out) {
  if (end <= begin) return;
  out->append(reinterpret_cast<const char*>(v.data() + begin), (end - begin) * sizeof(V));
}

}  // namespace

void EncodePlain(Type type, const PhysicalValues& values, int64_t begin, int64_t end,
                 std::string* out) {
  switch (type) {
    case Type::kBoolean: {
      uint8_t acc = 0;
      int bits = 0;
      for (int64_t i = begin; i < end; ++i) {
        acc |= (values.bools[i] & 1) << bits;
        if (++bits == 8) {
          out->push_back(static_cast<char>(acc));
          acc = 0;
          bits = 0;
        }
      }
      if (bits) out->push_back(static_cast<char>(acc));
      return;
    }
    case Type::kInt32:
      AppendRaw(values.i32, begin, end, out);
      return;
    case Type::kInt64:
      AppendRaw(values.i64, begin, end, out);
      return;
    case Type::kFloat:
      AppendRaw(values.f32, begin, end, out);
      return;
    case Type::kDouble:
      AppendRaw(values.f64, begin, end, out);
      return;
    case Type::kInt96:
    case Type::kFixedLenByteArray:
      out->append(values.bytes, values.offsets[begin], values.offsets[end] - values.offsets[begin]);
      return;
    case Type::kByteArray:
      if (end > begin) {
        out->reserve(out->size() + 4 * (end - begin) + values.offsets[end] - values.offsets[begin]);
      }
      for (int64_t i = begin; i < end; ++i) {
        std::string_view v = values.ByteArrayAt(i);
        uint32_t len = static_cast<uint32_t>(v.size());
        out->append(reinterpret_cast<const char*>(&len), 4);
        out->append(v);
      }
      return;
  }
}

}  // namespace keel::parquet
