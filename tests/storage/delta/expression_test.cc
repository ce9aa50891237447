#include "storage/delta/expression.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <random>

#include "storage/batch/row.h"
#include "storage/batch/value_format.h"
#include "storage/batch/value_parse.h"
#include "storage/delta/expression_internal.h"

namespace keel::delta {
namespace {

using batch::DataType;
using batch::Int128;
using batch::Row;
using batch::TypeId;
using batch::Value;

DataType T(TypeId id) { return DataType::Primitive(id); }

// A table with one column of each kind, and a struct.
batch::Schema TestSchema() {
  batch::Schema s;
  s.fields = {
      {"b", T(TypeId::kBoolean)},
      {"i8", T(TypeId::kByte)},
      {"i16", T(TypeId::kShort)},
      {"i", T(TypeId::kInt)},
      {"l", T(TypeId::kLong)},
      {"f", T(TypeId::kFloat)},
      {"d", T(TypeId::kDouble)},
      {"dec", DataType::Decimal(10, 2)},
      {"s", T(TypeId::kString)},
      {"day", T(TypeId::kDate)},
      {"ts", T(TypeId::kTimestamp)},
      {"st", DataType::Struct({{"x", T(TypeId::kInt)}, {"name", T(TypeId::kString)}})},
      {"a.b", T(TypeId::kInt)},
      {"Mixed", T(TypeId::kInt)},
  };
  return s;
}

int64_t Days(const char* text) { return *batch::ParseDate(text); }
int64_t Micros(const char* text) { return batch::ParseTimestamp(text)->micros; }

// Rows: 0 is ordinary, 1 holds nulls everywhere, 2 has other values, 3 a null struct.
batch::RecordBatch TestBatch() {
  auto st = [](Value x, Value name) { return Value(Value::List{std::move(x), std::move(name)}); };
  std::vector<Row> rows = {
      {Value(true), Value(int64_t{1}), Value(int64_t{100}), Value(int64_t{10}),
       Value(int64_t{10000000000}), Value(1.5f), Value(2.25), Value(Int128{1250}),
       Value(std::string("apple")), Value(Days("2024-01-31")),
       Value(Micros("2024-01-31T10:00:00Z")), st(Value(int64_t{5}), Value(std::string("n1"))),
       Value(int64_t{7}), Value(int64_t{1})},
      {Value(), Value(), Value(), Value(), Value(), Value(), Value(), Value(), Value(), Value(),
       Value(), st(Value(), Value()), Value(), Value()},
      {Value(false), Value(int64_t{-3}), Value(int64_t{-100}), Value(int64_t{-10}),
       Value(int64_t{-5}), Value(std::nanf("")), Value(-1.0), Value(Int128{-50}),
       Value(std::string("\xc3\xa9t\xc3\xa9")), Value(Days("1999-12-31")),
       Value(Micros("1999-12-31T23:59:59.999999Z")), st(Value(int64_t{6}), Value()),
       Value(int64_t{8}), Value(int64_t{2})},
      {Value(true), Value(int64_t{0}), Value(int64_t{0}), Value(int64_t{0}), Value(int64_t{0}),
       Value(0.0f), Value(0.0), Value(Int128{0}), Value(std::string("")), Value(Days("2024-02-29")),
       Value(Micros("2024-02-29T00:00:00Z")), Value(), Value(int64_t{9}), Value(int64_t{3})},
  };
  auto batch = batch::FromRows(TestSchema(), rows);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return std::move(batch).value();
}

Expression Bound(const std::string& text) {
  auto e = Expression::Parse(text);
  EXPECT_TRUE(e.ok()) << text << ": " << e.status().ToString();
  if (!e.ok()) return Expression();
  Status s = e->Bind(TestSchema());
  EXPECT_TRUE(s.ok()) << text << ": " << s.ToString();
  return std::move(e).value();
}

// The predicate over TestBatch as a string of T (true), F (false) and N (null), one per row.
std::string Truth(const std::string& text) {
  Expression e = Bound(text);
  auto col = e.Evaluate(TestBatch());
  EXPECT_TRUE(col.ok()) << text << ": " << col.status().ToString();
  if (!col.ok()) return "?";
  EXPECT_EQ(col->type.id, TypeId::kBoolean) << text;
  std::string out;
  for (int64_t i = 0; i < col->length; ++i)
    out += !col->IsValid(i) ? 'N' : col->bools[i] ? 'T' : 'F';
  return out;
}

Status ParseError(const std::string& text) {
  auto e = Expression::Parse(text);
  if (e.ok()) return Status::OK();
  return e.status();
}

Status BindError(const std::string& text) {
  auto e = Expression::Parse(text);
  if (!e.ok()) return e.status();
  return e->Bind(TestSchema());
}

bool Has(const Status& s, const std::string& part) {
  return s.message().find(part) != std::string::npos;
}

// ---- parsing ------------------------------------------------------------------------------

TEST(ExpressionParseTest, ErrorsNameTheByteOffsetAndWhatWasExpected) {
  Status s = ParseError("a = ");
  EXPECT_EQ(s.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_TRUE(Has(s, "offset 4")) << s.ToString();
  EXPECT_TRUE(Has(s, "the end of the text")) << s.ToString();

  s = ParseError("(a = 1");
  EXPECT_TRUE(Has(s, "offset 6") && Has(s, "expected ')'")) << s.ToString();

  s = ParseError("a = 'abc");
  EXPECT_TRUE(Has(s, "offset 4") && Has(s, "unterminated string")) << s.ToString();

  s = ParseError("a # 1");
  EXPECT_TRUE(Has(s, "offset 2") && Has(s, "'#'")) << s.ToString();

  s = ParseError("a = 1 b = 2");
  EXPECT_TRUE(Has(s, "offset 6") && Has(s, "AND or OR")) << s.ToString();

  s = ParseError("a NOT 5");
  EXPECT_TRUE(Has(s, "IN, BETWEEN or LIKE")) << s.ToString();

  s = ParseError("a IN (b)");
  EXPECT_TRUE(Has(s, "offset 6") && Has(s, "literal")) << s.ToString();

  s = ParseError("a LIKE b");
  EXPECT_TRUE(Has(s, "quoted pattern")) << s.ToString();

  s = ParseError("x = DATE '2024-02-30'");
  EXPECT_TRUE(Has(s, "offset 9") && Has(s, "not a date")) << s.ToString();

  s = ParseError("x = 1e");
  EXPECT_TRUE(Has(s, "exponent")) << s.ToString();

  EXPECT_FALSE(ParseError("").ok());
  EXPECT_FALSE(ParseError("   ").ok());
  EXPECT_FALSE(ParseError("``").ok());
  EXPECT_FALSE(ParseError("a IS 5").ok());
  EXPECT_FALSE(ParseError("a BETWEEN 1 OR 2").ok());
  EXPECT_FALSE(ParseError("1x = 2").ok());
}

TEST(ExpressionParseTest, ToStringIsCanonicalAndParsesBackToItself) {
  const std::pair<const char*, const char*> cases[] = {
      {"a = 1 and b <> 'x''y' or not c", "(((a = 1) AND (b <> 'x''y')) OR (NOT c))"},
      {"a == 1", "(a = 1)"},
      {"a != 1", "(a <> 1)"},
      {"-a + 2 * 3 - 4 / 5 % 6", "(((-a) + (2 * 3)) - ((4 / 5) % 6))"},
      {"x in (1, -2, 3.50) AND y NOT IN ('a')", "((x IN (1, -2, 3.50)) AND (y NOT IN ('a')))"},
      {"x between -1 and 1e3", "(x BETWEEN -1 AND 1000E0)"},
      {"x not like 'a%' and y is not null and z is null",
       "((x NOT LIKE 'a%') AND (y IS NOT NULL) AND (z IS NULL))"},
      {"`a.b` > 1 and st.x < 2 and `we``ird` = `and`",
       "((`a.b` > 1) AND (st.x < 2) AND (`we``ird` = `and`))"},
      {"d = date '2024-01-31' or t = TIMESTAMP '2024-01-31 10:00:00+02:00'",
       "((d = DATE '2024-01-31') OR (t = TIMESTAMP '2024-01-31T08:00:00.000000Z'))"},
      {"date > '2020-01-01'", "(`date` > '2020-01-01')"},
      {"TRUE and false or null", "((TRUE AND FALSE) OR NULL)"},
      {"x = -9223372036854775808", "(x = -9223372036854775808)"},
      {"x = 99999999999999999999", "(x = 99999999999999999999)"},
  };
  for (const auto& [text, canonical] : cases) {
    auto e = Expression::Parse(text);
    ASSERT_TRUE(e.ok()) << text << ": " << e.status().ToString();
    std::string got = e->ToString();
    EXPECT_EQ(got, canonical) << text;
    auto again = Expression::Parse(got);
    ASSERT_TRUE(again.ok()) << got;
    EXPECT_EQ(again->ToString(), got);
  }
}

TEST(ExpressionParseTest, LimitsAreErrorsNotCrashes) {
  // Deep nesting: an error, not a stack overflow.
  for (std::string open : {"(", "NOT ", "-"}) {
    std::string text;
    for (int k = 0; k < 10000; ++k) text += open;
    text += "a";
    if (open == "(") text += std::string(10000, ')');
    Status s = ParseError(text);
    EXPECT_FALSE(s.ok()) << open;
    EXPECT_TRUE(Has(s, "nests more than 64")) << s.ToString();
  }
  // Long operator chains deepen the tree without recursion in the parser.
  std::string chain = "a";
  for (int k = 0; k < 10000; ++k) chain += "+a";
  EXPECT_TRUE(Has(ParseError(chain), "nests more than 64"));
  // A flat AND chain is one level, however long.
  std::string conj = "i = 0";
  for (int k = 1; k < 2000; ++k) conj += " AND i <> " + std::to_string(k);
  EXPECT_TRUE(ParseError(conj).ok());
  // 63 levels of parentheses are fine.
  EXPECT_TRUE(ParseError(std::string(60, '(') + "a" + std::string(60, ')')).ok());

  std::string in = "i IN (0";
  for (int k = 1; k < 10000; ++k) in += "," + std::to_string(k);
  EXPECT_TRUE(ParseError(in + ")").ok());
  Status too_many = ParseError(in + ",10000)");
  EXPECT_TRUE(Has(too_many, "at most 10000")) << too_many.ToString();

  std::string big = "s = '" + std::string(64 * 1024, 'x') + "'";
  Status s = ParseError(big);
  EXPECT_TRUE(Has(s, "limit is 65536")) << s.ToString();
  EXPECT_TRUE(ParseError("s = '" + std::string(64 * 1024 - 7, 'x') + "'").ok());
}

TEST(ExpressionParseTest, RandomInputNeverCrashes) {
  std::mt19937 rng(42);
  const std::string alphabet = "abc ()'`.,=<>!+-*/%01239eE_\"#\\\n\t";
  const char* words[] = {"AND ",     "OR ",   "NOT ",  "IN ",        "IS ", "NULL ",
                         "BETWEEN ", "LIKE ", "DATE ", "TIMESTAMP ", "( ",  ") ",
                         "'x' ",     "`y` ",  "1 ",    "= ",         ", "};
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text;
    int len = rng() % 40;
    for (int k = 0; k < len; ++k) {
      if (iter % 2) {
        text += words[rng() % std::size(words)];
      } else if (rng() % 4 == 0) {
        text += static_cast<char>(rng() % 256);
      } else {
        text += alphabet[rng() % alphabet.size()];
      }
    }
    auto e = Expression::Parse(text);
    if (!e.ok()) {
      EXPECT_EQ(e.status().code(), ErrorCode::kInvalidParameterValue) << text;
      continue;
    }
    // Whatever parses prints as something that parses again, and binding never crashes.
    EXPECT_TRUE(Expression::Parse(e->ToString()).ok()) << text << " -> " << e->ToString();
    if (e->Bind(TestSchema()).ok()) {
      (void)e->Evaluate(TestBatch());
      (void)e->MayMatch(FileStats{});
    }
  }
}

// ---- binding ------------------------------------------------------------------------------

TEST(ExpressionBindTest, UnknownColumnListsTheColumnsThatExist) {
  Status s = BindError("nope = 1");
  EXPECT_EQ(s.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_TRUE(Has(s, "unknown column 'nope'") && Has(s, "b, i8, i16")) << s.ToString();
  s = BindError("st.zz = 1");
  EXPECT_TRUE(Has(s, "'zz'") && Has(s, "x, name")) << s.ToString();
  s = BindError("i.x = 1");
  EXPECT_TRUE(Has(s, "not a struct")) << s.ToString();
  // a.b is struct access; the column named "a.b" needs back-quotes.
  EXPECT_TRUE(Has(BindError("a.b = 1"), "unknown column 'a'"));
  EXPECT_TRUE(BindError("`a.b` = 1").ok());
}

TEST(ExpressionBindTest, TypeMismatchesNameBothSides) {
  Status s = BindError("s = 1");
  EXPECT_TRUE(Has(s, "cannot compare s (string) with 1 (long)")) << s.ToString();
  EXPECT_FALSE(BindError("day = 5").ok());
  EXPECT_FALSE(BindError("b = 1").ok());
  EXPECT_FALSE(BindError("st = 1").ok());
  EXPECT_TRUE(Has(BindError("i AND b"), "not a condition")) << BindError("i AND b").ToString();
  EXPECT_TRUE(Has(BindError("s + 1"), "arithmetic needs numbers"));
  EXPECT_TRUE(Has(BindError("i LIKE 'a'"), "LIKE needs a string"));
  EXPECT_TRUE(Has(BindError("-s = 1"), "only numbers can be negated"));
  s = BindError("day = '2024-13-01'");
  EXPECT_TRUE(Has(s, "not a valid date") && Has(s, "YYYY-MM-DD")) << s.ToString();
  EXPECT_TRUE(Has(BindError("ts > 'yesterday'"), "not a valid timestamp"));
  EXPECT_TRUE(Has(BindError("i IN (1, 'a')"), "cannot compare"));
}

TEST(ExpressionBindTest, NamesMatchIgnoringCaseAndReportSchemaSpelling) {
  Expression e = Bound("MIXED = 1 and ST.X > 0 and I < 3 and i > 1");
  EXPECT_EQ(e.ReferencedColumns(), (std::vector<std::string>{"Mixed", "i", "st"}));
  EXPECT_EQ(e.ToString(), "((Mixed = 1) AND (st.x > 0) AND (i < 3) AND (i > 1))");
  EXPECT_EQ(e.type().id, TypeId::kBoolean);
  EXPECT_EQ(Bound("i + l").type().id, TypeId::kLong);
  EXPECT_EQ(Bound("i / 2").type().id, TypeId::kDouble);
  EXPECT_EQ(Bound("dec + 1").type(), DataType::Decimal(38, 2));
  EXPECT_EQ(Bound("dec * 1.5").type(), DataType::Decimal(38, 3));
}

TEST(ExpressionBindTest, BindingAgainRebindsFromTheTextAndCopiesAreIndependent) {
  auto e = Expression::Parse("x > '2024-01-01'");
  ASSERT_TRUE(e.ok());
  batch::Schema dates{{{"x", T(TypeId::kDate)}}};
  batch::Schema strings{{{"x", T(TypeId::kString)}}};
  ASSERT_TRUE(e->Bind(dates).ok());
  Expression copy = *e;
  EXPECT_EQ(copy.ToString(), "(x > DATE '2024-01-01')");
  ASSERT_TRUE(e->Bind(strings).ok());
  EXPECT_EQ(e->ToString(), "(x > '2024-01-01')");
  EXPECT_EQ(copy.ToString(), "(x > DATE '2024-01-01')");
  Expression unbound;
  EXPECT_FALSE(unbound.Bind(dates).ok());
  auto parsed = Expression::Parse("x = 1");
  EXPECT_FALSE(parsed->Evaluate(TestBatch()).ok());
}

// ---- evaluation ---------------------------------------------------------------------------

TEST(ExpressionEvalTest, ThreeValuedLogicTruthTables) {
  // Operands: TRUE, FALSE and NULL as literals, every pair.
  const char* v[] = {"TRUE", "FALSE", "NULL"};
  const char* and_table[3][3] = {{"T", "F", "N"}, {"F", "F", "F"}, {"N", "F", "N"}};
  const char* or_table[3][3] = {{"T", "T", "T"}, {"T", "F", "N"}, {"T", "N", "N"}};
  for (int x = 0; x < 3; ++x) {
    for (int y = 0; y < 3; ++y) {
      std::string a = std::string(v[x]) + " AND " + v[y];
      std::string o = std::string(v[x]) + " OR " + v[y];
      EXPECT_EQ(Truth(a), std::string(4, and_table[x][y][0])) << a;
      EXPECT_EQ(Truth(o), std::string(4, or_table[x][y][0])) << o;
    }
  }
  EXPECT_EQ(Truth("NOT TRUE"), "FFFF");
  EXPECT_EQ(Truth("NOT NULL"), "NNNN");
  // Over a column: b is T, N, F, T.
  EXPECT_EQ(Truth("b"), "TNFT");
  EXPECT_EQ(Truth("NOT b"), "FNTF");
  EXPECT_EQ(Truth("b AND FALSE"), "FFFF");
  EXPECT_EQ(Truth("b AND TRUE"), "TNFT");
  EXPECT_EQ(Truth("b OR TRUE"), "TTTT");
  EXPECT_EQ(Truth("b OR FALSE"), "TNFT");
  EXPECT_EQ(Truth("b AND NULL"), "NNFN");
  EXPECT_EQ(Truth("b OR NULL"), "TNNT");
  EXPECT_EQ(Truth("b AND b AND NOT b"), "FNFF");
  EXPECT_EQ(Truth("b = TRUE"), "TNFT");
  EXPECT_EQ(Truth("b > FALSE"), "TNFT");
}

TEST(ExpressionEvalTest, ComparisonsOfEveryType) {
  // Integers of every width, widened; null rows are null.
  EXPECT_EQ(Truth("i8 > 0"), "TNFF");
  EXPECT_EQ(Truth("i16 <= -100"), "FNTF");
  EXPECT_EQ(Truth("i = 10"), "TNFF");
  EXPECT_EQ(Truth("l >= 10000000000"), "TNFF");
  EXPECT_EQ(Truth("i8 < i16"), "TNFF");
  EXPECT_EQ(Truth("10 = i"), "TNFF");
  EXPECT_EQ(Truth("i <> 10"), "FNTT");
  // Against a double or a decimal literal, by value.
  EXPECT_EQ(Truth("i > 9.5"), "TNFF");
  EXPECT_EQ(Truth("i > 9.5e0"), "TNFF");
  EXPECT_EQ(Truth("i = 10.00"), "TNFF");
  // Floats: NaN compares false (and unequal).
  EXPECT_EQ(Truth("f = 1.5"), "TNFF");
  EXPECT_EQ(Truth("f > 0"), "TNFF");
  EXPECT_EQ(Truth("f <> 0"), "TNTF");
  EXPECT_EQ(Truth("d < 0"), "FNTF");
  EXPECT_EQ(Truth("d > f"), "TNFF");
  // Decimals (scale 2) against literals of other scales and integers.
  EXPECT_EQ(Truth("dec = 12.5"), "TNFF");
  EXPECT_EQ(Truth("dec = 12.500"), "TNFF");
  EXPECT_EQ(Truth("dec > 12.499"), "TNFF");
  EXPECT_EQ(Truth("dec < 0"), "FNTF");
  EXPECT_EQ(Truth("dec = -0.5"), "FNTF");
  EXPECT_EQ(Truth("dec > d"), "TNTF");
  EXPECT_EQ(Truth("dec >= 12"), "TNFF");
  // Strings compare bytewise (UTF-8 sorts after ASCII).
  EXPECT_EQ(Truth("s = 'apple'"), "TNFF");
  EXPECT_EQ(Truth("s > 'zzz'"), "FNTF");
  EXPECT_EQ(Truth("s < 'apple'"), "FNFT");
  EXPECT_EQ(Truth("s >= ''"), "TNTT");
  // Dates and timestamps against strings, typed literals and each other.
  EXPECT_EQ(Truth("day = '2024-01-31'"), "TNFF");
  EXPECT_EQ(Truth("day > DATE '2000-01-01'"), "TNFT");
  EXPECT_EQ(Truth("'2024-02-01' > day"), "TNTF");
  EXPECT_EQ(Truth("ts = '2024-01-31T12:00:00+02:00'"), "TNFF");
  EXPECT_EQ(Truth("ts = '2024-01-31 10:00:00'"), "TNFF");
  EXPECT_EQ(Truth("ts < TIMESTAMP '2000-01-01 00:00:00Z'"), "FNTF");
  EXPECT_EQ(Truth("ts >= '1999-12-31T23:59:59.999999Z'"), "TNTT");
  EXPECT_EQ(Truth("ts > '1999-12-31T23:59:59.999998Z' and ts < '2000-01-01'"), "FNTF");
  EXPECT_EQ(Truth("ts >= day"), "TNTT");
  EXPECT_EQ(Truth("ts = DATE '2024-02-29'"), "FNFT");
  EXPECT_EQ(Truth("day = TIMESTAMP '2024-02-29 00:00:00'"), "FNFT");
  // Comparisons with NULL are null.
  EXPECT_EQ(Truth("i = NULL"), "NNNN");
  EXPECT_EQ(Truth("NULL <> s"), "NNNN");
}

TEST(ExpressionEvalTest, NullTestsInBetweenAndLike) {
  EXPECT_EQ(Truth("i IS NULL"), "FTFF");
  EXPECT_EQ(Truth("s IS NOT NULL"), "TFTT");
  EXPECT_EQ(Truth("NULL IS NULL"), "TTTT");
  EXPECT_EQ(Truth("st IS NULL"), "FFFT");
  EXPECT_EQ(Truth("i IN (10, 0)"), "TNFT");
  EXPECT_EQ(Truth("i NOT IN (10, 0)"), "FNTF");
  EXPECT_EQ(Truth("i IN (10, NULL)"), "TNNN");
  EXPECT_EQ(Truth("i NOT IN (10, NULL)"), "FNNN");
  EXPECT_EQ(Truth("i IN (10.0, -10.5)"), "TNFF");
  EXPECT_EQ(Truth("d IN (2.25, -1)"), "TNTF");
  EXPECT_EQ(Truth("f IN (1.5, 0)"), "TNFT") << "NaN is in no list";
  EXPECT_EQ(Truth("dec IN (12.5, 0.001, -0.50)"), "TNTF");
  EXPECT_EQ(Truth("s IN ('apple', '')"), "TNFT");
  EXPECT_EQ(Truth("day IN ('2024-01-31', '2024-02-29')"), "TNFT");
  EXPECT_EQ(Truth("b IN (FALSE)"), "FNTF");
  EXPECT_EQ(Truth("NULL IN (1)"), "NNNN");
  EXPECT_EQ(Truth("i BETWEEN 0 AND 10"), "TNFT");
  EXPECT_EQ(Truth("i NOT BETWEEN 0 AND 10"), "FNTF");
  EXPECT_EQ(Truth("i BETWEEN NULL AND 5"), "FNNN");  // FALSE AND NULL is FALSE
  EXPECT_EQ(Truth("i BETWEEN -10 AND l"), "TNTT");
  EXPECT_EQ(Truth("s LIKE 'a%'"), "TNFF");
  EXPECT_EQ(Truth("s LIKE '%p_e'"), "TNFF");
  EXPECT_EQ(Truth("s LIKE '_t_'"), "FNTF");  // _ is one UTF-8 character
  EXPECT_EQ(Truth("s LIKE '%'"), "TNTT");
  EXPECT_EQ(Truth("s LIKE ''"), "FNFT");
  EXPECT_EQ(Truth("s NOT LIKE '%pp%'"), "FNTT");
  EXPECT_EQ(Truth("s LIKE 'apple_'"), "FNFF");
}

TEST(ExpressionEvalTest, LikeEscapesAndBacktracking) {
  EXPECT_TRUE(LikeMatches("50%", "50\\%"));
  EXPECT_FALSE(LikeMatches("500", "50\\%"));
  EXPECT_TRUE(LikeMatches("a_b", "a\\_b"));
  EXPECT_FALSE(LikeMatches("axb", "a\\_b"));
  EXPECT_TRUE(LikeMatches("aaaaab", "%a%ab"));
  EXPECT_TRUE(LikeMatches("mississippi", "m%iss%ppi"));
  EXPECT_FALSE(LikeMatches("mississippi", "m%iss%ppx"));
  EXPECT_TRUE(LikeMatches("", "%%"));
  EXPECT_TRUE(LikeMatches("\xe2\x82\xac", "_"));
  EXPECT_FALSE(LikeMatches("\xe2\x82\xac", "__"));
}

TEST(ExpressionEvalTest, ArithmeticWidensAndDivisionByZeroIsNull) {
  auto ints = [](const std::string& text) {
    auto col = Bound(text).Evaluate(TestBatch());
    EXPECT_TRUE(col.ok()) << col.status().ToString();
    std::vector<Value> out;
    for (int64_t i = 0; i < col->length; ++i) out.push_back(batch::ValueAt(*col, i));
    return out;
  };
  EXPECT_EQ(ints("i + i8 * 2"), (std::vector<Value>{Value(int64_t{12}), Value(),
                                                    Value(int64_t{-16}), Value(int64_t{0})}));
  EXPECT_EQ(ints("i % 3"), (std::vector<Value>{Value(int64_t{1}), Value(), Value(int64_t{-1}),
                                               Value(int64_t{0})}));
  EXPECT_EQ(ints("10 % i"),
            (std::vector<Value>{Value(int64_t{0}), Value(), Value(int64_t{0}), Value()}));
  EXPECT_EQ(ints("i / 4"), (std::vector<Value>{Value(2.5), Value(), Value(-2.5), Value(0.0)}));
  EXPECT_EQ(ints("1 / i"), (std::vector<Value>{Value(0.1), Value(), Value(-0.1), Value()}));
  EXPECT_EQ(ints("-i"), (std::vector<Value>{Value(int64_t{-10}), Value(), Value(int64_t{10}),
                                            Value(int64_t{0})}));
  EXPECT_EQ(ints("dec + 1"), (std::vector<Value>{Value(Int128{1350}), Value(), Value(Int128{50}),
                                                 Value(Int128{100})}));
  EXPECT_EQ(ints("dec * 0.5"), (std::vector<Value>{Value(Int128{6250}), Value(),
                                                   Value(Int128{-250}), Value(Int128{0})}));
  EXPECT_EQ(ints("d - 0.25"),
            (std::vector<Value>{Value(2.0), Value(), Value(-1.25), Value(-0.25)}));
  EXPECT_EQ(ints("l * 1000000000 * 1000000000")[0], Value(int64_t{4477988020393345024}))
      << "long arithmetic wraps as Spark's does without ANSI mode";
  EXPECT_EQ(ints("1 + 2"), (std::vector<Value>(4, Value(int64_t{3}))));
  EXPECT_EQ(Truth("i * 2 = i + i"), "TNTT");
  EXPECT_EQ(Truth("l / 2 > 1e9"), "TNFF");
  EXPECT_EQ(Truth("i % 0 IS NULL"), "TTTT");
}

TEST(ExpressionEvalTest, StructFieldsAreNullUnderANullStruct) {
  EXPECT_EQ(Truth("st.x > 5"), "FNTN");
  EXPECT_EQ(Truth("st.x IS NULL"), "FTFT");
  EXPECT_EQ(Truth("st.name = 'n1'"), "TNNN");
  EXPECT_EQ(Truth("`a.b` = 8"), "FNTF");
}

TEST(ExpressionEvalTest, PredicateBytesAndTypeErrors) {
  auto bits = Bound("i > 0 OR b").EvaluatePredicate(TestBatch());
  ASSERT_TRUE(bits.ok());
  EXPECT_EQ(*bits, (std::vector<uint8_t>{1, 0, 0, 1}));
  auto not_bool = Bound("i + 1").EvaluatePredicate(TestBatch());
  EXPECT_FALSE(not_bool.ok());
  EXPECT_TRUE(Has(not_bool.status(), "not a condition"));
  auto nothing = Bound("NULL").EvaluatePredicate(TestBatch());
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(*nothing, std::vector<uint8_t>(4, 0));

  // A batch whose column differs from the bound schema is refused, not misread.
  batch::Schema other{{{"i", T(TypeId::kString)}}};
  auto batch = batch::FromRows(other, {{Value(std::string("x"))}});
  auto r = Bound("i = 1").Evaluate(*batch);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Has(r.status(), "bind it to the batch's schema")) << r.status().ToString();
  auto missing = Bound("l = 1").Evaluate(*batch);
  EXPECT_FALSE(missing.ok());
}

TEST(ExpressionEvalTest, EvaluatesMillionsOfRowsInATightLoop) {
  batch::Schema schema{{{"x", T(TypeId::kLong)}, {"y", T(TypeId::kInt)}}};
  batch::RecordBatch batch = batch::RecordBatch::Make(schema);
  const int64_t n = 2000000;
  batch.num_rows = n;
  for (auto& c : batch.columns) c.length = n;
  batch.columns[0].i64.resize(n);
  batch.columns[1].i32.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    batch.columns[0].i64[i] = i;
    batch.columns[1].i32[i] = static_cast<int32_t>(i % 100);
  }
  auto e = Expression::Parse("x >= 1000 AND y < 10 OR y IN (50, 51)");
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(e->Bind(schema).ok());
  auto start = std::chrono::steady_clock::now();
  auto bits = e->EvaluatePredicate(batch);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(bits.ok());
  int64_t hits = 0;
  for (uint8_t b : *bits) hits += b;
  EXPECT_EQ(hits, (n - 1000) / 10 + n / 50);
  EXPECT_LT(seconds, 5.0) << "even an unoptimised build does this in well under a second";
}

// ---- data skipping ------------------------------------------------------------------------

FileStats Stats(int64_t rows) {
  FileStats s;
  s.num_records = rows;
  s.columns["i"] = {Value(int64_t{10}), Value(int64_t{20}), int64_t{0}};
  s.columns["d"] = {Value(1.0), Value(2.0), int64_t{0}};
  s.columns["dec"] = {Value(Int128{100}), Value(Int128{200}), int64_t{2}};  // 1.00 .. 2.00
  s.columns["s"] = {Value(std::string("b")), Value(std::string("d")), int64_t{0}};
  s.columns["day"] = {Value(Days("2024-01-01")), Value(Days("2024-01-31")), int64_t{0}};
  s.columns["ts"] = {Value(Micros("2024-01-01T00:00:00Z")), Value(Micros("2024-01-02T00:00:00Z")),
                     std::nullopt};
  s.columns["st.x"] = {Value(int64_t{1}), Value(int64_t{1}), int64_t{0}};
  s.columns["l"] = {std::nullopt, std::nullopt, rows};  // all null
  return s;
}

bool May(const std::string& text, const FileStats& stats = Stats(100)) {
  return Bound(text).MayMatch(stats);
}

TEST(ExpressionSkipTest, ComparisonsSkipOutsideMinMaxInBothOrientations) {
  EXPECT_TRUE(May("i = 10"));
  EXPECT_TRUE(May("i = 20"));
  EXPECT_FALSE(May("i = 21"));
  EXPECT_FALSE(May("i = 9"));
  EXPECT_FALSE(May("i < 10"));
  EXPECT_TRUE(May("i <= 10"));
  EXPECT_FALSE(May("i > 20"));
  EXPECT_TRUE(May("i >= 20"));
  EXPECT_FALSE(May("10 > i"));
  EXPECT_TRUE(May("20 <= i"));
  EXPECT_FALSE(May("25 < i"));
  EXPECT_TRUE(May("i <> 10"));
  EXPECT_FALSE(May("st.x <> 1"));
  EXPECT_TRUE(May("st.x = 1.0"));
  EXPECT_FALSE(May("i > 20.5"));
  EXPECT_TRUE(May("i > 19.5e0"));
  EXPECT_FALSE(May("d > 2"));
  EXPECT_TRUE(May("d >= 2"));
  EXPECT_FALSE(May("dec > 2.001"));
  EXPECT_TRUE(May("dec = 2"));
  EXPECT_FALSE(May("dec < 1"));
  EXPECT_FALSE(May("s > 'd'"));
  EXPECT_TRUE(May("s > 'cz'"));
  EXPECT_FALSE(May("s < 'b'"));
  EXPECT_FALSE(May("day > '2024-01-31'"));
  EXPECT_TRUE(May("day = DATE '2024-01-15'"));
  EXPECT_FALSE(May("ts > TIMESTAMP '2024-01-02 00:00:01'"));
  EXPECT_TRUE(May("ts > '2024-01-01T23:00:00-01:00'") == false);
  EXPECT_TRUE(May("ts >= day"));
  EXPECT_FALSE(May("ts < DATE '2024-01-01'"));
}

TEST(ExpressionSkipTest, LogicInBetweenAndNulls) {
  EXPECT_FALSE(May("i > 50 AND d = 1"));
  EXPECT_TRUE(May("i > 50 OR d = 1"));
  EXPECT_FALSE(May("i > 50 OR d > 5"));
  EXPECT_TRUE(May("NOT (i > 50)"));
  EXPECT_FALSE(May("NOT (i >= 10)"));
  EXPECT_FALSE(May("NOT (i < 50 AND i >= 0)"));
  EXPECT_TRUE(May("NOT (i < 15 AND i > 12)"));
  EXPECT_FALSE(May("NOT (i <= 20 OR s = 'c')"));
  EXPECT_TRUE(May("NOT (d > 5)")) << "NaN rows make NOT (d > 5) TRUE";
  EXPECT_TRUE(May("d <> 1"));
  EXPECT_TRUE(May("i IN (1, 15)"));
  EXPECT_FALSE(May("i IN (1, 25, NULL)"));
  EXPECT_TRUE(May("i NOT IN (1, 25)"));
  EXPECT_FALSE(May("NOT (i NOT IN (1, 25))"));
  EXPECT_TRUE(May("i BETWEEN 0 AND 10"));
  EXPECT_FALSE(May("i BETWEEN 21 AND 30"));
  EXPECT_FALSE(May("i BETWEEN 0 AND 9"));
  EXPECT_FALSE(May("i NOT BETWEEN 0 AND 30"));
  EXPECT_TRUE(May("i NOT BETWEEN 15 AND 30"));
  EXPECT_FALSE(May("i IS NULL"));
  EXPECT_TRUE(May("dec IS NULL"));
  EXPECT_TRUE(May("i IS NOT NULL"));
  EXPECT_FALSE(May("l IS NOT NULL"));
  EXPECT_FALSE(May("NOT (l IS NULL)"));
  EXPECT_FALSE(May("l = 5")) << "an all-null column matches no comparison";
  EXPECT_FALSE(May("l <> 5"));
  EXPECT_FALSE(May("NOT (l = 5)"));
  EXPECT_TRUE(May("ts IS NULL")) << "unknown null count";
  EXPECT_FALSE(May("FALSE"));
  EXPECT_FALSE(May("NULL"));
  EXPECT_FALSE(May("i = NULL"));
  EXPECT_FALSE(May("NOT (i = NULL)"));
  EXPECT_TRUE(May("TRUE"));
}

TEST(ExpressionSkipTest, UnknownStatisticsAndUnjudgedFormsNeverSkip) {
  EXPECT_TRUE(May("i > 100", FileStats{}));
  EXPECT_TRUE(May("i8 > 100"));  // no stats for i8
  EXPECT_TRUE(May("i + 0 > 100"));
  EXPECT_TRUE(May("i > i8"));
  EXPECT_TRUE(May("s LIKE 'z%'"));
  EXPECT_TRUE(May("b"));
  FileStats only_min;
  only_min.columns["i"] = {Value(int64_t{10}), std::nullopt, std::nullopt};
  EXPECT_TRUE(May("i > 100", only_min));
  EXPECT_FALSE(May("i < 5", only_min));
  // An unbound expression cannot judge anything.
  auto unbound = Expression::Parse("i > 100");
  EXPECT_TRUE(unbound->MayMatch(Stats(100)));
}

TEST(ExpressionSkipTest, LongStringMaxIsTreatedAsUnknown) {
  FileStats s;
  std::string long_max(kMaxStatsStringBytes, 'm');  // may be a truncated prefix
  s.columns["s"] = {Value(std::string("a")), Value(long_max), int64_t{0}};
  EXPECT_TRUE(May("s > 'n'", s));
  EXPECT_TRUE(May("s = 'mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm'", s));
  EXPECT_FALSE(May("s < 'a'", s));
  s.columns["s"].max = Value(std::string(kMaxStatsStringBytes - 1, 'm'));
  EXPECT_FALSE(May("s > 'n'", s));
}

// Random files and random predicates: whenever MayMatch skips a file (using the statistics
// that ComputeFileStatsJson writes and ParseFileStats reads back), no row of it may be TRUE.
TEST(ExpressionSkipTest, SkippingIsSoundOnRandomData) {
  batch::Schema schema{{{"i", T(TypeId::kInt)},
                        {"l", T(TypeId::kLong)},
                        {"d", T(TypeId::kDouble)},
                        {"dec", DataType::Decimal(10, 2)},
                        {"s", T(TypeId::kString)},
                        {"day", T(TypeId::kDate)},
                        {"ts", T(TypeId::kTimestamp)},
                        {"st", DataType::Struct({{"x", T(TypeId::kInt)}})}}};
  std::mt19937 rng(7);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const std::vector<std::string> words = {
      "", "a", "ab", "b", "\xc3\xa9", "m", std::string(40, 'm'), std::string(33, 'm') + "a"};
  auto random_value = [&](int column) -> Value {
    if (pick(5) == 0) return Value();
    switch (column) {
      case 0:
      case 1:
      case 5:
        return Value(int64_t{pick(11) - 5});
      case 2:
        return pick(8) == 0 ? Value(std::nan("")) : Value((pick(11) - 5) / 2.0);
      case 3:
        return Value(Int128{pick(1001) - 500});
      case 4:
        return Value(words[pick(static_cast<int>(words.size()))]);
      case 6:
        return Value(int64_t{pick(5200) - 100});
      default:
        return Value(Value::List{pick(3) ? Value(int64_t{pick(5)}) : Value()});
    }
  };
  auto literal = [&](int column) -> std::string {
    switch (column) {
      case 0:
      case 1:
      case 7:
        return pick(3) ? std::to_string(pick(15) - 7) : std::to_string(pick(15) - 7) + ".5";
      case 2:
        return pick(2) ? std::to_string((pick(13) - 6) / 2.0) : std::to_string(pick(7) - 3);
      case 3:
        return batch::FormatDecimal(pick(1201) - 600, 3);
      case 4: {
        const char* more[] = {"'m'", "'mz'", "'n'", "'a'", "''", "'\xc3\xa9'", "'b'"};
        return more[pick(7)];
      }
      case 5:
        return (pick(2) ? "DATE '" : "'") + batch::FormatDate(pick(13) - 6) + "'";
      default:
        return "'" + batch::FormatTimestampMicros(pick(5400) - 200, true) + "'";
    }
  };
  const char* names[] = {"i", "l", "d", "dec", "s", "day", "ts", "st.x"};
  const char* ops[] = {"=", "<>", "<", "<=", ">", ">="};
  std::function<std::string(int)> predicate = [&](int depth) -> std::string {
    int kind = depth > 2 ? pick(5) : pick(8);
    int c = pick(8);
    std::string col = names[c];
    switch (kind) {
      case 0:
      case 1:
        return pick(2) ? col + " " + ops[pick(6)] + " " + literal(c)
                       : literal(c) + " " + ops[pick(6)] + " " + col;
      case 2:
        return col + (pick(2) ? " IN (" : " NOT IN (") + literal(c) + ", " + literal(c) +
               (pick(4) ? ")" : ", NULL)");
      case 3:
        return col + (pick(2) ? " BETWEEN " : " NOT BETWEEN ") + literal(c) + " AND " + literal(c);
      case 4:
        return col + (pick(2) ? " IS NULL" : " IS NOT NULL");
      case 5:
        return "NOT (" + predicate(depth + 1) + ")";
      case 6:
        return "(" + predicate(depth + 1) + " AND " + predicate(depth + 1) + ")";
      default:
        return "(" + predicate(depth + 1) + " OR " + predicate(depth + 1) + ")";
    }
  };
  int skipped = 0, checked = 0;
  for (int file = 0; file < 300; ++file) {
    std::vector<Row> rows(1 + pick(12));
    int null_column = pick(10);  // sometimes one column is null throughout
    for (Row& row : rows) {
      for (int c = 0; c < 8; ++c) row.push_back(c == null_column ? Value() : random_value(c));
    }
    auto batch = batch::FromRows(schema, rows);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    std::string json = ComputeFileStatsJson(*batch);
    auto stats = ParseFileStats(json, schema);
    ASSERT_TRUE(stats.ok()) << json;
    for (int q = 0; q < 30; ++q) {
      std::string text = predicate(0);
      auto e = Expression::Parse(text);
      ASSERT_TRUE(e.ok()) << text << ": " << e.status().ToString();
      Status bound = e->Bind(schema);
      ASSERT_TRUE(bound.ok()) << text << ": " << bound.ToString();
      auto bits = e->EvaluatePredicate(*batch);
      ASSERT_TRUE(bits.ok()) << text;
      ++checked;
      if (e->MayMatch(*stats)) continue;
      ++skipped;
      for (size_t r = 0; r < bits->size(); ++r) {
        ASSERT_EQ((*bits)[r], 0) << "skipped a file whose row " << r << " matches " << text
                                 << "\nstats: " << json;
      }
    }
  }
  EXPECT_GT(skipped, checked / 20) << "the generator should make skipping happen";
}

}  // namespace
}  // namespace keel::delta
