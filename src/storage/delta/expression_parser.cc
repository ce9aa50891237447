// Lexer and recursive-descent parser for the grammar in expression.h, and the canonical text.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/strings.h"
#include "storage/batch/value_format.h"
#include "storage/batch/value_parse.h"
#include "storage/delta/expression_internal.h"

namespace keel::delta {

namespace {

using batch::DataType;
using batch::TypeId;

enum class TokenKind { kIdent, kQuotedIdent, kNumber, kString, kSymbol, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t offset = 0;
  std::string text;  // identifiers and strings unescaped; symbols and numbers as written
};

constexpr std::string_view kKeywords[] = {"AND",     "OR",   "NOT",  "IS",    "NULL", "IN",
                                          "BETWEEN", "LIKE", "TRUE", "FALSE", "DATE", "TIMESTAMP"};

bool IsKeyword(std::string_view word) {
  return std::any_of(std::begin(kKeywords), std::end(kKeywords),
                     [&](std::string_view k) { return EqualsIgnoringCase(k, word); });
}

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status SyntaxError(size_t offset, const std::string& what) {
  return Status::InvalidArgument("cannot parse expression at offset " + std::to_string(offset) +
                                 ": " + what);
}

std::string Describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd:
      return "the end of the text";
    case TokenKind::kString:
      return "a string";
    case TokenKind::kQuotedIdent:
      return "`" + t.text + "`";
    default:
      return "'" + t.text + "'";
  }
}

// Quoted text at s[*pos] (the opening quote), with the quote doubled inside to escape it.
Result<std::string> QuotedText(std::string_view s, size_t* pos, char quote) {
  size_t start = *pos;
  std::string out;
  for (size_t i = start + 1; i < s.size(); ++i) {
    if (s[i] != quote) {
      out.push_back(s[i]);
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == quote) {
      out.push_back(quote);
      ++i;
      continue;
    }
    *pos = i + 1;
    return out;
  }
  return SyntaxError(start, std::string("unterminated ") +
                                (quote == '\'' ? "string" : "quoted name") + "; close it with " +
                                quote + " (write " + quote + quote + " for a " + quote +
                                " inside)");
}

Result<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    Token t;
    t.offset = i;
    if (i == s.size()) {
      tokens.push_back(std::move(t));
      return tokens;
    }
    char c = s[i];
    if (IsIdentStart(c)) {
      size_t start = i;
      while (i < s.size() && IsIdentChar(s[i])) ++i;
      t.kind = TokenKind::kIdent;
      t.text = std::string(s.substr(start, i - start));
    } else if (IsDigit(c) || (c == '.' && i + 1 < s.size() && IsDigit(s[i + 1]))) {
      size_t start = i;
      while (i < s.size() && IsDigit(s[i])) ++i;
      if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && IsDigit(s[i])) ++i;
      }
      if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        size_t exp = i + 1;
        if (exp < s.size() && (s[exp] == '+' || s[exp] == '-')) ++exp;
        if (exp >= s.size() || !IsDigit(s[exp])) {
          return SyntaxError(i, "an exponent needs digits, as in 1e3 or 2.5E-2");
        }
        i = exp;
        while (i < s.size() && IsDigit(s[i])) ++i;
      }
      if (i < s.size() && IsIdentChar(s[i])) {
        return SyntaxError(start, "a number runs into a name; put a space or an operator between");
      }
      t.kind = TokenKind::kNumber;
      t.text = std::string(s.substr(start, i - start));
    } else if (c == '\'' || c == '`') {
      KEEL_ASSIGN_OR_RETURN(t.text, QuotedText(s, &i, c));
      t.kind = c == '\'' ? TokenKind::kString : TokenKind::kQuotedIdent;
      if (t.kind == TokenKind::kQuotedIdent && t.text.empty()) {
        return SyntaxError(t.offset, "a quoted name may not be empty");
      }
    } else {
      static constexpr std::string_view kTwoChar[] = {"==", "!=", "<>", "<=", ">="};
      std::string_view two = s.substr(i, 2);
      t.kind = TokenKind::kSymbol;
      if (std::find(std::begin(kTwoChar), std::end(kTwoChar), two) != std::end(kTwoChar)) {
        t.text = std::string(two);
        i += 2;
      } else if (std::string_view("=<>+-*/%(),.").find(c) != std::string_view::npos) {
        t.text = std::string(1, c);
        ++i;
      } else {
        return SyntaxError(i, "unexpected character '" + std::string(1, c) +
                                  "'; quote strings with ' and names with `");
      }
    }
    tokens.push_back(std::move(t));
  }
}

std::unique_ptr<Node> MakeNode(NodeKind kind, size_t offset) {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  n->offset = offset;
  return n;
}

std::unique_ptr<Node> MakeLiteral(size_t offset, DataType type, batch::Value value) {
  auto n = MakeNode(NodeKind::kLiteral, offset);
  n->type = std::move(type);
  n->value = std::move(value);
  return n;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<std::unique_ptr<Node>> ParseAll() {
    KEEL_ASSIGN_OR_RETURN(auto root, ParseOr());
    if (Peek().kind != TokenKind::kEnd) {
      return SyntaxError(Peek().offset,
                         "unexpected " + Describe(Peek()) + "; join conditions with AND or OR");
    }
    return root;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool IsWord(const Token& t, std::string_view word) const {
    return t.kind == TokenKind::kIdent && EqualsIgnoringCase(t.text, word);
  }
  bool AcceptWord(std::string_view word) {
    if (!IsWord(Peek(), word)) return false;
    Next();
    return true;
  }
  bool IsSymbol(const Token& t, std::string_view sym) const {
    return t.kind == TokenKind::kSymbol && t.text == sym;
  }
  bool AcceptSymbol(std::string_view sym) {
    if (!IsSymbol(Peek(), sym)) return false;
    Next();
    return true;
  }
  Status Expect(bool ok, std::string_view what) const {
    if (ok) return Status::OK();
    return SyntaxError(Peek().offset,
                       "expected " + std::string(what) + " but found " + Describe(Peek()));
  }

  // Guards the recursion of parentheses, NOT and unary minus.
  Status Enter() {
    if (++depth_ > kMaxExpressionDepth) return TooDeep(Peek().offset);
    return Status::OK();
  }

  // Sets the height of `n` from its children. Operator chains (a + b + c ...) deepen the tree
  // without recursing in the parser, and the binder and evaluator recurse on the tree, so its
  // height is bounded as well as the parser's recursion.
  Result<std::unique_ptr<Node>> Grow(std::unique_ptr<Node> n) {
    int height = 0;
    for (const auto& c : n->children) height = std::max(height, c->height);
    n->height = height + 1;
    if (n->height > kMaxExpressionDepth) return TooDeep(n->offset);
    return n;
  }

  static Status TooDeep(size_t offset) {
    return SyntaxError(offset, "the expression nests more than " +
                                   std::to_string(kMaxExpressionDepth) +
                                   " levels deep; simplify it or split it into several");
  }

  Result<std::unique_ptr<Node>> ParseOr() { return ParseChain(NodeKind::kOr, "OR"); }

  Result<std::unique_ptr<Node>> ParseChain(NodeKind kind, std::string_view word) {
    size_t offset = Peek().offset;
    std::unique_ptr<Node> first;
    if (kind == NodeKind::kOr) {
      KEEL_ASSIGN_OR_RETURN(first, ParseChain(NodeKind::kAnd, "AND"));
    } else {
      KEEL_ASSIGN_OR_RETURN(first, ParseNot());
    }
    if (!IsWord(Peek(), word)) return first;
    auto chain = MakeNode(kind, offset);
    chain->children.push_back(std::move(first));
    while (AcceptWord(word)) {
      std::unique_ptr<Node> next;
      if (kind == NodeKind::kOr) {
        KEEL_ASSIGN_OR_RETURN(next, ParseChain(NodeKind::kAnd, "AND"));
      } else {
        KEEL_ASSIGN_OR_RETURN(next, ParseNot());
      }
      chain->children.push_back(std::move(next));
    }
    return Grow(std::move(chain));
  }

  Result<std::unique_ptr<Node>> ParseNot() {
    if (!IsWord(Peek(), "NOT")) return ParsePredicate();
    size_t offset = Next().offset;
    KEEL_RETURN_IF_ERROR(Enter());
    KEEL_ASSIGN_OR_RETURN(auto operand, ParseNot());
    --depth_;
    auto n = MakeNode(NodeKind::kNot, offset);
    n->children.push_back(std::move(operand));
    return Grow(std::move(n));
  }

  Result<std::unique_ptr<Node>> ParsePredicate() {
    KEEL_ASSIGN_OR_RETURN(auto left, ParseSum());
    const Token& t = Peek();
    static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
        {"=", CompareOp::kEq},  {"==", CompareOp::kEq}, {"!=", CompareOp::kNe},
        {"<>", CompareOp::kNe}, {"<", CompareOp::kLt},  {"<=", CompareOp::kLe},
        {">", CompareOp::kGt},  {">=", CompareOp::kGe}};
    for (const auto& [text, op] : kOps) {
      if (!IsSymbol(t, text)) continue;
      auto n = MakeNode(NodeKind::kCompare, Next().offset);
      n->cmp = op;
      KEEL_ASSIGN_OR_RETURN(auto right, ParseSum());
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(right));
      return Grow(std::move(n));
    }
    if (IsWord(t, "IS")) {
      auto n = MakeNode(NodeKind::kIsNull, Next().offset);
      n->negated = AcceptWord("NOT");
      KEEL_RETURN_IF_ERROR(Expect(AcceptWord("NULL"), "NULL after IS [NOT]"));
      n->children.push_back(std::move(left));
      return Grow(std::move(n));
    }
    size_t offset = t.offset;
    bool negated = AcceptWord("NOT");
    if (AcceptWord("IN")) return ParseIn(std::move(left), negated, offset);
    if (AcceptWord("BETWEEN")) {
      auto n = MakeNode(NodeKind::kBetween, offset);
      n->negated = negated;
      KEEL_ASSIGN_OR_RETURN(auto low, ParseSum());
      KEEL_RETURN_IF_ERROR(Expect(AcceptWord("AND"), "AND between the bounds of BETWEEN"));
      KEEL_ASSIGN_OR_RETURN(auto high, ParseSum());
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(low));
      n->children.push_back(std::move(high));
      return Grow(std::move(n));
    }
    if (AcceptWord("LIKE")) {
      auto n = MakeNode(NodeKind::kLike, offset);
      n->negated = negated;
      KEEL_RETURN_IF_ERROR(
          Expect(Peek().kind == TokenKind::kString, "a quoted pattern after LIKE"));
      n->pattern = Next().text;
      n->children.push_back(std::move(left));
      return Grow(std::move(n));
    }
    if (negated) {
      return SyntaxError(Peek().offset,
                         "expected IN, BETWEEN or LIKE after NOT but found " + Describe(Peek()));
    }
    return left;
  }

  Result<std::unique_ptr<Node>> ParseIn(std::unique_ptr<Node> left, bool negated, size_t offset) {
    auto n = MakeNode(NodeKind::kIn, offset);
    n->negated = negated;
    n->children.push_back(std::move(left));
    KEEL_RETURN_IF_ERROR(Expect(AcceptSymbol("("), "'(' to open the IN list"));
    do {
      if (n->children.size() > kMaxInListItems) {
        return SyntaxError(Peek().offset, "an IN list may hold at most " +
                                              std::to_string(kMaxInListItems) +
                                              " values; split the condition or use a join");
      }
      size_t item_offset = Peek().offset;
      bool minus = AcceptSymbol("-");
      KEEL_ASSIGN_OR_RETURN(auto item, ParseLiteral());
      if (!item) return SyntaxError(item_offset, "an IN list holds literal values only");
      if (minus) {
        KEEL_ASSIGN_OR_RETURN(item, NegateLiteral(std::move(item)));
      }
      n->children.push_back(std::move(item));
    } while (AcceptSymbol(","));
    KEEL_RETURN_IF_ERROR(Expect(AcceptSymbol(")"), "',' or ')' in the IN list"));
    return Grow(std::move(n));
  }

  using OperatorTable = std::initializer_list<std::pair<std::string_view, ArithOp>>;
  using Level = Result<std::unique_ptr<Node>> (Parser::*)();

  // operand ( op operand )*, left-associative, for the operators of one precedence level.
  Result<std::unique_ptr<Node>> ParseArith(Level operand, OperatorTable ops) {
    KEEL_ASSIGN_OR_RETURN(auto left, (this->*operand)());
    while (true) {
      auto op = std::find_if(ops.begin(), ops.end(),
                             [&](const auto& entry) { return IsSymbol(Peek(), entry.first); });
      if (op == ops.end()) return left;
      auto n = MakeNode(NodeKind::kArith, Next().offset);
      n->arith = op->second;
      KEEL_ASSIGN_OR_RETURN(auto right, (this->*operand)());
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(right));
      KEEL_ASSIGN_OR_RETURN(left, Grow(std::move(n)));
    }
  }

  Result<std::unique_ptr<Node>> ParseSum() {
    return ParseArith(&Parser::ParseProduct, {{"+", ArithOp::kAdd}, {"-", ArithOp::kSub}});
  }

  Result<std::unique_ptr<Node>> ParseProduct() {
    return ParseArith(&Parser::ParseUnary,
                      {{"*", ArithOp::kMul}, {"/", ArithOp::kDiv}, {"%", ArithOp::kMod}});
  }

  Result<std::unique_ptr<Node>> ParseUnary() {
    if (!IsSymbol(Peek(), "-")) return ParsePrimary();
    size_t offset = Next().offset;
    KEEL_RETURN_IF_ERROR(Enter());
    KEEL_ASSIGN_OR_RETURN(auto operand, ParseUnary());
    --depth_;
    if (operand->kind == NodeKind::kLiteral && !operand->null_literal) {
      return NegateLiteral(std::move(operand));
    }
    auto n = MakeNode(NodeKind::kNegate, offset);
    n->children.push_back(std::move(operand));
    return Grow(std::move(n));
  }

  Result<std::unique_ptr<Node>> ParsePrimary() {
    if (IsSymbol(Peek(), "(")) {
      Next();
      KEEL_RETURN_IF_ERROR(Enter());
      KEEL_ASSIGN_OR_RETURN(auto inner, ParseOr());
      --depth_;
      KEEL_RETURN_IF_ERROR(Expect(AcceptSymbol(")"), "')'"));
      return inner;
    }
    KEEL_ASSIGN_OR_RETURN(auto literal, ParseLiteral());
    if (literal) return literal;
    const Token& t = Peek();
    if (t.kind == TokenKind::kQuotedIdent || (t.kind == TokenKind::kIdent && !IsKeyword(t.text)) ||
        IsWord(t, "DATE") || IsWord(t, "TIMESTAMP")) {
      auto n = MakeNode(NodeKind::kColumn, t.offset);
      n->path.push_back(Next().text);
      while (AcceptSymbol(".")) {
        const Token& part = Peek();
        KEEL_RETURN_IF_ERROR(
            Expect(part.kind == TokenKind::kIdent || part.kind == TokenKind::kQuotedIdent,
                   "a field name after '.'"));
        n->path.push_back(Next().text);
      }
      return n;
    }
    return SyntaxError(t.offset, "expected a column, a literal or '(' but found " + Describe(t));
  }

  // A literal at the current token, or null when the token does not start one.
  Result<std::unique_ptr<Node>> ParseLiteral() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kString) {
      Next();
      return MakeLiteral(t.offset, DataType::Primitive(TypeId::kString), batch::Value(t.text));
    }
    if (t.kind == TokenKind::kNumber) return ParseNumber(Next());
    if (IsWord(t, "TRUE") || IsWord(t, "FALSE")) {
      Next();
      return MakeLiteral(t.offset, DataType::Primitive(TypeId::kBoolean),
                         batch::Value(IsWord(t, "TRUE")));
    }
    if (IsWord(t, "NULL")) {
      auto n = MakeNode(NodeKind::kLiteral, Next().offset);
      n->null_literal = true;
      return n;
    }
    bool is_date = IsWord(t, "DATE");
    if ((is_date || IsWord(t, "TIMESTAMP")) && Peek(1).kind == TokenKind::kString) {
      Next();
      const Token& text = Next();
      if (is_date) {
        auto days = batch::ParseDate(text.text);
        if (!days) {
          return SyntaxError(text.offset,
                             "'" + text.text + "' is not a date; write DATE 'YYYY-MM-DD'");
        }
        return MakeLiteral(t.offset, DataType::Primitive(TypeId::kDate),
                           batch::Value(int64_t{*days}));
      }
      auto ts = batch::ParseTimestamp(text.text);
      if (!ts) {
        return SyntaxError(text.offset, "'" + text.text +
                                            "' is not a timestamp; write TIMESTAMP "
                                            "'YYYY-MM-DD HH:MM:SS[.ffffff][Z|+HH:MM]'");
      }
      return MakeLiteral(t.offset, DataType::Primitive(TypeId::kTimestamp),
                         batch::Value(ts->micros));
    }
    return std::unique_ptr<Node>();
  }

  static Result<std::unique_ptr<Node>> ParseNumber(const Token& t) {
    const std::string& s = t.text;
    bool has_exponent = s.find_first_of("eE") != std::string::npos;
    if (!has_exponent && s.find('.') == std::string::npos) {
      int64_t v = 0;
      auto res = std::from_chars(s.data(), s.data() + s.size(), v);
      if (res.ec == std::errc() && res.ptr == s.data() + s.size()) {
        return MakeLiteral(t.offset, DataType::Primitive(TypeId::kLong), batch::Value(v));
      }
    }
    if (!has_exponent) {
      if (auto d = batch::ParseDecimal(s)) {
        return MakeLiteral(t.offset, DataType::Decimal(d->precision, d->scale),
                           batch::Value(d->unscaled));
      }
    }
    double v = std::strtod(s.c_str(), nullptr);
    if (!std::isfinite(v)) {
      return SyntaxError(t.offset, "the number " + s + " is out of range for a double");
    }
    return MakeLiteral(t.offset, DataType::Primitive(TypeId::kDouble), batch::Value(v));
  }

  static Result<std::unique_ptr<Node>> NegateLiteral(std::unique_ptr<Node> n) {
    const batch::Value& v = n->value;
    if (v.is<int64_t>() && n->type.id == TypeId::kLong) {
      n->value = batch::Value(-v.as<int64_t>());  // parsed literals are never negative
    } else if (v.is<batch::Int128>()) {
      batch::Int128 neg = -v.as<batch::Int128>();
      // -9223372036854775808 is a long, though its digits alone are not.
      if (n->type.scale == 0 && neg >= INT64_MIN && neg <= INT64_MAX) {
        n->type = DataType::Primitive(TypeId::kLong);
        n->value = batch::Value(static_cast<int64_t>(neg));
      } else {
        n->value = batch::Value(neg);
      }
    } else if (v.is<double>()) {
      n->value = batch::Value(-v.as<double>());
    } else {
      return SyntaxError(n->offset, "only numbers can be negated");
    }
    return n;
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

bool IsPlainName(const std::string& name) {
  if (name.empty() || !IsIdentStart(name[0]) || IsKeyword(name)) return false;
  return std::all_of(name.begin(), name.end(), IsIdentChar);
}

void AppendQuotedText(std::string_view s, char quote, std::string* out) {
  out->push_back(quote);
  for (char c : s) {
    out->push_back(c);
    if (c == quote) out->push_back(quote);
  }
  out->push_back(quote);
}

void AppendLiteralText(const Node& n, std::string* out) {
  if (n.null_literal || n.value.is_null()) {
    out->append("NULL");
    return;
  }
  switch (n.type.id) {
    case TypeId::kBoolean:
      out->append(n.value.as<bool>() ? "TRUE" : "FALSE");
      return;
    case TypeId::kDate:
      out->append("DATE ");
      AppendQuotedText(batch::FormatDate(static_cast<int32_t>(n.value.as<int64_t>())), '\'', out);
      return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      out->append("TIMESTAMP ");
      AppendQuotedText(
          batch::FormatTimestampMicros(n.value.as<int64_t>(), n.type.id == TypeId::kTimestamp),
          '\'', out);
      return;
    case TypeId::kDecimal:
      out->append(batch::FormatDecimal(n.value.as<batch::Int128>(), n.type.scale));
      return;
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double v = n.value.is<float>() ? n.value.as<float>() : n.value.as<double>();
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof(buf), v);
      std::string text(buf, res.ptr);
      // Keep it a double when read back: 1000 would be a long.
      if (text.find_first_of("eE") == std::string::npos) text += "E0";
      out->append(text);
      return;
    }
    case TypeId::kString:
    case TypeId::kBinary:
      AppendQuotedText(n.value.as<std::string>(), '\'', out);
      return;
    default:
      out->append(std::to_string(n.value.as<int64_t>()));
      return;
  }
}

// Indexed by CompareOp and ArithOp.
constexpr std::string_view kCompareText[] = {"=", "<>", "<", "<=", ">", ">="};
constexpr std::string_view kArithText[] = {" + ", " - ", " * ", " / ", " % "};

}  // namespace

Result<std::unique_ptr<Node>> ParseExpressionTree(std::string_view text) {
  if (text.size() > kMaxExpressionBytes) {
    return Status::InvalidArgument("the expression is " + std::to_string(text.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxExpressionBytes) +
                                   " bytes; split it into several smaller conditions");
  }
  KEEL_ASSIGN_OR_RETURN(auto tokens, Tokenize(text));
  Parser parser(std::move(tokens));
  return parser.ParseAll();
}

void AppendNodeText(const Node& n, std::string* out) {
  auto child = [&](size_t k) { AppendNodeText(*n.children[k], out); };
  switch (n.kind) {
    case NodeKind::kLiteral:
      AppendLiteralText(n, out);
      return;
    case NodeKind::kColumn:
      for (size_t k = 0; k < n.path.size(); ++k) {
        if (k) out->push_back('.');
        if (IsPlainName(n.path[k])) {
          out->append(n.path[k]);
        } else {
          AppendQuotedText(n.path[k], '`', out);
        }
      }
      return;
    case NodeKind::kCast:
      child(0);
      return;
    case NodeKind::kNegate:
      out->append("(-");
      child(0);
      out->append(")");
      return;
    case NodeKind::kArith:
    case NodeKind::kCompare:
      out->push_back('(');
      child(0);
      if (n.kind == NodeKind::kArith) {
        out->append(kArithText[static_cast<int>(n.arith)]);
      } else {
        out->push_back(' ');
        out->append(kCompareText[static_cast<int>(n.cmp)]);
        out->push_back(' ');
      }
      child(1);
      out->push_back(')');
      return;
    case NodeKind::kIsNull:
      out->push_back('(');
      child(0);
      out->append(n.negated ? " IS NOT NULL)" : " IS NULL)");
      return;
    case NodeKind::kIn:
      out->push_back('(');
      child(0);
      out->append(n.negated ? " NOT IN (" : " IN (");
      for (size_t k = 1; k < n.children.size(); ++k) {
        if (k > 1) out->append(", ");
        child(k);
      }
      out->append("))");
      return;
    case NodeKind::kBetween:
      out->push_back('(');
      child(0);
      out->append(n.negated ? " NOT BETWEEN " : " BETWEEN ");
      child(1);
      out->append(" AND ");
      child(2);
      out->push_back(')');
      return;
    case NodeKind::kLike:
      out->push_back('(');
      child(0);
      out->append(n.negated ? " NOT LIKE " : " LIKE ");
      AppendQuotedText(n.pattern, '\'', out);
      out->push_back(')');
      return;
    case NodeKind::kNot:
      out->append("(NOT ");
      child(0);
      out->push_back(')');
      return;
    case NodeKind::kAnd:
    case NodeKind::kOr:
      out->push_back('(');
      for (size_t k = 0; k < n.children.size(); ++k) {
        if (k) out->append(n.kind == NodeKind::kAnd ? " AND " : " OR ");
        child(k);
      }
      out->push_back(')');
      return;
  }
}

}  // namespace keel::delta
