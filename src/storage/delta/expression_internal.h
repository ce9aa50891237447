#pragma once

// Private to src/storage/delta and its tests: the expression tree shared by the parser, the
// binder, the evaluator and data skipping.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/batch/data_type.h"
#include "storage/batch/row.h"
#include "storage/delta/expression.h"

namespace keel::delta {

inline constexpr size_t kMaxExpressionBytes = 64 * 1024;
// Depth of the expression tree; a chain of ANDs (or ORs) counts as one level.
inline constexpr int kMaxExpressionDepth = 64;
inline constexpr size_t kMaxInListItems = 10000;

enum class NodeKind {
  kLiteral,
  kColumn,
  kCast,  // implicit, inserted by Bind; never printed
  kNegate,
  kArith,
  kCompare,
  kIsNull,
  kIn,       // children: value, then the list items (literals)
  kBetween,  // children: value, low, high
  kLike,     // children: value; pattern in `pattern`
  kNot,
  kAnd,  // n-ary
  kOr,   // n-ary
};

// The order is used by tables (FlipCompare, InvertCompare, the parser's operator text).
enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };
enum class ArithOp { kAdd, kSub, kMul, kDiv, kMod };  // order used by a table too

struct Expression::Node {
  NodeKind kind = NodeKind::kLiteral;
  size_t offset = 0;  // byte offset of the node in the text, for messages
  // Literals: the type from the parse (refined by Bind); others: set by Bind.
  batch::DataType type = batch::DataType::Primitive(batch::TypeId::kBoolean);
  bool null_literal = false;      // kLiteral NULL: its type follows the other operand
  batch::Value value;             // kLiteral
  std::vector<std::string> path;  // kColumn: names, after Bind as spelled in the schema
  CompareOp cmp = CompareOp::kEq;
  ArithOp arith = ArithOp::kAdd;
  bool negated = false;  // NOT IN, NOT BETWEEN, NOT LIKE, IS NOT NULL
  std::string pattern;   // kLike
  int height = 1;        // of the subtree, bounded by kMaxExpressionDepth
  std::vector<std::unique_ptr<Node>> children;
};

using Node = Expression::Node;

// Parser (expression_parser.cc). Errors: kInvalidParameterValue with the byte offset.
Result<std::unique_ptr<Node>> ParseExpressionTree(std::string_view text);
// Canonical, fully parenthesised text of a tree.
void AppendNodeText(const Node& node, std::string* out);

// Binder (expression_bind.cc): resolves columns against `schema`, types every node and
// inserts implicit casts (folding them into literals).
Status BindTree(const batch::Schema& schema, Node* root);

// Comparison classes: operands of a comparison are brought to one class by Bind.
enum class CompareClass { kInteger, kFloating, kDecimal, kBytes, kBoolean, kNone };
CompareClass ClassOf(const batch::DataType& type);

// Three-way comparison of two non-null scalars of the same class (decimals of any scales).
int CompareScalars(const batch::Value& a, const batch::DataType& a_type, const batch::Value& b,
                   const batch::DataType& b_type);
// `v` of type `from` converted to `to` (the implicit casts Bind inserts); nullopt when it does
// not fit.
std::optional<batch::Value> CastScalar(const batch::Value& v, const batch::DataType& from,
                                       const batch::DataType& to);
// Whether CompareOp `op` holds for a three-way result `c`.
bool CompareHolds(CompareOp op, int c);
// The operator with its operands swapped (a < b  <=>  b > a).
CompareOp FlipCompare(CompareOp op);
// The operator that is true exactly when `op` is false (for non-null, non-NaN operands).
CompareOp InvertCompare(CompareOp op);

// Evaluator (expression_eval.cc).
Result<batch::Column> EvaluateTree(const Node& root, const batch::RecordBatch& batch);

// Data skipping (expression_stats.cc): whether `node` (negated: NOT node) may be TRUE for
// some row of a file with `stats`.
bool NodeMayMatch(const Node& node, bool negated, const FileStats& stats);

// LIKE with % and _ (one UTF-8 character) and backslash escapes.
bool LikeMatches(std::string_view text, std::string_view pattern);

}  // namespace keel::delta
