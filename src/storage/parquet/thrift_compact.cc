#include "storage/parquet/thrift_compact.h"

#include <cstring>

namespace keel::parquet {

Status ThriftReader::Error(std::string_view what) const {
  return Status::Corruption("invalid Thrift metadata: " + std::string(what) + " at byte offset " +
                            std::to_string(base_offset_ + pos_));
}

Status ThriftReader::ReadByte(uint8_t* out) {
  if (pos_ >= data_.size()) return Error("unexpected end of metadata");
  *out = static_cast<uint8_t>(data_[pos_++]);
  return Status::OK();
}

Status ThriftReader::ReadVarint(uint64_t* out) {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    uint8_t b = 0;
    KEEL_RETURN_IF_ERROR(ReadByte(&b));
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = result;
      return Status::OK();
    }
  }
  return Error("varint longer than 10 bytes");
}

Status ThriftReader::ReadZigZag(int64_t* out) {
  uint64_t v;
  KEEL_RETURN_IF_ERROR(ReadVarint(&v));
  *out = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  return Status::OK();
}

Status ThriftReader::Expect(ThriftType got, ThriftType want) const {
  if (got == want) return Status::OK();
  return Error("field has Thrift type " + std::to_string(static_cast<int>(got)) + ", expected " +
               std::to_string(static_cast<int>(want)));
}

Status ThriftReader::ReadBool(ThriftType type, bool* out) {
  if (type == ThriftType::kBoolTrue || type == ThriftType::kBoolFalse) {
    // As a struct field the value is the type nibble; as a list element it is one byte.
    if (current_field_type_ == type && type != ThriftType::kStop) {
      *out = type == ThriftType::kBoolTrue;
      return Status::OK();
    }
  }
  return Error("expected a boolean");
}

Status ThriftReader::ReadI32(ThriftType type, int32_t* out) {
  if (type != ThriftType::kI32 && type != ThriftType::kI16 && type != ThriftType::kByte) {
    return Expect(type, ThriftType::kI32);
  }
  if (type == ThriftType::kByte) {
    uint8_t b = 0;
    KEEL_RETURN_IF_ERROR(ReadByte(&b));
    *out = static_cast<int8_t>(b);
    return Status::OK();
  }
  int64_t v;
  KEEL_RETURN_IF_ERROR(ReadZigZag(&v));
  if (v < INT32_MIN || v > INT32_MAX) return Error("i32 out of range");
  *out = static_cast<int32_t>(v);
  return Status::OK();
}

Status ThriftReader::ReadI64(ThriftType type, int64_t* out) {
  if (type == ThriftType::kI32 || type == ThriftType::kI16 || type == ThriftType::kByte) {
    int32_t v;
    KEEL_RETURN_IF_ERROR(ReadI32(type, &v));
    *out = v;
    return Status::OK();
  }
  KEEL_RETURN_IF_ERROR(Expect(type, ThriftType::kI64));
  return ReadZigZag(out);
}

Status ThriftReader::ReadDouble(ThriftType type, double* out) {
  KEEL_RETURN_IF_ERROR(Expect(type, ThriftType::kDouble));
  if (data_.size() - pos_ < 8) return Error("unexpected end of metadata in a double");
  std::memcpy(out, data_.data() + pos_, 8);
  pos_ += 8;
  return Status::OK();
}

Status ThriftReader::ReadBinary(ThriftType type, std::string* out) {
  KEEL_RETURN_IF_ERROR(Expect(type, ThriftType::kBinary));
  uint64_t len;
  KEEL_RETURN_IF_ERROR(ReadVarint(&len));
  if (len > kMaxThriftStringBytes || len > data_.size() - pos_) {
    return Error("string length " + std::to_string(len) + " exceeds the metadata");
  }
  out->assign(data_.data() + pos_, len);
  pos_ += len;
  return Status::OK();
}

Status ThriftReader::ReadListHeader(ThriftType type, ThriftType* element_type, int32_t* size) {
  if (type != ThriftType::kList && type != ThriftType::kSet) {
    return Expect(type, ThriftType::kList);
  }
  uint8_t header = 0;
  KEEL_RETURN_IF_ERROR(ReadByte(&header));
  uint64_t n = header >> 4;
  if (n == 15) KEEL_RETURN_IF_ERROR(ReadVarint(&n));
  // Every element takes at least one byte, except booleans packed in a list, which also take
  // one byte each in the compact protocol.
  if (n > data_.size() - pos_) {
    return Error("list of " + std::to_string(n) + " elements exceeds the metadata");
  }
  *element_type = static_cast<ThriftType>(header & 0x0f);
  *size = static_cast<int32_t>(n);
  return Status::OK();
}

Status ThriftReader::Skip(ThriftType type) {
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      // A field's value is in its header; a list element is one byte, consumed by the caller
      // through SkipListElement below.
      return Status::OK();
    case ThriftType::kByte: {
      uint8_t b = 0;
      return ReadByte(&b);
    }
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64: {
      int64_t v;
      return ReadZigZag(&v);
    }
    case ThriftType::kDouble: {
      double d;
      return ReadDouble(type, &d);
    }
    case ThriftType::kBinary: {
      uint64_t len;
      KEEL_RETURN_IF_ERROR(ReadVarint(&len));
      if (len > data_.size() - pos_) return Error("binary length exceeds the metadata");
      pos_ += len;
      return Status::OK();
    }
    case ThriftType::kList:
    case ThriftType::kSet: {
      ThriftType et;
      int32_t n;
      KEEL_RETURN_IF_ERROR(ReadListHeader(type, &et, &n));
      if (++depth_ > kMaxThriftDepth) return Error("containers nested too deeply");
      for (int32_t i = 0; i < n; ++i) {
        if (et == ThriftType::kBoolTrue || et == ThriftType::kBoolFalse) {
          uint8_t b = 0;
          KEEL_RETURN_IF_ERROR(ReadByte(&b));
        } else {
          KEEL_RETURN_IF_ERROR(Skip(et));
        }
      }
      --depth_;
      return Status::OK();
    }
    case ThriftType::kMap: {
      uint64_t n;
      KEEL_RETURN_IF_ERROR(ReadVarint(&n));
      if (n == 0) return Status::OK();
      if (n > data_.size() - pos_) return Error("map size exceeds the metadata");
      uint8_t kv = 0;
      KEEL_RETURN_IF_ERROR(ReadByte(&kv));
      if (++depth_ > kMaxThriftDepth) return Error("containers nested too deeply");
      for (uint64_t i = 0; i < n; ++i) {
        KEEL_RETURN_IF_ERROR(Skip(static_cast<ThriftType>(kv >> 4)));
        KEEL_RETURN_IF_ERROR(Skip(static_cast<ThriftType>(kv & 0x0f)));
      }
      --depth_;
      return Status::OK();
    }
    case ThriftType::kStruct:
      return ReadStruct([this](int16_t, ThriftType t) { return Skip(t); });
    case ThriftType::kStop:
      break;
  }
  return Error("unknown Thrift type " + std::to_string(static_cast<int>(type)));
}

void ThriftWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void ThriftWriter::FieldHeader(int16_t id, ThriftType type) {
  int16_t& last = last_ids_.back();
  int delta = id - last;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    ZigZag(id);
  }
  last = id;
}

void ThriftWriter::EndStruct() {
  out_->push_back(0);
  last_ids_.pop_back();
}

void ThriftWriter::FieldBool(int16_t id, bool v) {
  FieldHeader(id, v ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void ThriftWriter::FieldI8(int16_t id, int8_t v) {
  FieldHeader(id, ThriftType::kByte);
  out_->push_back(static_cast<char>(v));
}

void ThriftWriter::FieldI32(int16_t id, int32_t v) {
  FieldHeader(id, ThriftType::kI32);
  ZigZag(v);
}

void ThriftWriter::FieldI64(int16_t id, int64_t v) {
  FieldHeader(id, ThriftType::kI64);
  ZigZag(v);
}

void ThriftWriter::FieldBinary(int16_t id, std::string_view v) {
  FieldHeader(id, ThriftType::kBinary);
  Varint(v.size());
  out_->append(v);
}

void ThriftWriter::FieldStructBegin(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  BeginStruct();
}

void ThriftWriter::FieldListBegin(int16_t id, ThriftType element_type, int32_t size) {
  FieldHeader(id, ThriftType::kList);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<uint8_t>(element_type)));
  } else {
    out_->push_back(static_cast<char>(0xf0 | static_cast<uint8_t>(element_type)));
    Varint(static_cast<uint64_t>(size));
  }
}

void ThriftWriter::ElementI32(int32_t v) { ZigZag(v); }

void ThriftWriter::ElementBinary(std::string_view v) {
  Varint(v.size());
  out_->append(v);
}

}  // namespace keel::parquet
