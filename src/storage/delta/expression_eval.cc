// Columnar evaluation of a bound expression: every node produces a whole column (or one
// scalar for literals), and comparisons, arithmetic and logic run as tight loops over the
// column vectors. Values at null slots are computed and ignored; validity is tracked apart.

#include <algorithm>
#include <cmath>
#include <functional>

#include "storage/batch/row.h"
#include "storage/batch/value_parse.h"
#include "storage/delta/expression_internal.h"

namespace keel::delta {

namespace {

using batch::Column;
using batch::DataType;
using batch::Int128;
using batch::TypeId;

// A node's value: a column of the batch's length, or one scalar that stands for every row.
struct Operand {
  std::shared_ptr<const Column> col;
  bool scalar = false;

  const Column& c() const { return *col; }
  bool valid(int64_t i) const { return col->IsValid(scalar ? 0 : i); }
};

struct EvalContext {
  const batch::RecordBatch& batch;
  int64_t rows;
};

bool UsesI32(TypeId id) {
  return id == TypeId::kByte || id == TypeId::kShort || id == TypeId::kInt || id == TypeId::kDate;
}

template <typename T>
struct Span {
  const T* p;
  T operator()(int64_t i) const { return p[i]; }
};
template <typename T>
struct Const {
  T v;
  T operator()(int64_t) const { return v; }
};
struct Strings {
  const int64_t* offsets;
  const char* bytes;
  std::string_view operator()(int64_t i) const {
    return std::string_view(bytes + offsets[i], offsets[i + 1] - offsets[i]);
  }
};

// Calls f with an accessor i -> value for the operand, by storage.
template <typename F>
void VisitInteger(const Operand& o, F&& f) {
  const Column& c = o.c();
  bool narrow = UsesI32(c.type.id);
  if (o.scalar) return f(Const<int64_t>{narrow ? c.i32[0] : c.i64[0]});
  if (narrow) return f(Span<int32_t>{c.i32.data()});
  f(Span<int64_t>{c.i64.data()});
}

template <typename F>
void VisitFloating(const Operand& o, F&& f) {
  const Column& c = o.c();
  bool narrow = c.type.id == TypeId::kFloat;
  if (o.scalar) return f(Const<double>{narrow ? c.f32[0] : c.f64[0]});
  if (narrow) return f(Span<float>{c.f32.data()});
  f(Span<double>{c.f64.data()});
}

template <typename F>
void VisitDecimal(const Operand& o, F&& f) {
  if (o.scalar) return f(Const<Int128>{o.c().dec[0]});
  f(Span<Int128>{o.c().dec.data()});
}

template <typename F>
void VisitBytes(const Operand& o, F&& f) {
  Strings s{o.c().offsets.data(), o.c().bytes.data()};
  if (o.scalar) return f(Const<std::string_view>{s(0)});
  f(s);
}

template <typename F>
void VisitBoolean(const Operand& o, F&& f) {
  if (o.scalar) return f(Const<uint8_t>{o.c().bools[0]});
  f(Span<uint8_t>{o.c().bools.data()});
}

template <typename F>
void DispatchCompare(CompareOp op, F&& f) {
  switch (op) {
    case CompareOp::kEq:
      return f(std::equal_to<>());
    case CompareOp::kNe:
      return f(std::not_equal_to<>());
    case CompareOp::kLt:
      return f(std::less<>());
    case CompareOp::kLe:
      return f(std::less_equal<>());
    case CompareOp::kGt:
      return f(std::greater<>());
    case CompareOp::kGe:
      return f(std::greater_equal<>());
  }
}

int64_t ResultLength(const std::vector<const Operand*>& operands, int64_t rows) {
  for (const Operand* o : operands) {
    if (!o->scalar) return rows;
  }
  return 1;
}

// The rows where every operand is valid; empty when all are.
std::vector<uint8_t> MergeValidity(const std::vector<const Operand*>& operands, int64_t m) {
  std::vector<uint8_t> v;
  for (const Operand* o : operands) {
    const std::vector<uint8_t>& ov = o->c().validity;
    if (ov.empty()) continue;
    if (v.empty()) v.assign(m, 1);
    if (o->scalar) {
      if (!ov[0]) std::fill(v.begin(), v.end(), 0);
      continue;
    }
    for (int64_t i = 0; i < m; ++i) v[i] &= ov[i];
  }
  return v;
}

Operand MakeResult(const DataType& type, int64_t m, std::vector<uint8_t> validity, bool scalar,
                   Column* fill) {
  fill->type = type;
  fill->length = m;
  fill->validity = std::move(validity);
  Operand out;
  out.scalar = scalar;
  out.col = std::make_shared<const Column>(std::move(*fill));
  return out;
}

Operand BooleanResult(std::vector<uint8_t> values, std::vector<uint8_t> validity, bool scalar) {
  Column c;
  c.bools = std::move(values);
  int64_t m = static_cast<int64_t>(c.bools.size());
  return MakeResult(DataType::Primitive(TypeId::kBoolean), m, std::move(validity), scalar, &c);
}

// -1, 0, 1 comparing decimals by value (scales may differ).
int CompareDecimalValues(Int128 a, int sa, Int128 b, int sb) {
  return CompareScalars(batch::Value(a), DataType::Decimal(38, sa), batch::Value(b),
                        DataType::Decimal(38, sb));
}

Operand Compare(const Operand& a, const Operand& b, CompareOp op, int64_t rows) {
  int64_t m = ResultLength({&a, &b}, rows);
  std::vector<uint8_t> out(m);
  uint8_t* o = out.data();
  auto run = [&](auto ga, auto gb) {
    DispatchCompare(op, [&](auto cmp) {
      for (int64_t i = 0; i < m; ++i) o[i] = cmp(ga(i), gb(i));
    });
  };
  switch (ClassOf(a.c().type)) {
    case CompareClass::kInteger:
      VisitInteger(a, [&](auto ga) { VisitInteger(b, [&](auto gb) { run(ga, gb); }); });
      break;
    case CompareClass::kFloating:
      VisitFloating(a, [&](auto ga) { VisitFloating(b, [&](auto gb) { run(ga, gb); }); });
      break;
    case CompareClass::kDecimal: {
      int sa = a.c().type.scale, sb = b.c().type.scale;
      if (sa == sb) {
        VisitDecimal(a, [&](auto ga) { VisitDecimal(b, [&](auto gb) { run(ga, gb); }); });
        break;
      }
      const Int128* da = a.c().dec.data();
      const Int128* db = b.c().dec.data();
      for (int64_t i = 0; i < m; ++i) {
        o[i] = CompareHolds(
            op, CompareDecimalValues(da[a.scalar ? 0 : i], sa, db[b.scalar ? 0 : i], sb));
      }
      break;
    }
    case CompareClass::kBytes:
      VisitBytes(a, [&](auto ga) { VisitBytes(b, [&](auto gb) { run(ga, gb); }); });
      break;
    case CompareClass::kBoolean:
      VisitBoolean(a, [&](auto ga) { VisitBoolean(b, [&](auto gb) { run(ga, gb); }); });
      break;
    case CompareClass::kNone:
      break;
  }
  return BooleanResult(std::move(out), MergeValidity({&a, &b}, m), m == 1 && rows != 1);
}

// A NULL literal compared with anything: every row is null.
bool IsNullScalar(const Operand& o) { return o.scalar && !o.c().IsValid(0); }

Operand AllNull(const DataType& type) {
  Column c = Column::Make(type);
  c.AppendNull();
  Operand o;
  o.scalar = true;
  o.col = std::make_shared<const Column>(std::move(c));
  return o;
}

// ---- arithmetic ---------------------------------------------------------------------------

// Long arithmetic wraps as Spark's does without ANSI mode; double arithmetic is IEEE.
int64_t Apply(ArithOp op, int64_t x, int64_t y) {
  uint64_t ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
  switch (op) {
    case ArithOp::kAdd:
      return static_cast<int64_t>(ux + uy);
    case ArithOp::kSub:
      return static_cast<int64_t>(ux - uy);
    case ArithOp::kMul:
      return static_cast<int64_t>(ux * uy);
    case ArithOp::kDiv:  // bound as double; not reached
    case ArithOp::kMod:
      // INT64_MIN % -1 overflows in C++; the answer is 0. Zero divisors are nulled by the caller.
      return (y == 0 || y == -1) ? 0 : x % y;
  }
  return 0;
}

double Apply(ArithOp op, double x, double y) {
  switch (op) {
    case ArithOp::kAdd:
      return x + y;
    case ArithOp::kSub:
      return x - y;
    case ArithOp::kMul:
      return x * y;
    case ArithOp::kDiv:
      return y == 0 ? 0 : x / y;
    case ArithOp::kMod:
      return y == 0 ? 0 : std::fmod(x, y);
  }
  return 0;
}

// Rows where the divisor is zero become null (Spark without ANSI mode).
void NullWhereZero(const std::vector<uint8_t>& zero, std::vector<uint8_t>* validity) {
  if (std::find(zero.begin(), zero.end(), 1) == zero.end()) return;
  if (validity->empty()) validity->assign(zero.size(), 1);
  for (size_t i = 0; i < zero.size(); ++i) (*validity)[i] &= !zero[i];
}

// + - * / % on longs (T = int64_t) or doubles (T = double).
template <typename T>
Operand ArithNumbers(const Operand& a, const Operand& b, ArithOp op, int64_t m, bool scalar) {
  constexpr bool kDouble = std::is_same_v<T, double>;
  Column c;
  std::vector<T>& values = [&]() -> std::vector<T>& {
    if constexpr (kDouble) {
      return c.f64;
    } else {
      return c.i64;
    }
  }();
  values.resize(m);
  T* o = values.data();
  auto visit = [](const Operand& x, auto&& f) {
    if constexpr (kDouble) {
      VisitFloating(x, f);
    } else {
      VisitInteger(x, f);
    }
  };
  std::vector<uint8_t> zero;
  visit(a, [&](auto ga) {
    visit(b, [&](auto gb) {
      // The operator is fixed per loop, so that Apply's switch folds away.
      auto run = [&](auto fixed_op) {
        for (int64_t i = 0; i < m; ++i) o[i] = Apply(fixed_op(), T(ga(i)), T(gb(i)));
      };
      switch (op) {
        case ArithOp::kAdd:
          run([] { return ArithOp::kAdd; });
          break;
        case ArithOp::kSub:
          run([] { return ArithOp::kSub; });
          break;
        case ArithOp::kMul:
          run([] { return ArithOp::kMul; });
          break;
        case ArithOp::kDiv:
          run([] { return ArithOp::kDiv; });
          break;
        case ArithOp::kMod:
          run([] { return ArithOp::kMod; });
          break;
      }
      if (op != ArithOp::kDiv && op != ArithOp::kMod) return;
      zero.resize(m);
      for (int64_t i = 0; i < m; ++i) zero[i] = gb(i) == 0;
    });
  });
  std::vector<uint8_t> validity = MergeValidity({&a, &b}, m);
  NullWhereZero(zero, &validity);
  return MakeResult(DataType::Primitive(kDouble ? TypeId::kDouble : TypeId::kLong), m,
                    std::move(validity), scalar, &c);
}

// Decimal + - *: exact, null where the result passes 38 digits.
Operand ArithDecimal(const Operand& a, const Operand& b, ArithOp op, const DataType& type,
                     int64_t m, bool scalar) {
  Column c;
  c.dec.resize(m);
  std::vector<uint8_t> overflow(m, 0);
  int sa = a.c().type.scale, sb = b.c().type.scale;
  const Int128 limit = batch::PowerOfTen(batch::kMaxDecimalPrecision);
  for (int64_t i = 0; i < m; ++i) {
    Int128 x = a.c().dec[a.scalar ? 0 : i], y = b.c().dec[b.scalar ? 0 : i];
    Int128 r = 0;
    bool bad = false;
    if (op == ArithOp::kMul) {
      bad = __builtin_mul_overflow(x, y, &r);
    } else {
      auto rx = batch::RescaleDecimal(x, sa, type.scale);
      auto ry = batch::RescaleDecimal(y, sb, type.scale);
      bad = !rx || !ry ||
            (op == ArithOp::kAdd ? __builtin_add_overflow(*rx, *ry, &r)
                                 : __builtin_sub_overflow(*rx, *ry, &r));
    }
    overflow[i] = bad || r >= limit || r <= -limit;
    c.dec[i] = overflow[i] ? 0 : r;
  }
  std::vector<uint8_t> validity = MergeValidity({&a, &b}, m);
  NullWhereZero(overflow, &validity);
  return MakeResult(type, m, std::move(validity), scalar, &c);
}

Operand Negate(const Operand& a, const DataType& type) {
  Column c;
  int64_t m = a.c().length;
  switch (ClassOf(type)) {
    case CompareClass::kInteger:
      c.i64.resize(m);
      VisitInteger(a, [&](auto ga) {
        for (int64_t i = 0; i < m; ++i) c.i64[i] = Apply(ArithOp::kSub, int64_t{0}, int64_t{ga(i)});
      });
      break;
    case CompareClass::kFloating:
      c.f64.resize(m);
      VisitFloating(a, [&](auto ga) {
        for (int64_t i = 0; i < m; ++i) c.f64[i] = -double{ga(i)};
      });
      break;
    default:
      c.dec.resize(m);
      for (int64_t i = 0; i < m; ++i) c.dec[i] = -a.c().dec[i];
      break;
  }
  return MakeResult(type, m, a.c().validity, a.scalar, &c);
}

// The implicit conversions Bind inserts: integral or decimal to double, integral to decimal,
// date to timestamp.
Operand Cast(const Operand& a, const DataType& to) {
  const Column& from = a.c();
  int64_t m = from.length;
  Column c;
  if (to.id == TypeId::kDouble) {
    c.f64.resize(m);
    if (from.type.id == TypeId::kDecimal) {
      double scale = static_cast<double>(batch::PowerOfTen(from.type.scale));
      for (int64_t i = 0; i < m; ++i) c.f64[i] = static_cast<double>(from.dec[i]) / scale;
    } else if (ClassOf(from.type) == CompareClass::kFloating) {
      VisitFloating(a, [&](auto ga) {
        for (int64_t i = 0; i < m; ++i) c.f64[i] = ga(i);
      });
    } else {
      VisitInteger(a, [&](auto ga) {
        for (int64_t i = 0; i < m; ++i) c.f64[i] = static_cast<double>(ga(i));
      });
    }
  } else if (to.id == TypeId::kDecimal) {
    // From an integral type; Bind uses scale 0, and 19 digits hold any int64.
    c.dec.resize(m);
    Int128 factor = batch::PowerOfTen(to.scale);
    VisitInteger(a, [&](auto ga) {
      for (int64_t i = 0; i < m; ++i) c.dec[i] = Int128{ga(i)} * factor;
    });
  } else {
    // Date to timestamp: days to micros.
    c.i64.resize(m);
    VisitInteger(a, [&](auto ga) {
      for (int64_t i = 0; i < m; ++i) c.i64[i] = ga(i) * int64_t{86400000000};
    });
  }
  return MakeResult(to, m, from.validity, a.scalar, &c);
}

// ---- logic --------------------------------------------------------------------------------

// Values and validity of a boolean operand, as `m` bytes each.
void Expand(const Operand& o, int64_t m, std::vector<uint8_t>* val, std::vector<uint8_t>* ok) {
  if (o.scalar) {
    val->assign(m, o.c().bools[0]);
    ok->assign(m, o.c().IsValid(0));
    return;
  }
  *val = o.c().bools;
  if (o.c().validity.empty()) {
    ok->assign(m, 1);
  } else {
    *ok = o.c().validity;
  }
}

// SQL AND / OR over any number of operands (three-valued).
Operand Connect(const std::vector<Operand>& operands, bool is_and, int64_t rows) {
  std::vector<const Operand*> ptrs;
  for (const Operand& o : operands) ptrs.push_back(&o);
  int64_t m = ResultLength(ptrs, rows);
  std::vector<uint8_t> val, ok, xval, xok;
  Expand(operands[0], m, &val, &ok);
  for (size_t k = 1; k < operands.size(); ++k) {
    Expand(operands[k], m, &xval, &xok);
    uint8_t* v = val.data();
    uint8_t* d = ok.data();
    const uint8_t* xv = xval.data();
    const uint8_t* xd = xok.data();
    if (is_and) {
      for (int64_t i = 0; i < m; ++i) {
        uint8_t decided = (d[i] & !v[i]) | (xd[i] & !xv[i]);  // a known FALSE decides AND
        v[i] = v[i] & xv[i] & !decided;
        d[i] = decided | (d[i] & xd[i]);
      }
    } else {
      for (int64_t i = 0; i < m; ++i) {
        uint8_t decided = (d[i] & v[i]) | (xd[i] & xv[i]);  // a known TRUE decides OR
        v[i] = decided | (v[i] & xv[i] & d[i] & xd[i]);
        d[i] = decided | (d[i] & xd[i]);
      }
    }
  }
  if (std::all_of(ok.begin(), ok.end(), [](uint8_t b) { return b != 0; })) ok.clear();
  return BooleanResult(std::move(val), std::move(ok), m == 1 && rows != 1);
}

Operand Not(const Operand& a) {
  std::vector<uint8_t> val(a.c().bools.size());
  for (size_t i = 0; i < val.size(); ++i) val[i] = !a.c().bools[i];
  return BooleanResult(std::move(val), a.c().validity, a.scalar);
}

Operand IsNull(const Operand& a, bool negated) {
  int64_t m = a.c().length;
  std::vector<uint8_t> val(m);
  for (int64_t i = 0; i < m; ++i) val[i] = a.c().IsValid(i) == negated;
  return BooleanResult(std::move(val), {}, a.scalar);
}

// ---- IN -----------------------------------------------------------------------------------

// The list items as sorted values of one storage type, for binary search.
template <typename T>
struct ItemSet {
  std::vector<T> items;
  void Finish() {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
  }
  // Equality, not binary_search's order test: NaN is unordered and must match nothing.
  bool Contains(const T& v) const {
    auto it = std::lower_bound(items.begin(), items.end(), v);
    return it != items.end() && *it == v;
  }
};

Operand In(const Node& n, const Operand& value, int64_t rows) {
  const DataType& type = value.c().type;
  bool has_null = false;
  int64_t m = value.scalar ? 1 : rows;
  std::vector<uint8_t> found(m, 0);
  auto probe = [&](auto& set, auto get) {
    set.Finish();
    for (int64_t i = 0; i < m; ++i) found[i] = set.Contains(get(i));
  };
  std::vector<const batch::Value*> items;
  for (size_t k = 1; k < n.children.size(); ++k) {
    const batch::Value& v = n.children[k]->value;
    if (v.is_null()) {
      has_null = true;
    } else {
      items.push_back(&v);
    }
  }
  switch (ClassOf(type)) {
    case CompareClass::kInteger: {
      ItemSet<int64_t> set;
      for (const auto* v : items) set.items.push_back(v->as<int64_t>());
      VisitInteger(value, [&](auto get) { probe(set, get); });
      break;
    }
    case CompareClass::kFloating: {
      ItemSet<double> set;
      for (const auto* v : items) {
        double d = v->is<float>() ? v->as<float>() : v->as<double>();
        if (!std::isnan(d)) set.items.push_back(d);
      }
      VisitFloating(value, [&](auto get) { probe(set, get); });
      break;
    }
    case CompareClass::kDecimal: {
      // Items are brought to the value's scale; one that is not exact there equals no value.
      ItemSet<Int128> set;
      for (size_t k = 1; k < n.children.size(); ++k) {
        const Node& item = *n.children[k];
        if (item.value.is_null()) continue;
        Int128 d = item.value.as<Int128>();
        int from = item.type.scale;
        if (from <= type.scale) {
          if (auto r = batch::RescaleDecimal(d, from, type.scale)) set.items.push_back(*r);
        } else if (d % batch::PowerOfTen(from - type.scale) == 0) {
          set.items.push_back(d / batch::PowerOfTen(from - type.scale));
        }
      }
      VisitDecimal(value, [&](auto get) { probe(set, get); });
      break;
    }
    case CompareClass::kBytes: {
      ItemSet<std::string_view> set;
      for (const auto* v : items) set.items.push_back(v->as<std::string>());
      VisitBytes(value, [&](auto get) { probe(set, get); });
      break;
    }
    case CompareClass::kBoolean: {
      ItemSet<uint8_t> set;
      for (const auto* v : items) set.items.push_back(v->as<bool>());
      VisitBoolean(value, [&](auto get) { probe(set, get); });
      break;
    }
    case CompareClass::kNone:
      break;
  }
  // x IN (...) is TRUE when found, else NULL when the list holds a NULL, else FALSE.
  std::vector<uint8_t> validity = MergeValidity({&value}, m);
  if (has_null) {
    if (validity.empty()) validity.assign(m, 1);
    for (int64_t i = 0; i < m; ++i) validity[i] &= found[i];
  }
  if (n.negated) {
    for (auto& f : found) f = !f;
  }
  return BooleanResult(std::move(found), std::move(validity), value.scalar && rows != 1);
}

Operand Like(const Operand& a, const std::string& pattern, bool negated) {
  int64_t m = a.c().length;
  std::vector<uint8_t> val(m);
  VisitBytes(a, [&](auto get) {
    for (int64_t i = 0; i < m; ++i) val[i] = LikeMatches(get(i), pattern) != negated;
  });
  return BooleanResult(std::move(val), a.c().validity, a.scalar);
}

// ---- leaves -------------------------------------------------------------------------------

Result<Operand> ColumnOperand(const Node& n, const EvalContext& ctx) {
  const batch::Schema& schema = ctx.batch.schema;
  auto index = schema.FieldIndex(n.path[0]);
  if (!index || *index >= ctx.batch.columns.size()) {
    return Status::InvalidArgument("the batch has no column '" + n.path[0] +
                                   "' that the expression was bound to; bind the expression "
                                   "to the schema of the data it evaluates");
  }
  const Column* col = &ctx.batch.columns[*index];
  const std::vector<batch::Field>* fields = &schema.fields[*index].type.children;
  std::vector<uint8_t> parents_valid;  // empty: no parent struct is null
  for (size_t k = 1; k < n.path.size(); ++k) {
    if (!col->validity.empty()) {
      if (parents_valid.empty()) parents_valid.assign(col->length, 1);
      for (int64_t i = 0; i < col->length; ++i) parents_valid[i] &= col->validity[i];
    }
    size_t child = fields->size();
    for (size_t f = 0; f < fields->size(); ++f) {
      if ((*fields)[f].name == n.path[k]) child = f;
    }
    if (child >= fields->size() || child >= col->children.size()) {
      return Status::InvalidArgument("the batch's column '" + n.path[0] + "' has no field '" +
                                     n.path[k] + "'; bind the expression to the batch's schema");
    }
    fields = &(*fields)[child].type.children;
    col = &col->children[child];
  }
  if (!(col->type == n.type) || col->length != ctx.rows) {
    return Status::InvalidArgument("column '" + n.path[0] + "' of the batch is " +
                                   col->type.ToString() + " with " + std::to_string(col->length) +
                                   " rows, but the expression was "
                                   "bound to a " +
                                   n.type.ToString() + "; bind it to the batch's schema");
  }
  Operand o;
  if (parents_valid.empty()) {
    o.col = std::shared_ptr<const Column>(std::shared_ptr<const Column>(), col);  // not owned
    return o;
  }
  // A field of a null struct is null.
  Column copy = *col;
  if (copy.validity.empty()) copy.validity.assign(copy.length, 1);
  for (int64_t i = 0; i < copy.length; ++i) copy.validity[i] &= parents_valid[i];
  o.col = std::make_shared<const Column>(std::move(copy));
  return o;
}

Result<Operand> LiteralOperand(const Node& n) {
  if (n.null_literal || n.value.is_null()) return AllNull(n.type);
  Column c = Column::Make(n.type);
  KEEL_RETURN_IF_ERROR(batch::AppendValue(n.value, &c));
  Operand o;
  o.scalar = true;
  o.col = std::make_shared<const Column>(std::move(c));
  return o;
}

Result<Operand> Eval(const Node& n, const EvalContext& ctx) {
  std::vector<Operand> args;
  if (n.kind != NodeKind::kIn) {
    for (const auto& c : n.children) {
      KEEL_ASSIGN_OR_RETURN(Operand o, Eval(*c, ctx));
      args.push_back(std::move(o));
    }
  }
  switch (n.kind) {
    case NodeKind::kLiteral:
      return LiteralOperand(n);
    case NodeKind::kColumn:
      return ColumnOperand(n, ctx);
    case NodeKind::kCast:
      return Cast(args[0], n.type);
    case NodeKind::kNegate:
      return Negate(args[0], n.type);
    case NodeKind::kArith: {
      if (IsNullScalar(args[0]) || IsNullScalar(args[1])) return AllNull(n.type);
      int64_t m = ResultLength({&args[0], &args[1]}, ctx.rows);
      bool scalar = m == 1 && ctx.rows != 1;
      if (n.type.id == TypeId::kDecimal) {
        return ArithDecimal(args[0], args[1], n.arith, n.type, m, scalar);
      }
      if (n.type.id == TypeId::kDouble) {
        return ArithNumbers<double>(args[0], args[1], n.arith, m, scalar);
      }
      return ArithNumbers<int64_t>(args[0], args[1], n.arith, m, scalar);
    }
    case NodeKind::kCompare:
      if (IsNullScalar(args[0]) || IsNullScalar(args[1])) return AllNull(n.type);
      return Compare(args[0], args[1], n.cmp, ctx.rows);
    case NodeKind::kIsNull:
      return IsNull(args[0], n.negated);
    case NodeKind::kIn: {
      KEEL_ASSIGN_OR_RETURN(Operand value, Eval(*n.children[0], ctx));
      if (IsNullScalar(value)) return AllNull(n.type);
      return In(n, value, ctx.rows);
    }
    case NodeKind::kBetween: {
      if (IsNullScalar(args[0])) return AllNull(n.type);
      std::vector<Operand> bounds;
      for (int k = 1; k <= 2; ++k) {
        bounds.push_back(
            IsNullScalar(args[k])
                ? AllNull(n.type)
                : Compare(args[0], args[k], k == 1 ? CompareOp::kGe : CompareOp::kLe, ctx.rows));
      }
      Operand both = Connect(bounds, /*is_and=*/true, ctx.rows);
      return n.negated ? Not(both) : both;
    }
    case NodeKind::kLike:
      if (IsNullScalar(args[0])) return AllNull(n.type);
      return Like(args[0], n.pattern, n.negated);
    case NodeKind::kNot:
      if (IsNullScalar(args[0])) return AllNull(n.type);
      return Not(args[0]);
    case NodeKind::kAnd:
    case NodeKind::kOr:
      for (Operand& a : args) {
        if (IsNullScalar(a)) a = AllNull(n.type);  // a NULL literal of any placeholder type
      }
      return Connect(args, n.kind == NodeKind::kAnd, ctx.rows);
  }
  return Status::Internal("unknown expression node");
}

size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;  // a stray continuation byte counts alone
}

}  // namespace

bool LikeMatches(std::string_view text, std::string_view pattern) {
  // Greedy matching with one backtrack point (the last %), linear for typical patterns.
  size_t t = 0, p = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  auto advance = [&](size_t at) {
    return std::min(text.size(), at + Utf8Length(static_cast<unsigned char>(text[at])));
  };
  while (t < text.size()) {
    if (p < pattern.size()) {
      char c = pattern[p];
      if (c == '%') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (c == '_') {
        t = advance(t);
        ++p;
        continue;
      }
      size_t width = 1;
      if (c == '\\' && p + 1 < pattern.size()) {
        c = pattern[p + 1];
        width = 2;
      }
      if (text[t] == c) {
        ++t;
        p += width;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    star_t = advance(star_t);
    t = star_t;
    p = star_p;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

Result<Column> EvaluateTree(const Node& root, const batch::RecordBatch& batch) {
  EvalContext ctx{batch, batch.num_rows};
  KEEL_ASSIGN_OR_RETURN(Operand result, Eval(root, ctx));
  if (!result.scalar || batch.num_rows == 1) return Column(*result.col);
  // A constant: repeat it for every row.
  Column out = Column::Make(result.c().type);
  batch::Value v = batch::ValueAt(result.c(), 0);
  for (int64_t i = 0; i < batch.num_rows; ++i) KEEL_RETURN_IF_ERROR(batch::AppendValue(v, &out));
  return out;
}

}  // namespace keel::delta
