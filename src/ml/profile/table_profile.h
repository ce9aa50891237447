#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "storage/batch/record_batch.h"

// The data profile of a table: per column its type, counts, distinct values, summary statistics,
// quantiles, histogram, most frequent values and correlation with a label column. `keel profile`
// stores it as JSON (TableProfile::ToJson) and as an HTML report (profile_html.h); AutoML reads
// it to pick features. Pure computation over one in-memory batch: no files, no tracking.
namespace keel::ml {

// Settings of ProfileBatch; the defaults are what `keel profile` uses.
struct ProfileOptions {
  // Optional. When set, each other column's correlation with this one is computed (see
  // ColumnProfile::label_correlation). Resolved as Spark resolves column names: the exact name,
  // else the only case-insensitive match.
  std::string label_column;
  // Most frequent values kept per column. Default 10; at least 1.
  int top_k = 10;
  // Equal-width histogram bins per numeric column. Default 20; 1 to kMaxHistogramBins.
  int histogram_bins = 20;
  // Columns with more non-null values than this report a HyperLogLog estimate of their distinct
  // count (distinct_approximate = true, error about 1%), as profiles of large tables and merged
  // monitoring windows do. Default 100000; a negative value makes every count approximate.
  int64_t exact_distinct_limit = 100000;
  // Quantiles reported per numeric column, each in [0, 1]. Default: 1%, 5%, quartiles, 95%, 99%.
  std::vector<double> quantiles = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
};

inline constexpr int kMaxHistogramBins = 1000;

// The profile of one column.
//
// Numeric columns are byte, short, int, long, float, double, decimal (as doubles), date (days
// since 1970-01-01) and timestamp/timestamp_ntz (microseconds since the epoch). Their min, max,
// mean, stddev, quantiles and histogram cover the finite values only; NaN and infinities are
// counted in nan_count and inf_count. Other columns (boolean, string, binary, nested) get counts,
// distinct and top values.
struct ColumnProfile {
  std::string name;
  std::string type;   // batch::DataType::ToString(): "int", "string", "decimal(10,2)", ...
  int64_t count = 0;  // non-null values (NaN included)
  int64_t nulls = 0;
  // Distinct non-null values: NaN counts as one value, -0.0 and 0.0 as the same one.
  int64_t distinct = 0;
  bool distinct_approximate = false;  // true when count > ProfileOptions::exact_distinct_limit

  // Numeric columns only; nullopt when there is no finite value (stddev: fewer than two).
  std::optional<double> min, max, mean;
  std::optional<double> stddev;  // sample standard deviation (divides by n - 1)
  int64_t nan_count = 0, inf_count = 0;
  // (q, value) per ProfileOptions::quantiles, in that order, interpolated linearly between the
  // sorted finite values as numpy.quantile's default method does. Empty without finite values.
  std::vector<std::pair<double, double>> quantiles;
  // Equal-width bins over [min, max] as numpy.histogram(values, bins) builds them: each bin holds
  // low <= v < high, the last also v == high; a constant column gets one range [v - 0.5,
  // v + 0.5]. The counts sum to count - nan_count - inf_count.
  struct Bin {
    double low = 0, high = 0;
    int64_t count = 0;
  };
  std::vector<Bin> histogram;

  // Up to top_k (value text, count) pairs, most frequent first. Ties: numeric columns in
  // ascending numeric order (NaN last), which costs nothing after the sort, where text order
  // would format every value of an all-distinct column; other columns by value text (byte order).
  // Values are written in the batch text forms (batch::ValueToCsvField: "3", "0.5", "NaN",
  // "true", "2024-01-02", base64 for binary).
  std::vector<std::pair<std::string, int64_t>> top_values;

  // Correlation with ProfileOptions::label_column, over the rows where both values are present
  // (and finite, for numbers):
  //   numeric column, numeric label:                 Pearson's r
  //   numeric column, boolean/string label, 2 classes: point-biserial r (the label coded 0 and 1
  //                                                  in the sorted order of its value texts)
  //   numeric column, boolean/string label, >2 classes: correlation ratio eta of the column
  //                                                  grouped by label class
  //   boolean/string column, numeric label:          correlation ratio eta of the label grouped
  //                                                  by the column's values
  // nullopt when there is no label, for the label itself, for other pairs of types, and when the
  // value is undefined (fewer than two rows, or a constant side).
  std::optional<double> label_correlation;
};

struct TableProfile {
  int64_t num_rows = 0;
  std::string label_column;            // as found in the batch; empty when none was asked for
  std::vector<ColumnProfile> columns;  // in schema order

  // {"num_rows", "label_column" (null when none), "columns": [{"name", "type", "count", "nulls",
  // "distinct", "distinct_approximate", "min", "max", "mean", "stddev", "nan_count",
  // "inf_count", "quantiles": [{"q", "value"}], "histogram": [{"low", "high", "count"}],
  // "top_values": [{"value", "count"}], "label_correlation"}]}. Every field is always present;
  // an absent or non-finite number is null, so the JSON is strict.
  json::Value ToJson() const;
};

// Profiles every column of `batch` in one pass over the data plus one sort per numeric column
// (a radix sort, so 1M rows cost milliseconds).
// Errors: kInvalidParameterValue for a label_column that is not in the batch (naming the
// columns), top_k < 1, histogram_bins outside [1, kMaxHistogramBins], or a quantile outside
// [0, 1]; kInternalError for a malformed batch.
Result<TableProfile> ProfileBatch(const batch::RecordBatch& batch, const ProfileOptions& options);

}  // namespace keel::ml
