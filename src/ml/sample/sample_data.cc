#include "ml/sample/sample_data.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace keel::ml {

namespace {

using batch::Column;
using batch::DataType;
using batch::TypeId;

// A small, fast, seedable generator (SplitMix64) with the distributions the data needs.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed ^ 0x5851f42d4c957f2dULL) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Normal() {
    double u1 = std::max(Uniform(), 1e-300), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  int64_t Below(int64_t n) { return static_cast<int64_t>(Uniform() * static_cast<double>(n)); }
  // Index from cumulative weights.
  size_t Pick(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double r = Uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if ((r -= weights[i]) < 0) return i;
    }
    return weights.size() - 1;
  }
  int64_t Poisson(double lambda) {
    double l = std::exp(-lambda), p = 1;
    int64_t k = 0;
    do {
      ++k;
      p *= Uniform();
    } while (p > l && k < 1000);
    return k - 1;
  }

 private:
  uint64_t state_;
};

// Builds a batch column by column. Add's references stay valid: the columns never reallocate.
class Builder {
 public:
  Builder() { batch_.columns.reserve(kMaxColumns); }
  Column& Add(const std::string& name, TypeId id) {
    if (batch_.columns.size() == kMaxColumns) std::abort();  // a programming error
    batch_.schema.fields.push_back({name, DataType::Primitive(id), true});
    batch_.columns.push_back(Column::Make(DataType::Primitive(id)));
    return batch_.columns.back();
  }
  batch::RecordBatch Finish(int64_t rows) {
    batch_.num_rows = rows;
    return std::move(batch_);
  }

 private:
  static constexpr size_t kMaxColumns = 32;
  batch::RecordBatch batch_;
};

void AppendString(Column* c, std::string_view s) {
  c->bytes += s;
  c->offsets.push_back(static_cast<int64_t>(c->bytes.size()));
  c->MarkAppendedValid();
}

double Round2(double v) { return std::round(v * 100.0) / 100.0; }

}  // namespace

batch::RecordBatch GenerateChurnData(int64_t rows, uint64_t seed) {
  Rng rng(seed);
  Builder b;
  Column* id = &b.Add("customer_id", TypeId::kLong);
  Column* tenure = &b.Add("tenure_months", TypeId::kInt);
  Column* plan = &b.Add("plan", TypeId::kString);
  Column* contract = &b.Add("contract", TypeId::kString);
  Column* region = &b.Add("region", TypeId::kString);
  Column* charges = &b.Add("monthly_charges", TypeId::kDouble);
  Column* calls = &b.Add("support_calls", TypeId::kInt);
  Column* login = &b.Add("last_login_days", TypeId::kDouble);
  Column* autopay = &b.Add("autopay", TypeId::kBoolean);
  Column* churned = &b.Add("churned", TypeId::kInt);
  static const char* kPlans[] = {"basic", "standard", "premium"};
  static const char* kContracts[] = {"monthly", "annual", "two_year"};
  static const char* kRegions[] = {"north", "south", "east", "west"};
  for (int64_t i = 0; i < rows; ++i) {
    size_t p = rng.Pick({0.45, 0.35, 0.20});
    size_t c = rng.Pick({0.55, 0.30, 0.15});
    size_t r = rng.Pick({0.3, 0.25, 0.25, 0.2});
    int32_t t = static_cast<int32_t>(
        std::min(72.0, std::floor(-std::log(1 - rng.Uniform()) * (c == 0 ? 14.0 : 30.0))));
    double base = p == 0 ? 25.0 : p == 1 ? 55.0 : 95.0;
    double m = Round2(std::max(10.0, base + 8.0 * rng.Normal()));
    int32_t s = static_cast<int32_t>(rng.Poisson(p == 0 ? 1.8 : 1.0));
    double days = Round2(std::max(0.0, -std::log(1 - rng.Uniform()) * 9.0));
    bool ap = rng.Uniform() < (c == 0 ? 0.35 : 0.7);
    double z = -1.2 - 0.045 * t +
               (c == 0   ? 1.1
                : c == 1 ? -0.4
                         : -1.3) +
               0.012 * (m - 50.0) + 0.35 * s + 0.06 * days - (ap ? 0.5 : 0.0) +
               (r == 1 ? 0.25 : 0.0) + 0.5 * rng.Normal();
    bool churn = rng.Uniform() < 1.0 / (1.0 + std::exp(-z));
    id->i64.push_back(100000 + i);
    id->MarkAppendedValid();
    tenure->i32.push_back(t);
    tenure->MarkAppendedValid();
    AppendString(plan, kPlans[p]);
    AppendString(contract, kContracts[c]);
    AppendString(region, kRegions[r]);
    charges->f64.push_back(m);
    charges->MarkAppendedValid();
    calls->i32.push_back(s);
    calls->MarkAppendedValid();
    if (rng.Uniform() < 0.04) {
      login->AppendNull();
    } else {
      login->f64.push_back(days);
      login->MarkAppendedValid();
    }
    autopay->bools.push_back(ap ? 1 : 0);
    autopay->MarkAppendedValid();
    churned->i32.push_back(churn ? 1 : 0);
    churned->MarkAppendedValid();
  }
  return b.Finish(rows);
}

batch::RecordBatch GenerateRentData(int64_t rows, uint64_t seed) {
  Rng rng(seed);
  Builder b;
  Column* id = &b.Add("listing_id", TypeId::kLong);
  Column* area = &b.Add("area_m2", TypeId::kDouble);
  Column* rooms = &b.Add("rooms", TypeId::kInt);
  Column* floor = &b.Add("floor", TypeId::kInt);
  Column* city = &b.Add("city", TypeId::kString);
  Column* distance = &b.Add("distance_center_km", TypeId::kDouble);
  Column* year = &b.Add("year_built", TypeId::kInt);
  Column* balcony = &b.Add("has_balcony", TypeId::kBoolean);
  Column* rent = &b.Add("rent", TypeId::kDouble);
  static const char* kCities[] = {"amsterdam", "berlin", "lisbon", "madrid", "warsaw"};
  static const double kCityPrice[] = {24.0, 18.0, 15.0, 17.0, 12.0};
  for (int64_t i = 0; i < rows; ++i) {
    size_t c = rng.Pick({0.2, 0.3, 0.15, 0.2, 0.15});
    double a = Round2(std::max(18.0, 30.0 + 45.0 * std::exp(0.4 * rng.Normal()) - 20.0));
    int32_t n =
        static_cast<int32_t>(std::clamp(std::round(a / 28.0 + 0.5 * rng.Normal()), 1.0, 7.0));
    int32_t f = static_cast<int32_t>(rng.Below(12));
    double d = Round2(std::max(0.2, -std::log(1 - rng.Uniform()) * 5.0));
    int32_t y = static_cast<int32_t>(1900 + rng.Below(124));
    bool bal = rng.Uniform() < 0.45;
    double price = a * kCityPrice[c] * std::exp(-0.04 * d) * (y > 2000 ? 1.12 : 1.0) +
                   (bal ? 60.0 : 0.0) + 8.0 * f + 120.0 * rng.Normal();
    id->i64.push_back(500000 + i);
    id->MarkAppendedValid();
    area->f64.push_back(a);
    area->MarkAppendedValid();
    rooms->i32.push_back(n);
    rooms->MarkAppendedValid();
    floor->i32.push_back(f);
    floor->MarkAppendedValid();
    AppendString(city, kCities[c]);
    distance->f64.push_back(d);
    distance->MarkAppendedValid();
    year->i32.push_back(y);
    year->MarkAppendedValid();
    balcony->bools.push_back(bal ? 1 : 0);
    balcony->MarkAppendedValid();
    rent->f64.push_back(Round2(std::max(150.0, price)));
    rent->MarkAppendedValid();
  }
  return b.Finish(rows);
}

Result<batch::RecordBatch> GenerateSampleData(std::string_view name, int64_t rows, uint64_t seed) {
  if (rows < 1 || rows > 100000000) {
    return Status::InvalidArgument("--rows must be between 1 and 100,000,000");
  }
  if (name == "churn") return GenerateChurnData(rows, seed);
  if (name == "rent") return GenerateRentData(rows, seed);
  return Status::InvalidArgument("sample dataset '" + std::string(name) +
                                 "' is not one of: churn, rent");
}

}  // namespace keel::ml
