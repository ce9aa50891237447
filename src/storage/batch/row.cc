#include "storage/batch/row.h"

#include <cstring>

namespace keel::batch {

namespace {

template <typename F>
bool BitwiseEqual(F a, F b) {
  return std::memcmp(&a, &b, sizeof(F)) == 0 || a == b;
}

}  // namespace

bool Value::operator==(const Value& other) const {
  if (v_.index() != other.v_.index()) return false;
  if (is<float>()) return BitwiseEqual(as<float>(), other.as<float>());
  if (is<double>()) return BitwiseEqual(as<double>(), other.as<double>());
  return v_ == other.v_;
}

Value ValueAt(const Column& c, int64_t i) {
  if (!c.IsValid(i)) return Value();
  switch (c.type.id) {
    case TypeId::kBoolean:
      return Value(c.bools[i] != 0);
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kDate:
      return Value(static_cast<int64_t>(c.i32[i]));
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return Value(c.i64[i]);
    case TypeId::kFloat:
      return Value(c.f32[i]);
    case TypeId::kDouble:
      return Value(c.f64[i]);
    case TypeId::kDecimal:
      return Value(c.dec[i]);
    case TypeId::kString:
    case TypeId::kBinary:
      return Value(std::string(c.StringAt(i)));
    case TypeId::kStruct: {
      Value::List fields;
      for (const Column& child : c.children) fields.push_back(ValueAt(child, i));
      return Value(std::move(fields));
    }
    case TypeId::kArray: {
      Value::List items;
      for (int64_t j = c.offsets[i]; j < c.offsets[i + 1]; ++j) {
        items.push_back(ValueAt(c.children[0], j));
      }
      return Value(std::move(items));
    }
    case TypeId::kMap: {
      Value::Entries entries;
      for (int64_t j = c.offsets[i]; j < c.offsets[i + 1]; ++j) {
        entries.emplace_back(ValueAt(c.children[0], j), ValueAt(c.children[1], j));
      }
      return Value(std::move(entries));
    }
  }
  return Value();
}

std::vector<Row> ToRows(const RecordBatch& batch) {
  std::vector<Row> rows(batch.num_rows);
  for (int64_t r = 0; r < batch.num_rows; ++r) {
    rows[r].reserve(batch.columns.size());
    for (const Column& c : batch.columns) rows[r].push_back(ValueAt(c, r));
  }
  return rows;
}

namespace {

Status Mismatch(const Column& c) {
  return Status::InvalidArgument("value does not fit a column of type " + c.type.ToString());
}

}  // namespace

Status AppendValue(const Value& v, Column* c) {
  if (v.is_null()) {
    c->AppendNull();
    return Status::OK();
  }
  switch (c->type.id) {
    case TypeId::kBoolean:
      if (!v.is<bool>()) return Mismatch(*c);
      c->bools.push_back(v.as<bool>());
      break;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kDate:
      if (!v.is<int64_t>()) return Mismatch(*c);
      c->i32.push_back(static_cast<int32_t>(v.as<int64_t>()));
      break;
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      if (!v.is<int64_t>()) return Mismatch(*c);
      c->i64.push_back(v.as<int64_t>());
      break;
    case TypeId::kFloat:
      if (!v.is<float>()) return Mismatch(*c);
      c->f32.push_back(v.as<float>());
      break;
    case TypeId::kDouble:
      if (!v.is<double>()) return Mismatch(*c);
      c->f64.push_back(v.as<double>());
      break;
    case TypeId::kDecimal:
      if (!v.is<Int128>()) return Mismatch(*c);
      c->dec.push_back(v.as<Int128>());
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      if (!v.is<std::string>()) return Mismatch(*c);
      c->bytes += v.as<std::string>();
      c->offsets.push_back(static_cast<int64_t>(c->bytes.size()));
      break;
    case TypeId::kStruct: {
      if (!v.is<Value::List>() || v.as<Value::List>().size() != c->children.size()) {
        return Mismatch(*c);
      }
      const auto& fields = v.as<Value::List>();
      for (size_t k = 0; k < fields.size(); ++k) {
        KEEL_RETURN_IF_ERROR(AppendValue(fields[k], &c->children[k]));
      }
      break;
    }
    case TypeId::kArray: {
      if (!v.is<Value::List>()) return Mismatch(*c);
      for (const Value& item : v.as<Value::List>()) {
        KEEL_RETURN_IF_ERROR(AppendValue(item, &c->children[0]));
      }
      c->offsets.push_back(c->children[0].length);
      break;
    }
    case TypeId::kMap: {
      if (!v.is<Value::Entries>()) return Mismatch(*c);
      for (const auto& [key, value] : v.as<Value::Entries>()) {
        if (key.is_null()) return Status::InvalidArgument("map keys may not be null");
        KEEL_RETURN_IF_ERROR(AppendValue(key, &c->children[0]));
        KEEL_RETURN_IF_ERROR(AppendValue(value, &c->children[1]));
      }
      c->offsets.push_back(c->children[0].length);
      break;
    }
  }
  c->MarkAppendedValid();
  return Status::OK();
}

Result<RecordBatch> FromRows(const Schema& schema, const std::vector<Row>& rows) {
  RecordBatch batch = RecordBatch::Make(schema);
  for (const Row& row : rows) {
    if (row.size() != schema.fields.size()) {
      return Status::InvalidArgument("row has " + std::to_string(row.size()) +
                                     " values, schema has " + std::to_string(schema.fields.size()) +
                                     " fields");
    }
    for (size_t k = 0; k < row.size(); ++k) {
      KEEL_RETURN_IF_ERROR(AppendValue(row[k], &batch.columns[k])
                               .WithContext("field '" + schema.fields[k].name + "'"));
    }
    ++batch.num_rows;
  }
  return batch;
}

}  // namespace keel::batch
