// Bind: resolves column names against a schema, types every node and makes implicit casts
// explicit (as kCast nodes, or folded into literals), so that the evaluator and data skipping
// only ever see operands of one comparison class.

#include <algorithm>
#include <cctype>

#include "common/strings.h"
#include "storage/batch/value_parse.h"
#include "storage/delta/expression_internal.h"

namespace keel::delta {

namespace {

using batch::DataType;
using batch::Int128;
using batch::TypeId;
using batch::Value;

// Types that compare and combine with each other without a conversion of meaning.
enum class Family { kIntegral, kFloating, kDecimal, kBytes, kBoolean, kDate, kTimestamp, kNested };

Family FamilyOf(const DataType& t) {
  switch (t.id) {
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
      return Family::kIntegral;
    case TypeId::kFloat:
    case TypeId::kDouble:
      return Family::kFloating;
    case TypeId::kDecimal:
      return Family::kDecimal;
    case TypeId::kString:
    case TypeId::kBinary:
      return Family::kBytes;
    case TypeId::kBoolean:
      return Family::kBoolean;
    case TypeId::kDate:
      return Family::kDate;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return Family::kTimestamp;
    case TypeId::kStruct:
    case TypeId::kArray:
    case TypeId::kMap:
      return Family::kNested;
  }
  return Family::kNested;
}

bool IsNumeric(Family f) {
  return f == Family::kIntegral || f == Family::kFloating || f == Family::kDecimal;
}

bool IsNullLiteral(const Node& n) { return n.kind == NodeKind::kLiteral && n.null_literal; }
bool IsStringLiteral(const Node& n) {
  return n.kind == NodeKind::kLiteral && !n.null_literal && n.type.id == TypeId::kString;
}

std::string Text(const Node& n) {
  std::string out;
  AppendNodeText(n, &out);
  return out;
}

std::string Typed(const Node& n) { return Text(n) + " (" + n.type.ToString() + ")"; }

std::string NameList(const std::vector<batch::Field>& fields) {
  constexpr size_t kMaxListed = 20;
  std::string out;
  for (size_t k = 0; k < fields.size() && k < kMaxListed; ++k) {
    if (k) out += ", ";
    out += fields[k].name;
  }
  if (fields.size() > kMaxListed) out += ", ...";
  return out.empty() ? "(none)" : out;
}

// The field named `name`: an exact match, else the one match ignoring case (Spark's default).
Result<const batch::Field*> FindField(const std::vector<batch::Field>& fields,
                                      const std::string& name, const std::string& owner,
                                      size_t offset) {
  const batch::Field* found = nullptr;
  int matches = 0;
  for (const batch::Field& f : fields) {
    if (f.name == name) return &f;
    if (EqualsIgnoringCase(f.name, name)) {
      found = &f;
      ++matches;
    }
  }
  if (matches == 1) return found;
  std::string where = "at offset " + std::to_string(offset);
  if (matches > 1) {
    return Status::InvalidArgument("column name '" + name + "' " + where + " matches " + owner +
                                   " fields that differ only in case; write it exactly as "
                                   "spelled in the schema");
  }
  return Status::InvalidArgument("unknown column '" + name + "' " + where + "; " + owner +
                                 " has: " + NameList(fields) +
                                 " (quote a name that holds dots or spaces with `back-quotes`)");
}

Status BindColumn(const batch::Schema& schema, Node* n) {
  const std::vector<batch::Field>* fields = &schema.fields;
  std::string owner = "the table";
  const batch::Field* field = nullptr;
  for (std::string& part : n->path) {
    if (field && field->type.id != TypeId::kStruct) {
      return Status::InvalidArgument("column '" + owner + "' at offset " +
                                     std::to_string(n->offset) + " is a " + field->type.ToString() +
                                     ", not a struct; it has no field '" + part + "'");
    }
    KEEL_ASSIGN_OR_RETURN(field, FindField(*fields, part, owner, n->offset));
    part = field->name;
    owner = owner == "the table" ? field->name : owner + "." + field->name;
    fields = &field->type.children;
  }
  n->type = field->type;
  return Status::OK();
}

// Whether a value of `from` is used as `to` without a conversion (the evaluator reads every
// integral width as int64, floats as double, and aligns decimal scales itself).
bool SameRepresentation(const DataType& from, const DataType& to) {
  Family f = FamilyOf(from);
  if (f != FamilyOf(to)) return false;
  return f != Family::kNested || from == to;
}

std::string FormatHint(const DataType& t) {
  if (t.id == TypeId::kDate) return "; write dates as 'YYYY-MM-DD'";
  if (FamilyOf(t) == Family::kTimestamp) {
    return "; write timestamps as 'YYYY-MM-DD HH:MM:SS[.ffffff][Z|+HH:MM]'";
  }
  return "";
}

// Makes the operand in *slot a `to`: nothing when the evaluator reads it as one already, a
// folded literal, or a kCast node around it.
Status Coerce(std::unique_ptr<Node>* slot, const DataType& to) {
  Node& n = **slot;
  if (IsNullLiteral(n)) {
    n.type = to;
    return Status::OK();
  }
  if (SameRepresentation(n.type, to)) return Status::OK();
  if (n.kind == NodeKind::kLiteral) {
    auto folded = CastScalar(n.value, n.type, to);
    if (!folded) {
      return Status::InvalidArgument("the literal " + Text(n) + " at offset " +
                                     std::to_string(n.offset) + " is not a valid " + to.ToString() +
                                     FormatHint(to));
    }
    n.value = std::move(*folded);
    n.type = to;
    return Status::OK();
  }
  auto cast = std::make_unique<Node>();
  cast->kind = NodeKind::kCast;
  cast->offset = n.offset;
  cast->type = to;
  cast->height = n.height + 1;
  cast->children.push_back(std::move(*slot));
  *slot = std::move(cast);
  return Status::OK();
}

// The type that a value of type `a` (from node `a_node`, named in messages) and operand `b`
// are both brought to for a comparison, or an error naming both.
Result<DataType> CompareTarget(const DataType& a, const Node& a_node, const Node& b,
                               const Node& whole) {
  if (IsNullLiteral(b)) return a;
  Family fa = FamilyOf(a);
  Family fb = FamilyOf(b.type);
  if (fa == fb && fa != Family::kNested) {
    if (fa == Family::kIntegral) return DataType::Primitive(TypeId::kLong);
    if (fa == Family::kFloating) return DataType::Primitive(TypeId::kDouble);
    return a;
  }
  if (IsNumeric(fa) && IsNumeric(fb)) {
    if (fa == Family::kFloating || fb == Family::kFloating) {
      return DataType::Primitive(TypeId::kDouble);
    }
    return DataType::Decimal(19, 0);  // integral meets decimal: compare as decimals
  }
  bool a_time = fa == Family::kDate || fa == Family::kTimestamp;
  bool b_time = fb == Family::kDate || fb == Family::kTimestamp;
  if (a_time && b_time) return fa == Family::kTimestamp ? a : b.type;
  if (a_time && IsStringLiteral(b)) return a;
  if (b_time && IsStringLiteral(a_node)) return b.type;
  return Status::InvalidArgument("cannot compare " + Typed(a_node) + " with " + Typed(b) + " in " +
                                 Text(whole) + " at offset " + std::to_string(whole.offset) +
                                 "; compare values of like types (numbers with numbers, "
                                 "quoted strings with strings)");
}

Status BindNode(const batch::Schema& schema, Node* n);

Status BindChildren(const batch::Schema& schema, Node* n) {
  for (auto& c : n->children) KEEL_RETURN_IF_ERROR(BindNode(schema, c.get()));
  return Status::OK();
}

Status RequireBoolean(const Node& operand, const Node& whole) {
  if (IsNullLiteral(operand) || operand.type.id == TypeId::kBoolean) return Status::OK();
  return Status::InvalidArgument(Typed(operand) + " is not a condition in " + Text(whole) +
                                 " at offset " + std::to_string(whole.offset) +
                                 "; compare it with something, e.g. " + Text(operand) + " = ...");
}

// Brings every child of `n` to one comparison type. The first operand that is neither NULL
// nor a string literal leads, so that a string literal can become a date or timestamp.
Status UnifyChildren(Node* n) {
  const Node* lead = nullptr;
  for (const auto& c : n->children) {
    if (IsNullLiteral(*c)) continue;
    if (!lead || (IsStringLiteral(*lead) && !IsStringLiteral(*c))) lead = c.get();
  }
  if (!lead) return Status::OK();
  DataType target = lead->type;
  for (const auto& c : n->children) {
    KEEL_ASSIGN_OR_RETURN(target, CompareTarget(target, *lead, *c, *n));
  }
  for (auto& c : n->children) KEEL_RETURN_IF_ERROR(Coerce(&c, target));
  return Status::OK();
}

Status BindArith(Node* n) {
  Node& a = *n->children[0];
  Node& b = *n->children[1];
  if (IsNullLiteral(a)) a.type = b.type;
  if (IsNullLiteral(b)) b.type = a.type;
  Family fa = FamilyOf(a.type);
  Family fb = FamilyOf(b.type);
  if (IsNullLiteral(a) && IsNullLiteral(b)) fa = fb = Family::kIntegral;
  if (!IsNumeric(fa) || !IsNumeric(fb)) {
    return Status::InvalidArgument("arithmetic needs numbers, but " + Text(*n) + " at offset " +
                                   std::to_string(n->offset) + " combines " + Typed(a) + " and " +
                                   Typed(b));
  }
  DataType result = DataType::Primitive(TypeId::kLong);
  bool floating = fa == Family::kFloating || fb == Family::kFloating || n->arith == ArithOp::kDiv;
  bool decimal = fa == Family::kDecimal || fb == Family::kDecimal;
  int scale_a = fa == Family::kDecimal ? a.type.scale : 0;
  int scale_b = fb == Family::kDecimal ? b.type.scale : 0;
  if (n->arith == ArithOp::kMod && decimal) floating = true;
  if (n->arith == ArithOp::kMul && scale_a + scale_b > batch::kMaxDecimalPrecision) {
    floating = true;
  }
  if (floating) {
    result = DataType::Primitive(TypeId::kDouble);
  } else if (decimal) {
    int scale = n->arith == ArithOp::kMul ? scale_a + scale_b : std::max(scale_a, scale_b);
    result = DataType::Decimal(batch::kMaxDecimalPrecision, scale);
  }
  if (result.id != TypeId::kLong) {
    DataType operand = floating ? result : DataType::Decimal(19, 0);
    for (auto& c : n->children) {
      if (FamilyOf(c->type) == FamilyOf(operand) && !IsNullLiteral(*c)) continue;
      KEEL_RETURN_IF_ERROR(Coerce(&c, operand));
    }
  }
  n->type = result;
  return Status::OK();
}

Status BindNode(const batch::Schema& schema, Node* n) {
  switch (n->kind) {
    case NodeKind::kLiteral:
      return Status::OK();
    case NodeKind::kColumn:
      return BindColumn(schema, n);
    case NodeKind::kCast:
      return BindChildren(schema, n);
    case NodeKind::kNegate: {
      KEEL_RETURN_IF_ERROR(BindChildren(schema, n));
      Node& c = *n->children[0];
      if (IsNullLiteral(c)) c.type = DataType::Primitive(TypeId::kLong);
      Family f = FamilyOf(c.type);
      if (!IsNumeric(f)) {
        return Status::InvalidArgument("only numbers can be negated, but " + Typed(c) +
                                       " at offset " + std::to_string(n->offset) + " is not one");
      }
      n->type = f == Family::kIntegral   ? DataType::Primitive(TypeId::kLong)
                : f == Family::kFloating ? DataType::Primitive(TypeId::kDouble)
                                         : c.type;
      return Status::OK();
    }
    case NodeKind::kArith:
      KEEL_RETURN_IF_ERROR(BindChildren(schema, n));
      return BindArith(n);
    case NodeKind::kCompare:
    case NodeKind::kIn:
    case NodeKind::kBetween:
      KEEL_RETURN_IF_ERROR(BindChildren(schema, n));
      KEEL_RETURN_IF_ERROR(UnifyChildren(n));
      for (const auto& c : n->children) {
        if (FamilyOf(c->type) == Family::kNested && !IsNullLiteral(*c)) {
          return Status::InvalidArgument("cannot compare " + Typed(*c) + " at offset " +
                                         std::to_string(n->offset) +
                                         "; compare its fields instead (a.b = ...)");
        }
      }
      n->type = DataType::Primitive(TypeId::kBoolean);
      return Status::OK();
    case NodeKind::kIsNull:
      KEEL_RETURN_IF_ERROR(BindChildren(schema, n));
      n->type = DataType::Primitive(TypeId::kBoolean);
      return Status::OK();
    case NodeKind::kLike: {
      KEEL_RETURN_IF_ERROR(BindChildren(schema, n));
      Node& c = *n->children[0];
      if (IsNullLiteral(c)) c.type = DataType::Primitive(TypeId::kString);
      if (c.type.id != TypeId::kString) {
        return Status::InvalidArgument("LIKE needs a string, but " + Typed(c) + " at offset " +
                                       std::to_string(n->offset) + " is not one");
      }
      n->type = DataType::Primitive(TypeId::kBoolean);
      return Status::OK();
    }
    case NodeKind::kNot:
    case NodeKind::kAnd:
    case NodeKind::kOr:
      KEEL_RETURN_IF_ERROR(BindChildren(schema, n));
      for (const auto& c : n->children) KEEL_RETURN_IF_ERROR(RequireBoolean(*c, *n));
      n->type = DataType::Primitive(TypeId::kBoolean);
      return Status::OK();
  }
  return Status::Internal("unknown expression node");
}

double DecimalToDouble(Int128 unscaled, int scale) {
  return static_cast<double>(unscaled) / static_cast<double>(batch::PowerOfTen(scale));
}

// -1, 0 or 1 comparing decimals a (scale sa) and b (scale sb) by value.
int CompareDecimals(Int128 a, int sa, Int128 b, int sb) {
  int scale = std::max(sa, sb);
  auto ra = batch::RescaleDecimal(a, sa, scale);
  auto rb = batch::RescaleDecimal(b, sb, scale);
  // A side that overflows 38 digits when rescaled is larger in magnitude than any other.
  if (!ra || !rb) {
    if (!ra && !rb) return 0;
    if (!ra) return a < 0 ? -1 : 1;
    return b < 0 ? 1 : -1;
  }
  return *ra < *rb ? -1 : *ra > *rb ? 1 : 0;
}

double AsDouble(const Value& v) { return v.is<float>() ? v.as<float>() : v.as<double>(); }

}  // namespace

CompareClass ClassOf(const DataType& type) {
  switch (FamilyOf(type)) {
    case Family::kIntegral:
    case Family::kDate:
    case Family::kTimestamp:
      return CompareClass::kInteger;
    case Family::kFloating:
      return CompareClass::kFloating;
    case Family::kDecimal:
      return CompareClass::kDecimal;
    case Family::kBytes:
      return CompareClass::kBytes;
    case Family::kBoolean:
      return CompareClass::kBoolean;
    case Family::kNested:
      return CompareClass::kNone;
  }
  return CompareClass::kNone;
}

int CompareScalars(const Value& a, const DataType& a_type, const Value& b, const DataType& b_type) {
  switch (ClassOf(a_type)) {
    case CompareClass::kInteger: {
      int64_t x = a.as<int64_t>(), y = b.as<int64_t>();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case CompareClass::kFloating: {
      double x = AsDouble(a), y = AsDouble(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case CompareClass::kDecimal:
      return CompareDecimals(a.as<Int128>(), a_type.scale, b.as<Int128>(), b_type.scale);
    case CompareClass::kBytes: {
      int c = a.as<std::string>().compare(b.as<std::string>());
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case CompareClass::kBoolean:
      return static_cast<int>(a.as<bool>()) - static_cast<int>(b.as<bool>());
    case CompareClass::kNone:
      return 0;
  }
  return 0;
}

std::optional<Value> CastScalar(const Value& v, const DataType& from, const DataType& to) {
  if (v.is_null()) return v;
  Family f = FamilyOf(from);
  switch (FamilyOf(to)) {
    case Family::kFloating:
      if (f == Family::kIntegral) return Value(static_cast<double>(v.as<int64_t>()));
      if (f == Family::kDecimal) return Value(DecimalToDouble(v.as<Int128>(), from.scale));
      if (f == Family::kFloating) return Value(AsDouble(v));
      return std::nullopt;
    case Family::kDecimal:
      if (f == Family::kIntegral) {
        auto d = batch::RescaleDecimal(v.as<int64_t>(), 0, to.scale);
        if (!d) return std::nullopt;
        return Value(*d);
      }
      if (f == Family::kDecimal) return v;
      return std::nullopt;
    case Family::kTimestamp:
      if (f == Family::kDate) return Value(v.as<int64_t>() * int64_t{86400000000});
      if (f == Family::kTimestamp) return v;
      if (f == Family::kBytes) {
        auto ts = batch::ParseTimestamp(v.as<std::string>());
        if (!ts) return std::nullopt;
        return Value(ts->micros);
      }
      return std::nullopt;
    case Family::kDate:
      if (f == Family::kBytes) {
        auto days = batch::ParseDate(v.as<std::string>());
        if (!days) return std::nullopt;
        return Value(int64_t{*days});
      }
      if (f == Family::kDate) return v;
      return std::nullopt;
    default:
      if (f == FamilyOf(to)) return v;
      return std::nullopt;
  }
}

bool CompareHolds(CompareOp op, int c) {
  switch (op) {
    case CompareOp::kEq:
      return c == 0;
    case CompareOp::kNe:
      return c != 0;
    case CompareOp::kLt:
      return c < 0;
    case CompareOp::kLe:
      return c <= 0;
    case CompareOp::kGt:
      return c > 0;
    case CompareOp::kGe:
      return c >= 0;
  }
  return false;
}

// Indexed by CompareOp: kEq, kNe, kLt, kLe, kGt, kGe.
CompareOp FlipCompare(CompareOp op) {
  static constexpr CompareOp kFlipped[] = {CompareOp::kEq, CompareOp::kNe, CompareOp::kGt,
                                           CompareOp::kGe, CompareOp::kLt, CompareOp::kLe};
  return kFlipped[static_cast<int>(op)];
}

CompareOp InvertCompare(CompareOp op) {
  static constexpr CompareOp kInverted[] = {CompareOp::kNe, CompareOp::kEq, CompareOp::kGe,
                                            CompareOp::kGt, CompareOp::kLe, CompareOp::kLt};
  return kInverted[static_cast<int>(op)];
}

Status BindTree(const batch::Schema& schema, Node* root) { return BindNode(schema, root); }

}  // namespace keel::delta
