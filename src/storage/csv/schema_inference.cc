// Schema inference: per column, the narrowest type every value seen fits.

#include <unordered_set>

#include "storage/batch/value_parse.h"
#include "storage/csv/text_ingest_internal.h"

namespace keel::csv {

using batch::DataType;
using batch::TypeId;

void TypeGuess::SetShape(Shape shape) {
  if (shape_ == Shape::kUnknown) shape_ = shape;
  // Values of different shapes (a number here, an array there) only agree as text.
  if (shape_ != shape) shape_ = Shape::kString;
}

void TypeGuess::ObserveText(std::string_view text) {
  SetShape(Shape::kScalar);
  if (shape_ != Shape::kScalar) return;
  // Test only the candidates still standing: most columns settle after a few rows.
  bool b;
  int64_t l;
  double d;
  if ((candidates_ & kBoolean) && !ParseBoolText(text, &b)) candidates_ &= ~kBoolean;
  if ((candidates_ & kLong) && !ParseInt64Text(text, &l)) candidates_ &= ~kLong;
  if ((candidates_ & kDouble) && !ParseDoubleText(text, &d)) candidates_ &= ~kDouble;
  if ((candidates_ & kDate) && !batch::ParseDate(text)) candidates_ &= ~kDate;
  if ((candidates_ & kTimestamp) && !batch::ParseTimestamp(text)) candidates_ &= ~kTimestamp;
}

void TypeGuess::ObserveJson(const json::Value& v, int depth) {
  switch (v.type()) {
    case json::Type::kNull:
      return;
    case json::Type::kBool:
      SetShape(Shape::kScalar);
      candidates_ &= kBoolean;
      return;
    case json::Type::kInt:
      SetShape(Shape::kScalar);
      candidates_ &= kLong | kDouble;
      return;
    case json::Type::kDouble:
      SetShape(Shape::kScalar);
      candidates_ &= kDouble;
      return;
    case json::Type::kString:
      // JSON says what is a number or a boolean; only dates and timestamps hide in strings.
      candidates_ &= kDate | kTimestamp;
      ObserveText(v.as_string());
      return;
    case json::Type::kArray:
      SetShape(depth + 1 >= batch::kMaxTypeDepth ? Shape::kString : Shape::kArray);
      if (shape_ != Shape::kArray) return;
      if (element_.empty()) element_.emplace_back();
      for (const auto& e : v.as_array()) element_[0].ObserveJson(e, depth + 1);
      return;
    case json::Type::kObject:
      SetShape(depth + 1 >= batch::kMaxTypeDepth ? Shape::kString : Shape::kStruct);
      if (shape_ != Shape::kStruct) return;
      for (const auto& [key, member] : v.as_object()) {
        TypeGuess* guess = nullptr;
        for (auto& [name, g] : fields_) {
          if (name == key) guess = &g;
        }
        if (guess == nullptr) guess = &fields_.emplace_back(key, TypeGuess()).second;
        guess->ObserveJson(member, depth + 1);
      }
      return;
  }
}

DataType TypeGuess::Result() const {
  switch (shape_) {
    case Shape::kUnknown:
    case Shape::kString:
      return DataType::Primitive(TypeId::kString);
    case Shape::kArray:
      return DataType::Array(element_.empty() ? DataType::Primitive(TypeId::kString)
                                              : element_[0].Result());
    case Shape::kStruct: {
      std::vector<batch::Field> fields;
      for (const auto& [name, g] : fields_) fields.push_back({name, g.Result(), true});
      return DataType::Struct(std::move(fields));
    }
    case Shape::kScalar:
      break;
  }
  if (candidates_ & kBoolean) return DataType::Primitive(TypeId::kBoolean);
  if (candidates_ & kLong) return DataType::Primitive(TypeId::kLong);
  if (candidates_ & kDouble) return DataType::Primitive(TypeId::kDouble);
  if (candidates_ & kDate) return DataType::Primitive(TypeId::kDate);
  if (candidates_ & kTimestamp) return DataType::Primitive(TypeId::kTimestamp);
  return DataType::Primitive(TypeId::kString);
}

Status CheckColumnNames(const std::vector<std::string>& names) {
  if (names.size() > kMaxColumns) {
    return Status::LimitExceeded("the file has " + std::to_string(names.size()) +
                                 " columns; at most " + std::to_string(kMaxColumns) +
                                 " are supported");
  }
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) {
      return Status::InvalidArgument("column " + std::to_string(i + 1) +
                                     " has an empty name; name every column in the header");
    }
    if (!seen.insert(names[i]).second) {
      return Status::InvalidArgument("column name " + QuoteForMessage(names[i]) +
                                     " appears twice; give every column a distinct name");
    }
  }
  return Status::OK();
}

}  // namespace keel::csv
