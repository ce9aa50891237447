// Data skipping: whether a file whose statistics are `stats` may hold a row for which a bound
// expression is TRUE. Every answer errs towards true.
//
// Rules (see also file_stats.h):
//  - NOT is pushed down (De Morgan holds in three-valued logic), and a negated comparison
//    becomes the inverted one. That inversion is wrong for NaN (NOT (x > 1) is TRUE for NaN,
//    x <= 1 is not), and min/max leave NaN out, so negated comparisons on floating columns,
//    and <> on them, never skip.
//  - A column whose null_count equals num_records holds only nulls: no comparison, IN,
//    BETWEEN or LIKE on it is TRUE.
//  - A string max of kMaxStatsStringBytes bytes or more may be a truncated prefix (Spark
//    truncates and some writers append a high character, others do not), so it is unknown.
//    A string min is always a lower bound (Keel and Spark write a prefix).
//  - Only a column (or a column under an implicit cast) compared with a literal is judged;
//    arithmetic, LIKE, column-to-column comparisons and anything else answer true.

#include <algorithm>

#include "storage/delta/expression_internal.h"

namespace keel::delta {

namespace {

using batch::DataType;
using batch::TypeId;
using batch::Value;

// A column (seen through any implicit casts) and its statistics, converted to the type the
// comparison uses.
struct Bounds {
  std::optional<Value> min;
  std::optional<Value> max;
  DataType type;  // of min and max
  bool all_null = false;
  bool floating = false;
};

const Node* StripCasts(const Node& n) {
  const Node* p = &n;
  while (p->kind == NodeKind::kCast) p = p->children[0].get();
  return p;
}

std::string PathKey(const Node& column) {
  std::string key;
  for (const std::string& part : column.path) {
    if (!key.empty()) key.push_back('.');
    key += part;
  }
  return key;
}

// Bounds for operand `n` when it is a column; nullopt when it is not, or nothing is known.
std::optional<Bounds> BoundsOf(const Node& n, const FileStats& stats) {
  const Node* column = StripCasts(n);
  if (column->kind != NodeKind::kColumn) return std::nullopt;
  const ColumnStats* cs = stats.Find(PathKey(*column));
  if (!cs) return std::nullopt;
  Bounds b;
  b.type = n.type;
  b.floating = ClassOf(n.type) == CompareClass::kFloating;
  b.all_null = cs->null_count && stats.num_records && *cs->null_count >= *stats.num_records &&
               *stats.num_records > 0;
  auto convert = [&](const std::optional<Value>& v) -> std::optional<Value> {
    if (!v || v->is_null()) return std::nullopt;
    return CastScalar(*v, column->type, n.type);
  };
  b.min = convert(cs->min);
  b.max = convert(cs->max);
  if (b.max && b.max->is<std::string>() &&
      b.max->as<std::string>().size() >= kMaxStatsStringBytes) {
    b.max.reset();
  }
  return b;
}

bool IsValueLiteral(const Node& n) { return n.kind == NodeKind::kLiteral && !n.value.is_null(); }

// Whether `column op literal` may be TRUE for some value in [min, max].
bool RangeMayMatch(const Bounds& b, CompareOp op, const Node& literal) {
  if (b.all_null) return false;
  const Value& v = literal.value;
  auto cmp_min = [&](CompareOp o) {
    return !b.min || CompareHolds(o, CompareScalars(*b.min, b.type, v, literal.type));
  };
  auto cmp_max = [&](CompareOp o) {
    return !b.max || CompareHolds(o, CompareScalars(*b.max, b.type, v, literal.type));
  };
  switch (op) {
    case CompareOp::kEq:
      return cmp_min(CompareOp::kLe) && cmp_max(CompareOp::kGe);
    case CompareOp::kNe:
      // Only a file whose every value equals the literal is out.
      if (b.floating || !b.min || !b.max) return true;
      return !(CompareScalars(*b.min, b.type, v, literal.type) == 0 &&
               CompareScalars(*b.max, b.type, v, literal.type) == 0);
    case CompareOp::kLt:
      return cmp_min(CompareOp::kLt);
    case CompareOp::kLe:
      return cmp_min(CompareOp::kLe);
    case CompareOp::kGt:
      return cmp_max(CompareOp::kGt);
    case CompareOp::kGe:
      return cmp_max(CompareOp::kGe);
  }
  return true;
}

bool CompareMayMatch(const Node& n, bool negated, const FileStats& stats) {
  const Node* column = n.children[0].get();
  const Node* literal = n.children[1].get();
  CompareOp op = n.cmp;
  if (!IsValueLiteral(*literal)) {
    std::swap(column, literal);
    op = FlipCompare(op);
  }
  if (!IsValueLiteral(*literal)) {
    // A comparison with NULL is never TRUE, nor is its negation.
    bool null_operand = std::any_of(n.children.begin(), n.children.end(), [](const auto& c) {
      return c->kind == NodeKind::kLiteral && c->value.is_null();
    });
    return !null_operand;
  }
  auto bounds = BoundsOf(*column, stats);
  if (!bounds) return true;
  if (negated) {
    if (bounds->floating) return !bounds->all_null;
    op = InvertCompare(op);
  }
  return RangeMayMatch(*bounds, op, *literal);
}

bool InMayMatch(const Node& n, bool negated, const FileStats& stats) {
  auto bounds = BoundsOf(*n.children[0], stats);
  if (!bounds) return true;
  if (bounds->all_null) return false;
  if (n.negated != negated) return true;  // NOT IN: judged only for all-null files
  for (size_t k = 1; k < n.children.size(); ++k) {
    const Node& item = *n.children[k];
    if (IsValueLiteral(item) && RangeMayMatch(*bounds, CompareOp::kEq, item)) return true;
  }
  return false;
}

bool BetweenMayMatch(const Node& n, bool negated, const FileStats& stats) {
  auto bounds = BoundsOf(*n.children[0], stats);
  if (!bounds) return true;
  if (bounds->all_null) return false;
  const Node& low = *n.children[1];
  const Node& high = *n.children[2];
  if (!IsValueLiteral(low) || !IsValueLiteral(high)) return true;
  if (n.negated == negated) {
    return RangeMayMatch(*bounds, CompareOp::kGe, low) &&
           RangeMayMatch(*bounds, CompareOp::kLe, high);
  }
  if (bounds->floating) return true;
  return RangeMayMatch(*bounds, CompareOp::kLt, low) ||
         RangeMayMatch(*bounds, CompareOp::kGt, high);
}

bool IsNullMayMatch(const Node& n, bool negated, const FileStats& stats) {
  const Node* column = StripCasts(*n.children[0]);
  if (column->kind != NodeKind::kColumn) return true;
  const ColumnStats* cs = stats.Find(PathKey(*column));
  if (!cs || !cs->null_count) return true;
  bool want_null = n.negated == negated;
  if (want_null) return *cs->null_count > 0;
  return !stats.num_records || *cs->null_count < *stats.num_records;
}

}  // namespace

bool NodeMayMatch(const Node& n, bool negated, const FileStats& stats) {
  switch (n.kind) {
    case NodeKind::kLiteral:
      if (n.value.is_null()) return false;  // NULL (and NOT NULL) is never TRUE
      if (n.type.id == TypeId::kBoolean) return n.value.as<bool>() != negated;
      return true;
    case NodeKind::kNot:
      return NodeMayMatch(*n.children[0], !negated, stats);
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      // AND needs every operand TRUE; NOT (a AND b) needs some operand FALSE; and conversely.
      bool need_all = (n.kind == NodeKind::kAnd) != negated;
      for (const auto& c : n.children) {
        bool may = NodeMayMatch(*c, negated, stats);
        if (need_all && !may) return false;
        if (!need_all && may) return true;
      }
      return need_all;
    }
    case NodeKind::kCompare:
      return CompareMayMatch(n, negated, stats);
    case NodeKind::kIn:
      return InMayMatch(n, negated, stats);
    case NodeKind::kBetween:
      return BetweenMayMatch(n, negated, stats);
    case NodeKind::kIsNull:
      return IsNullMayMatch(n, negated, stats);
    case NodeKind::kLike: {
      auto bounds = BoundsOf(*n.children[0], stats);
      return !bounds || !bounds->all_null;
    }
    case NodeKind::kColumn:
    case NodeKind::kCast:
    case NodeKind::kNegate:
    case NodeKind::kArith:
      return true;
  }
  return true;
}

}  // namespace keel::delta
