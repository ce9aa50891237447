#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/batch/column.h"
#include "storage/batch/data_type.h"
#include "storage/batch/record_batch.h"
#include "storage/delta/file_stats.h"

namespace keel::delta {

// A SQL expression over the columns of a table: the predicates of DELETE / UPDATE / overwrite
// (`replaceWhere`) / reads, and the right-hand sides of UPDATE assignments. Parsed by a real
// recursive-descent parser (never pasted into anything), bound to a schema, then evaluated on
// record batches (SQL three-valued logic) or against file statistics for data skipping.
//
// Grammar (keywords case-insensitive):
//   expr    := or
//   or      := and ( OR and )*
//   and     := not ( AND not )*
//   not     := NOT not | predicate
//   predicate := sum ( cmp sum
//                    | IS [NOT] NULL
//                    | [NOT] IN '(' literal (',' literal)* ')'
//                    | [NOT] BETWEEN sum AND sum
//                    | [NOT] LIKE 'pattern' )?          -- % and _ wildcards
//   cmp     := = | == | != | <> | < | <= | > | >=
//   sum     := product ( (+|-) product )*
//   product := unary ( (*|/|%) unary )*
//   unary   := - unary | primary
//   primary := literal | column | '(' expr ')'
//   column  := identifier ( '.' identifier )*  | `back-quoted name` (dots inside are literal)
//   literal := integer | decimal/float (1.5, 1e3) | 'string' ('' escapes a quote) | TRUE | FALSE
//            | NULL | DATE 'YYYY-MM-DD' | TIMESTAMP 'YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|+HH:MM]'
//
// Typing (Bind): comparisons between numbers widen (integers to long, then to double when a
// float/double is involved; decimals compare by value); strings with strings; a string literal
// compared with a date/timestamp column is parsed as one; booleans with booleans. Anything else
// is kInvalidParameterValue naming the expression and both types. Unknown columns are
// kInvalidParameterValue listing the columns that exist.
//
// Errors from Parse are kInvalidParameterValue with the byte offset and what was expected.
// Limits: text ≤ 64 KiB, nesting ≤ 64, IN lists ≤ 10,000 items.
//
// Thread-safety: a bound Expression is immutable; const methods may run concurrently.
class Expression {
 public:
  struct Node;  // defined in expression.cc

  static Result<Expression> Parse(std::string_view text);

  // Resolves column references against `schema` and type-checks. Must be called (successfully)
  // before Evaluate*/MayMatch. May be called again with another schema.
  Status Bind(const batch::Schema& schema);

  // The value of the expression for each row of `batch` (whose schema must contain the bound
  // columns by name; other columns are ignored). Result type: the expression's type. Integer
  // division by zero gives null, as Spark's non-ANSI mode does.
  Result<batch::Column> Evaluate(const batch::RecordBatch& batch) const;

  // For a boolean expression: one byte per row, 1 where the expression is TRUE (false and
  // null are 0). kInvalidParameterValue when the expression is not boolean.
  Result<std::vector<uint8_t>> EvaluatePredicate(const batch::RecordBatch& batch) const;

  // For a boolean expression: false only when no row of a file with `stats` can make it TRUE
  // (data skipping). Conservative: unknown statistics, arithmetic, LIKE and anything it cannot
  // judge answer true.
  bool MayMatch(const FileStats& stats) const;

  // The type of the bound expression.
  const batch::DataType& type() const;
  // Top-level column names referenced (after Bind: as spelled in the schema), sorted, unique.
  std::vector<std::string> ReferencedColumns() const;
  // Canonical SQL text (fully parenthesised), e.g. for commitInfo.operationParameters.
  std::string ToString() const;

  Expression();
  ~Expression();
  Expression(const Expression&);
  Expression& operator=(const Expression&);
  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;

 private:
  std::shared_ptr<Node> root_;
  std::string text_;
  bool bound_ = false;
};

}  // namespace keel::delta
