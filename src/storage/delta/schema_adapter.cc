#include "storage/delta/schema_adapter.h"

#include "storage/batch/value_parse.h"

namespace keel::delta {
namespace {

using batch::Column;
using batch::DataType;
using batch::TypeId;

bool IsI32(TypeId id) { return id == TypeId::kByte || id == TypeId::kShort || id == TypeId::kInt; }

int IntRank(TypeId id) {
  switch (id) {
    case TypeId::kByte:
      return 1;
    case TypeId::kShort:
      return 2;
    case TypeId::kInt:
      return 3;
    case TypeId::kLong:
      return 4;
    default:
      return 0;
  }
}

Status Mismatch(std::string_view what, const DataType& from, const DataType& to) {
  return Status::Corruption(std::string(what) + " has type " + from.ToString() +
                            " in the data file but " + to.ToString() +
                            " in the table schema, and cannot be read as it");
}

}  // namespace

Column NullColumn(const DataType& type, int64_t length) {
  Column c = Column::Make(type);
  for (int64_t i = 0; i < length; ++i) c.AppendNull();
  return c;
}

Result<Column> AdaptColumn(Column c, const DataType& target, std::string_view what) {
  if (c.type == target) return c;
  const TypeId from = c.type.id;
  const TypeId to = target.id;
  // Integer widening.
  if (IntRank(from) > 0 && IntRank(to) >= IntRank(from)) {
    if (IsI32(to)) {
      c.type = target;
      return c;
    }
    if (to == TypeId::kLong) {
      c.i64.assign(c.i32.begin(), c.i32.end());
      c.i32.clear();
      c.i32.shrink_to_fit();
      c.type = target;
      return c;
    }
  }
  if (to == TypeId::kDouble && (from == TypeId::kFloat || IntRank(from) > 0)) {
    c.f64.resize(static_cast<size_t>(c.length));
    for (int64_t i = 0; i < c.length; ++i) {
      c.f64[i] = from == TypeId::kFloat  ? static_cast<double>(c.f32[i])
                 : from == TypeId::kLong ? static_cast<double>(c.i64[i])
                                         : static_cast<double>(c.i32[i]);
    }
    c.f32.clear();
    c.i32.clear();
    c.i64.clear();
    c.type = target;
    return c;
  }
  if ((from == TypeId::kTimestamp || from == TypeId::kTimestampNtz) &&
      (to == TypeId::kTimestamp || to == TypeId::kTimestampNtz)) {
    c.type = target;
    return c;
  }
  // Decimals rescale to a scale at least as large; a narrower precision is fine as long as
  // every value fits (e.g. UPDATE SET price = price * 2 computes decimal(38,2)).
  if (from == TypeId::kDecimal && to == TypeId::kDecimal && target.scale >= c.type.scale) {
    const batch::Int128 bound = batch::PowerOfTen(target.precision);
    for (int64_t i = 0; i < c.length; ++i) {
      batch::Int128& d = c.dec[i];
      if (target.scale != c.type.scale) {
        auto scaled = batch::RescaleDecimal(d, c.type.scale, target.scale);
        if (!scaled) return Mismatch(what, c.type, target);
        d = *scaled;
      }
      if (c.IsValid(i) && (d >= bound || d <= -bound)) {
        return Status::Corruption(std::string(what) + " holds a value too large for " +
                                  target.ToString());
      }
    }
    c.type = target;
    return c;
  }
  if (from == TypeId::kStruct && to == TypeId::kStruct) {
    std::vector<Column> children;
    for (const batch::Field& f : target.children) {
      int found = -1;
      for (size_t k = 0; k < c.type.children.size(); ++k) {
        if (c.type.children[k].name == f.name) found = static_cast<int>(k);
      }
      if (found < 0) {
        children.push_back(NullColumn(f.type, c.length));
      } else {
        KEEL_ASSIGN_OR_RETURN(auto child,
                              AdaptColumn(std::move(c.children[found]), f.type,
                                          std::string(what) + "." + f.name));
        children.push_back(std::move(child));
      }
    }
    c.children = std::move(children);
    c.type = target;
    return c;
  }
  if ((from == TypeId::kArray && to == TypeId::kArray) ||
      (from == TypeId::kMap && to == TypeId::kMap)) {
    for (size_t k = 0; k < c.children.size(); ++k) {
      KEEL_ASSIGN_OR_RETURN(c.children[k], AdaptColumn(std::move(c.children[k]),
                                                       target.children[k].type, what));
    }
    c.type = target;
    return c;
  }
  return Mismatch(what, c.type, target);
}

}  // namespace keel::delta
