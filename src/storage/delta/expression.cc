// The Expression façade: parse, bind, and dispatch to the evaluator and data skipping. The
// parser, binder, evaluator and skipping live in expression_{parser,bind,eval,stats}.cc.

#include "storage/delta/expression.h"

#include <algorithm>

#include "storage/delta/expression_internal.h"

namespace keel::delta {

namespace {

void CollectColumns(const Node& n, std::vector<std::string>* out) {
  if (n.kind == NodeKind::kColumn) out->push_back(n.path[0]);
  for (const auto& c : n.children) CollectColumns(*c, out);
}

const batch::DataType& BooleanType() {
  static const batch::DataType kBoolean = batch::DataType::Primitive(batch::TypeId::kBoolean);
  return kBoolean;
}

}  // namespace

Expression::Expression() = default;
Expression::~Expression() = default;
// The tree is immutable once built (Bind builds a new one), so copies share it.
Expression::Expression(const Expression&) = default;
Expression& Expression::operator=(const Expression&) = default;
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;

Result<Expression> Expression::Parse(std::string_view text) {
  KEEL_ASSIGN_OR_RETURN(auto root, ParseExpressionTree(text));
  Expression e;
  e.root_ = std::move(root);
  e.text_ = std::string(text);
  return e;
}

Status Expression::Bind(const batch::Schema& schema) {
  if (!root_) return Status::InvalidState("bind an expression made by Expression::Parse");
  // Binding rewrites the tree (casts, folded literals), so it starts from a fresh parse of the
  // text: binding again to another schema sees what the user wrote, and copies that share
  // the old tree are left alone.
  KEEL_ASSIGN_OR_RETURN(auto fresh, ParseExpressionTree(text_));
  KEEL_RETURN_IF_ERROR(BindTree(schema, fresh.get()));
  root_ = std::move(fresh);
  bound_ = true;
  return Status::OK();
}

Result<batch::Column> Expression::Evaluate(const batch::RecordBatch& batch) const {
  if (!bound_) return Status::InvalidState("bind the expression to a schema before evaluating it");
  return EvaluateTree(*root_, batch);
}

Result<std::vector<uint8_t>> Expression::EvaluatePredicate(const batch::RecordBatch& batch) const {
  if (bound_ && root_->type.id != batch::TypeId::kBoolean && !root_->null_literal) {
    return Status::InvalidArgument("the expression " + ToString() + " is a " +
                                   root_->type.ToString() +
                                   ", not a condition; compare it with something");
  }
  KEEL_ASSIGN_OR_RETURN(batch::Column result, Evaluate(batch));
  std::vector<uint8_t> out(result.length, 0);
  if (result.bools.size() != out.size()) return out;  // the NULL literal: no row is TRUE
  for (int64_t i = 0; i < result.length; ++i) out[i] = result.bools[i] & result.IsValid(i);
  return out;
}

bool Expression::MayMatch(const FileStats& stats) const {
  if (!bound_) return true;
  return NodeMayMatch(*root_, /*negated=*/false, stats);
}

const batch::DataType& Expression::type() const { return root_ ? root_->type : BooleanType(); }

std::vector<std::string> Expression::ReferencedColumns() const {
  std::vector<std::string> out;
  if (root_) CollectColumns(*root_, &out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string Expression::ToString() const {
  std::string out;
  if (root_) AppendNodeText(*root_, &out);
  return out;
}

}  // namespace keel::delta
