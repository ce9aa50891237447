#include "ml/train/data_split.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace keel::ml {

namespace {

using batch::TypeId;

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Cuts `rows` (already in split order) into the three parts by the fractions.
void Cut(const std::vector<int64_t>& rows, const SplitSpec& split, RowSplit* out) {
  const double n = static_cast<double>(rows.size());
  size_t test = static_cast<size_t>(std::llround(n * split.test));
  size_t validation = static_cast<size_t>(std::llround(n * split.validation));
  if (test + validation > rows.size()) validation = rows.size() - std::min(test, rows.size());
  test = std::min(test, rows.size());
  size_t train = rows.size() - test - validation;
  out->train.insert(out->train.end(), rows.begin(), rows.begin() + train);
  out->validation.insert(out->validation.end(), rows.begin() + train,
                         rows.begin() + train + validation);
  out->test.insert(out->test.end(), rows.begin() + train + validation, rows.end());
}

Result<std::vector<int64_t>> TimeOrder(const batch::RecordBatch& data, const std::string& name) {
  std::optional<size_t> idx = data.schema.FieldIndex(name);
  if (!idx) {
    return Status::InvalidArgument("split.time_column '" + name + "' is not a column of the table");
  }
  const batch::Column& column = data.columns[*idx];
  std::vector<double> keys(static_cast<size_t>(column.length));
  for (int64_t row = 0; row < column.length; ++row) {
    if (!column.IsValid(row)) {
      return Status::InvalidArgument("split.time_column '" + name + "' is null at row " +
                                     std::to_string(row) +
                                     "; a time-ordered split needs a time "
                                     "for every row");
    }
    switch (column.type.id) {
      case TypeId::kByte:
      case TypeId::kShort:
      case TypeId::kInt:
      case TypeId::kDate:
        keys[row] = column.i32[row];
        break;
      case TypeId::kLong:
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
        keys[row] = static_cast<double>(column.i64[row]);
        break;
      case TypeId::kFloat:
        keys[row] = column.f32[row];
        break;
      case TypeId::kDouble:
        keys[row] = column.f64[row];
        break;
      default:
        return Status::InvalidArgument("split.time_column '" + name + "' has type " +
                                       column.type.ToString() +
                                       "; it must be a date, timestamp or number");
    }
  }
  std::vector<int64_t> order(keys.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return keys[a] < keys[b]; });
  return order;
}

}  // namespace

std::vector<int64_t> ShuffledIndices(int64_t n, uint64_t seed) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  uint64_t state = seed;
  for (int64_t i = n - 1; i > 0; --i) {
    // Multiply-shift maps the 64-bit draw onto [0, i] without modulo bias worth noting.
    uint64_t j = static_cast<uint64_t>(
        (static_cast<unsigned __int128>(SplitMix64(&state)) * static_cast<uint64_t>(i + 1)) >> 64);
    std::swap(order[i], order[j]);
  }
  return order;
}

Result<RowSplit> SplitRows(const batch::RecordBatch& data, const SplitSpec& split,
                           const std::vector<double>* classes) {
  RowSplit out;
  if (!split.time_column.empty()) {
    KEEL_ASSIGN_OR_RETURN(std::vector<int64_t> order, TimeOrder(data, split.time_column));
    Cut(order, split, &out);
  } else if (classes != nullptr && split.stratify) {
    // Each class shuffled on its own, then cut in the same proportions.
    std::map<int64_t, std::vector<int64_t>> by_class;
    std::vector<int64_t> order = ShuffledIndices(data.num_rows, split.seed);
    for (int64_t row : order) by_class[static_cast<int64_t>((*classes)[row])].push_back(row);
    for (const auto& [cls, rows] : by_class) Cut(rows, split, &out);
  } else {
    Cut(ShuffledIndices(data.num_rows, split.seed), split, &out);
  }
  if (out.train.empty()) {
    return Status::InvalidArgument("the table has " + std::to_string(data.num_rows) +
                                   " rows: too few to leave any for training with this split");
  }
  std::sort(out.train.begin(), out.train.end());
  std::sort(out.validation.begin(), out.validation.end());
  std::sort(out.test.begin(), out.test.end());
  return out;
}

}  // namespace keel::ml
