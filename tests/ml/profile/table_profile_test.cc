#include "ml/profile/table_profile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "ml/ml_test_util.h"
#include "ml/profile/profile_test_util.h"
#include "storage/batch/value_format.h"

namespace keel::ml {
namespace {

using batch::TypeId;
using testing::AddBoolColumn;
using testing::AddNullableStringColumn;
using testing::AddNumericColumn;
using Top = std::vector<std::pair<std::string, int64_t>>;

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNan = std::nan("");

// Seven rows: ints with nulls, doubles with NaN, infinities and both zeros, strings with a
// null, booleans with a null.
batch::RecordBatch MixedBatch() {
  batch::RecordBatch batch;
  AddNumericColumn(&batch, "i", TypeId::kInt, {3, std::nullopt, 1, 3, 7, std::nullopt, 3});
  AddNumericColumn(&batch, "d", TypeId::kDouble, {1.5, kNan, kInf, -kInf, 2.5, -0.0, 0.0});
  AddNullableStringColumn(&batch, "s", {"b", "a", "b", std::nullopt, "b", "a", "c"});
  AddBoolColumn(&batch, "flag", {true, false, true, std::nullopt, true, true, false});
  return batch;
}

const ColumnProfile& Column(const TableProfile& profile, const std::string& name) {
  for (const ColumnProfile& column : profile.columns) {
    if (column.name == name) return column;
  }
  static ColumnProfile missing;
  ADD_FAILURE() << "no column " << name;
  return missing;
}

TableProfile Profile(const batch::RecordBatch& batch, ProfileOptions options = {}) {
  auto profile = ProfileBatch(batch, options);
  EXPECT_TRUE(profile.ok()) << profile.status().ToString();
  return profile.ok() ? *profile : TableProfile{};
}

TEST(TableProfileTest, IntColumnWithNullsHasExactStatistics) {
  ProfileOptions options;
  options.histogram_bins = 3;
  options.quantiles = {0, 0.25, 0.5, 0.95, 1};
  TableProfile profile = Profile(MixedBatch(), options);
  EXPECT_EQ(profile.num_rows, 7);
  ASSERT_EQ(profile.columns.size(), 4u);
  const ColumnProfile& c = Column(profile, "i");
  EXPECT_EQ(c.type, "int");
  EXPECT_EQ(c.count, 5);
  EXPECT_EQ(c.nulls, 2);
  EXPECT_EQ(c.distinct, 3);
  EXPECT_FALSE(c.distinct_approximate);
  EXPECT_EQ(c.min, 1.0);
  EXPECT_EQ(c.max, 7.0);
  ASSERT_TRUE(c.mean && c.stddev);
  EXPECT_DOUBLE_EQ(*c.mean, 3.4);
  EXPECT_DOUBLE_EQ(*c.stddev, std::sqrt(4.8));  // values 1 3 3 3 7: squares sum to 19.2, n-1 = 4
  ASSERT_EQ(c.quantiles.size(), 5u);
  EXPECT_EQ(c.quantiles[0], (std::pair<double, double>{0, 1}));
  EXPECT_EQ(c.quantiles[1], (std::pair<double, double>{0.25, 3}));
  EXPECT_EQ(c.quantiles[2], (std::pair<double, double>{0.5, 3}));
  EXPECT_DOUBLE_EQ(c.quantiles[3].second, 6.2);
  EXPECT_EQ(c.quantiles[4].second, 7);
  ASSERT_EQ(c.histogram.size(), 3u);
  EXPECT_EQ(c.histogram[0].count, 1);
  EXPECT_EQ(c.histogram[1].count, 3);
  EXPECT_EQ(c.histogram[2].count, 1);
  EXPECT_EQ(c.top_values, (Top{{"3", 3}, {"1", 1}, {"7", 1}}));
  EXPECT_EQ(c.nan_count, 0);
  EXPECT_FALSE(c.label_correlation.has_value());
}

TEST(TableProfileTest, DoubleColumnCountsNanAndInfinitySeparatelyFromFiniteStatistics) {
  TableProfile profile = Profile(MixedBatch());
  const ColumnProfile& c = Column(profile, "d");
  EXPECT_EQ(c.type, "double");
  EXPECT_EQ(c.count, 7);
  EXPECT_EQ(c.nulls, 0);
  EXPECT_EQ(c.nan_count, 1);
  EXPECT_EQ(c.inf_count, 2);
  // 1.5, 2.5, -inf, +inf, NaN and zero (-0.0 and 0.0 are one value).
  EXPECT_EQ(c.distinct, 6);
  EXPECT_EQ(c.min, 0.0);
  EXPECT_EQ(c.max, 2.5);
  EXPECT_DOUBLE_EQ(*c.mean, 1.0);  // over 1.5, 2.5, -0.0, 0.0
  int64_t binned = 0;
  for (const ColumnProfile::Bin& bin : c.histogram) binned += bin.count;
  EXPECT_EQ(binned, 4);
  // Ties in numeric order, NaN last.
  EXPECT_EQ(c.top_values,
            (Top{{"0", 2}, {"-Infinity", 1}, {"1.5", 1}, {"2.5", 1}, {"Infinity", 1}, {"NaN", 1}}));
  ProfileOptions options;
  options.top_k = 3;
  EXPECT_EQ(Column(Profile(MixedBatch(), options), "d").top_values,
            (Top{{"0", 2}, {"-Infinity", 1}, {"1.5", 1}}));
}

TEST(TableProfileTest, StringAndBooleanColumnsGetCountsDistinctAndTopValuesOnly) {
  TableProfile profile = Profile(MixedBatch());
  const ColumnProfile& s = Column(profile, "s");
  EXPECT_EQ(s.type, "string");
  EXPECT_EQ(s.count, 6);
  EXPECT_EQ(s.nulls, 1);
  EXPECT_EQ(s.distinct, 3);
  EXPECT_EQ(s.top_values, (Top{{"b", 3}, {"a", 2}, {"c", 1}}));
  EXPECT_FALSE(s.min.has_value());
  EXPECT_FALSE(s.mean.has_value());
  EXPECT_TRUE(s.quantiles.empty());
  EXPECT_TRUE(s.histogram.empty());
  const ColumnProfile& flag = Column(profile, "flag");
  EXPECT_EQ(flag.type, "boolean");
  EXPECT_EQ(flag.count, 6);
  EXPECT_EQ(flag.nulls, 1);
  EXPECT_EQ(flag.distinct, 2);
  EXPECT_EQ(flag.top_values, (Top{{"true", 4}, {"false", 2}}));
}

TEST(TableProfileTest, TopKKeepsTheMostFrequentAndBreaksTiesByText) {
  batch::RecordBatch batch;
  testing::AddStringColumn(&batch, "s", {"d", "b", "a", "c", "a", "b", "e", "e"});
  ProfileOptions options;
  options.top_k = 2;
  EXPECT_EQ(Column(Profile(batch, options), "s").top_values, (Top{{"a", 2}, {"b", 2}}));
  options.top_k = 4;
  EXPECT_EQ(Column(Profile(batch, options), "s").top_values,
            (Top{{"a", 2}, {"b", 2}, {"e", 2}, {"c", 1}}));
}

TEST(TableProfileTest, TopValuesUseTheBatchTextFormsOfEachType) {
  batch::RecordBatch batch;
  AddNumericColumn(&batch, "f", TypeId::kFloat, {0.1, 0.1, 2});
  AddNumericColumn(&batch, "big", TypeId::kLong, {1, 0, 0});
  batch.columns.back().i64[0] = 9007199254740993;  // 2^53 + 1: no double holds it
  auto add = [&batch](const std::string& name, batch::DataType type, auto fill) {
    batch::Column column = batch::Column::Make(type);
    for (int row_idx = 0; row_idx < 3; ++row_idx) {
      fill(&column, row_idx);
      column.MarkAppendedValid();
    }
    batch.schema.fields.push_back(batch::Field{name, type, true});
    batch.columns.push_back(std::move(column));
  };
  add("day", batch::DataType::Primitive(TypeId::kDate),
      [](batch::Column* c, int row) { c->i32.push_back(row == 2 ? 0 : 19724); });
  add("ts", batch::DataType::Primitive(TypeId::kTimestamp),
      [](batch::Column* c, int row) { c->i64.push_back(row == 2 ? 0 : 1500000); });
  add("price", batch::DataType::Decimal(10, 2),
      [](batch::Column* c, int row) { c->dec.push_back(row == 2 ? -1250 : 1999); });
  add("blob", batch::DataType::Primitive(TypeId::kBinary), [](batch::Column* c, int row) {
    c->bytes += row == 2 ? "\x01\x02" : "hi";
    c->offsets.push_back(static_cast<int64_t>(c->bytes.size()));
  });
  TableProfile profile = Profile(batch);
  EXPECT_EQ(Column(profile, "f").top_values, (Top{{"0.1", 2}, {"2", 1}}));
  // A long above 2^53 keeps its exact digits (the key is the integer, not a double).
  EXPECT_EQ(Column(profile, "big").top_values, (Top{{"0", 2}, {"9007199254740993", 1}}));
  EXPECT_EQ(Column(profile, "day").top_values, (Top{{"2024-01-02", 2}, {"1970-01-01", 1}}));
  EXPECT_EQ(Column(profile, "ts").top_values,
            (Top{{"1970-01-01T00:00:01.500000Z", 2}, {"1970-01-01T00:00:00.000000Z", 1}}));
  const ColumnProfile& price = Column(profile, "price");
  EXPECT_EQ(price.type, "decimal(10,2)");
  EXPECT_EQ(price.top_values, (Top{{"19.99", 2}, {"-12.50", 1}}));
  EXPECT_DOUBLE_EQ(*price.min, -12.5);
  EXPECT_DOUBLE_EQ(*price.max, 19.99);
  EXPECT_EQ(Column(profile, "blob").top_values, (Top{{"aGk=", 2}, {"AQI=", 1}}));
  EXPECT_EQ(Column(profile, "day").min, 0.0);  // dates are days since the epoch
}

TEST(TableProfileTest, NestedColumnsAreCountedByTheirJsonText) {
  batch::DataType type = batch::DataType::Array(batch::DataType::Primitive(TypeId::kInt));
  batch::Column column = batch::Column::Make(type);
  for (const std::vector<int32_t>& list : std::vector<std::vector<int32_t>>{{1, 2}, {}, {1, 2}}) {
    for (int32_t v : list) {
      column.children[0].i32.push_back(v);
      column.children[0].MarkAppendedValid();
    }
    column.offsets.push_back(static_cast<int64_t>(column.children[0].length));
    column.MarkAppendedValid();
  }
  column.AppendNull();
  batch::RecordBatch batch;
  batch.schema.fields.push_back(batch::Field{"tags", type, true});
  batch.columns.push_back(std::move(column));
  batch.num_rows = 4;
  const ColumnProfile c = Column(Profile(batch), "tags");
  EXPECT_EQ(c.type, "array<int>");
  EXPECT_EQ(c.count, 3);
  EXPECT_EQ(c.nulls, 1);
  EXPECT_EQ(c.distinct, 2);
  EXPECT_EQ(c.top_values, (Top{{"[1,2]", 2}, {"[]", 1}}));
  EXPECT_FALSE(c.min.has_value());
}

TEST(TableProfileTest, QuantilesHistogramAndMomentsMatchNumpy) {
  if (!testing::PythonHasModule("numpy")) {
    GTEST_SKIP() << "/usr/bin/python3 with numpy is not installed; the numpy comparison is skipped";
  }
  std::vector<std::optional<double>> values;
  uint64_t state = 12345;
  for (int row_idx = 0; row_idx < 1001; ++row_idx) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    double v = static_cast<double>(state >> 11) / 9007199254740992.0;  // [0, 1)
    values.push_back(row_idx % 4 == 0 ? std::floor(v * 10) : std::log(v + 1e-3) * 3.7);
  }
  batch::RecordBatch batch;
  AddNumericColumn(&batch, "x", TypeId::kDouble, values);
  ProfileOptions options;
  options.quantiles = {0, 0.01, 0.05, 0.1, 0.25, 1.0 / 3, 0.5, 0.75, 0.95, 0.99, 1};
  options.histogram_bins = 17;
  const ColumnProfile c = Column(Profile(batch, options), "x");

  char data_path[] = "/tmp/keel_profile_values_XXXXXX";
  int fd = mkstemp(data_path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    FILE* file = fopen(data_path, "w");
    for (const auto& v : values) fprintf(file, "%.17g\n", *v);
    fclose(file);
  }
  const std::string script = R"py(
import sys
import numpy as np
a = np.loadtxt(sys.argv[1], dtype=np.float64)
for q in [0, 0.01, 0.05, 0.1, 0.25, 1.0 / 3, 0.5, 0.75, 0.95, 0.99, 1]:
    print(repr(float(np.quantile(a, q))))
counts, edges = np.histogram(a, bins=17)
print(" ".join(str(int(c)) for c in counts))
print(" ".join(repr(float(e)) for e in edges))
print(repr(float(np.mean(a))), repr(float(np.std(a, ddof=1))))
)py";
  std::optional<std::string> output = testing::RunPython(script, data_path);
  unlink(data_path);
  ASSERT_TRUE(output.has_value()) << "python failed";
  std::istringstream in(*output);
  ASSERT_EQ(c.quantiles.size(), 11u);
  for (const auto& [q, value] : c.quantiles) {
    double expected;
    in >> expected;
    EXPECT_EQ(value, expected) << "quantile " << q;
  }
  ASSERT_EQ(c.histogram.size(), 17u);
  for (const ColumnProfile::Bin& bin : c.histogram) {
    int64_t expected;
    in >> expected;
    EXPECT_EQ(bin.count, expected) << "bin [" << bin.low << ", " << bin.high << ")";
  }
  for (size_t edge_idx = 0; edge_idx <= c.histogram.size(); ++edge_idx) {
    double expected;
    in >> expected;
    double edge =
        edge_idx < c.histogram.size() ? c.histogram[edge_idx].low : c.histogram.back().high;
    EXPECT_EQ(edge, expected) << "edge " << edge_idx;
  }
  double mean, stddev;
  in >> mean >> stddev;
  ASSERT_TRUE(in) << *output;
  EXPECT_NEAR(*c.mean, mean, 1e-12 * std::fabs(mean));
  EXPECT_NEAR(*c.stddev, stddev, 1e-12 * stddev);
}

TEST(TableProfileTest, HistogramCountsSumToTheFiniteCount) {
  std::vector<std::optional<double>> values;
  for (int row_idx = 0; row_idx < 5000; ++row_idx) {
    if (row_idx % 97 == 0) {
      values.push_back(std::nullopt);
    } else if (row_idx % 101 == 0) {
      values.push_back(kNan);
    } else {
      values.push_back(std::sin(row_idx) * 1000 + row_idx % 13);
    }
  }
  batch::RecordBatch batch;
  AddNumericColumn(&batch, "x", TypeId::kDouble, values);
  for (int bins : {1, 7, 20, 1000}) {
    ProfileOptions options;
    options.histogram_bins = bins;
    const ColumnProfile c = Column(Profile(batch, options), "x");
    ASSERT_EQ(c.histogram.size(), static_cast<size_t>(bins));
    int64_t binned = 0;
    for (const ColumnProfile::Bin& bin : c.histogram) binned += bin.count;
    EXPECT_EQ(binned, c.count - c.nan_count - c.inf_count) << bins << " bins";
    EXPECT_EQ(c.histogram.front().low, *c.min);
    EXPECT_EQ(c.histogram.back().high, *c.max);
  }
}

TEST(TableProfileTest, DistinctIsApproximateAboveTheLimitAndWithinThreePercent) {
  const int n = 1000000;
  std::vector<std::optional<double>> longs(n);
  std::vector<std::string> strings(n);
  for (int row_idx = 0; row_idx < n; ++row_idx) {
    longs[row_idx] = static_cast<double>(row_idx) * 3 - 700000;
    strings[row_idx] = "k" + std::to_string(row_idx);
  }
  batch::RecordBatch batch;
  AddNumericColumn(&batch, "id", TypeId::kLong, longs);
  testing::AddStringColumn(&batch, "key", strings);
  ProfileOptions options;
  options.exact_distinct_limit = 1000;
  TableProfile profile = Profile(batch, options);
  for (const ColumnProfile& c : profile.columns) {
    EXPECT_TRUE(c.distinct_approximate) << c.name;
    EXPECT_NEAR(static_cast<double>(c.distinct), n, 0.03 * n) << c.name;
    EXPECT_NE(c.distinct, n) << c.name << ": an exact count where an estimate was asked for";
  }
  // Under the limit the count is exact.
  options.exact_distinct_limit = n;
  for (const ColumnProfile& c : Profile(batch, options).columns) {
    EXPECT_FALSE(c.distinct_approximate) << c.name;
    EXPECT_EQ(c.distinct, n) << c.name;
  }
}

TEST(TableProfileTest, NumericLabelGivesPearsonAndCorrelationRatio) {
  batch::RecordBatch batch;
  AddNumericColumn(&batch, "x", TypeId::kInt, {1, 2, 3, 4, 5, std::nullopt});
  AddNumericColumn(&batch, "neg", TypeId::kDouble, {-1, -2, -3, -4, -5, 6});
  AddNullableStringColumn(&batch, "g", {"a", "a", "b", "b", "b", "a"});
  AddNumericColumn(&batch, "y", TypeId::kDouble, {2, 4, 5, 4, 5, std::nullopt});
  ProfileOptions options;
  options.label_column = "y";
  TableProfile profile = Profile(batch, options);
  EXPECT_EQ(profile.label_column, "y");
  // x = 1..5, y = 2 4 5 4 5: Sxy = 6, Sxx = 10, Syy = 6 (the last row has no label).
  ASSERT_TRUE(Column(profile, "x").label_correlation.has_value());
  EXPECT_NEAR(*Column(profile, "x").label_correlation, 6 / std::sqrt(60.0), 1e-12);
  EXPECT_NEAR(*Column(profile, "neg").label_correlation, -6 / std::sqrt(60.0), 1e-12);
  // Groups a = {2, 4}, b = {5, 4, 5}: eta^2 = (10/3) / 6.
  ASSERT_TRUE(Column(profile, "g").label_correlation.has_value());
  EXPECT_NEAR(*Column(profile, "g").label_correlation, std::sqrt(10.0 / 18), 1e-12);
  EXPECT_FALSE(Column(profile, "y").label_correlation.has_value());
}

TEST(TableProfileTest, TwoClassLabelGivesPointBiserialAndMoreClassesGiveEta) {
  batch::RecordBatch batch;
  AddNumericColumn(&batch, "x", TypeId::kDouble, {1, 2, 3, 4, 5});
  AddNullableStringColumn(&batch, "yes_no", {"yes", "yes", "no", "no", "no"});
  AddNullableStringColumn(&batch, "abc", {"a", "b", "c", "a", "b"});
  AddBoolColumn(&batch, "flag", {false, false, true, true, true});
  ProfileOptions options;
  // Classes sort as "no" = 0, "yes" = 1: codes 1 1 0 0 0; Sxc = -3, Sxx = 10, Scc = 1.2.
  options.label_column = "yes_no";
  EXPECT_NEAR(*Column(Profile(batch, options), "x").label_correlation, -3 / std::sqrt(12.0), 1e-12);
  // "false" = 0, "true" = 1.
  options.label_column = "flag";
  EXPECT_NEAR(*Column(Profile(batch, options), "x").label_correlation, 3 / std::sqrt(12.0), 1e-12);
  // a = {1, 4}, b = {2, 5}, c = {3}: SS_between = 1, SS_total = 10.
  options.label_column = "abc";
  TableProfile profile = Profile(batch, options);
  EXPECT_NEAR(*Column(profile, "x").label_correlation, std::sqrt(0.1), 1e-12);
  // A string column against a string label has no defined correlation here.
  EXPECT_FALSE(Column(profile, "yes_no").label_correlation.has_value());
}

TEST(TableProfileTest, LabelColumnIsResolvedIgnoringCase) {
  batch::RecordBatch batch;
  AddNumericColumn(&batch, "x", TypeId::kDouble, {1, 2, 3});
  AddNumericColumn(&batch, "Target", TypeId::kDouble, {1, 2, 4});
  ProfileOptions options;
  options.label_column = "target";
  TableProfile profile = Profile(batch, options);
  EXPECT_EQ(profile.label_column, "Target");
  EXPECT_TRUE(Column(profile, "x").label_correlation.has_value());
}

void ExpectInvalid(const batch::RecordBatch& batch, const ProfileOptions& options,
                   const std::string& message_part) {
  auto profile = ProfileBatch(batch, options);
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(profile.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(profile.status().message().find(message_part), std::string::npos)
      << profile.status().message();
}

TEST(TableProfileTest, MissingLabelColumnIsAnErrorNamingTheColumns) {
  ProfileOptions options;
  options.label_column = "price";
  ExpectInvalid(MixedBatch(), options, "label column 'price' is not in the table");
  ExpectInvalid(MixedBatch(), options, "[i, d, s, flag]");
}

TEST(TableProfileTest, BadOptionsAreErrors) {
  ProfileOptions options;
  options.top_k = 0;
  ExpectInvalid(MixedBatch(), options, "top_k must be at least 1");
  options = {};
  options.histogram_bins = 0;
  ExpectInvalid(MixedBatch(), options, "histogram_bins must be between 1 and 1000");
  options.histogram_bins = 1001;
  ExpectInvalid(MixedBatch(), options, "histogram_bins");
  options = {};
  options.quantiles = {0.5, 50};
  ExpectInvalid(MixedBatch(), options, "quantiles must be between 0 and 1");
  options.quantiles = {kNan};
  ExpectInvalid(MixedBatch(), options, "quantiles");
}

TEST(TableProfileTest, MalformedBatchIsAnInternalError) {
  batch::RecordBatch batch = MixedBatch();
  batch.columns[0].i32.pop_back();
  auto profile = ProfileBatch(batch, {});
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(profile.status().code(), ErrorCode::kInternalError);
}

TEST(TableProfileTest, EmptyBatchProfilesWithoutStatistics) {
  batch::RecordBatch batch;
  AddNumericColumn(&batch, "x", TypeId::kDouble, {});
  AddNumericColumn(&batch, "n", TypeId::kInt, {});
  AddNullableStringColumn(&batch, "s", {});
  AddBoolColumn(&batch, "b", {});
  ProfileOptions options;
  options.label_column = "x";
  options.exact_distinct_limit = -1;
  TableProfile profile = Profile(batch, options);
  EXPECT_EQ(profile.num_rows, 0);
  ASSERT_EQ(profile.columns.size(), 4u);
  for (const ColumnProfile& c : profile.columns) {
    EXPECT_EQ(c.count, 0) << c.name;
    EXPECT_EQ(c.nulls, 0) << c.name;
    EXPECT_EQ(c.distinct, 0) << c.name;
    EXPECT_FALSE(c.min.has_value()) << c.name;
    EXPECT_TRUE(c.quantiles.empty()) << c.name;
    EXPECT_TRUE(c.histogram.empty()) << c.name;
    EXPECT_TRUE(c.top_values.empty()) << c.name;
    EXPECT_FALSE(c.label_correlation.has_value()) << c.name;
  }
  EXPECT_EQ(profile.ToJson().Find("columns")->size(), 4u);
  auto no_columns = ProfileBatch(batch::RecordBatch{}, {});
  ASSERT_TRUE(no_columns.ok());
  EXPECT_TRUE(no_columns->columns.empty());
}

TEST(TableProfileTest, AllNullColumnHasOnlyNulls) {
  batch::RecordBatch batch;
  AddNumericColumn(&batch, "x", TypeId::kDouble, {std::nullopt, std::nullopt});
  const ColumnProfile c = Column(Profile(batch), "x");
  EXPECT_EQ(c.count, 0);
  EXPECT_EQ(c.nulls, 2);
  EXPECT_FALSE(c.mean.has_value());
  EXPECT_TRUE(c.histogram.empty());
}

TEST(TableProfileTest, ToJsonHasStableFieldNamesAndNullForMissingOrNonFiniteNumbers) {
  TableProfile profile = Profile(MixedBatch());
  profile.columns[0].mean = kNan;  // as if a sum had overflowed
  json::Value json = profile.ToJson();
  EXPECT_EQ(json.Find("num_rows")->as_int(), 7);
  EXPECT_TRUE(json.Find("label_column")->is_null());
  const json::Value& i = json.Find("columns")->as_array()[0];
  std::vector<std::string> keys;
  for (const auto& [key, value] : i.as_object()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "type", "count", "nulls", "distinct",
                                            "distinct_approximate", "min", "max", "mean", "stddev",
                                            "nan_count", "inf_count", "quantiles", "histogram",
                                            "top_values", "label_correlation"}));
  EXPECT_EQ(i.Find("name")->as_string(), "i");
  EXPECT_EQ(i.Find("count")->as_int(), 5);
  EXPECT_EQ(i.Find("min")->as_double(), 1.0);
  EXPECT_TRUE(i.Find("mean")->is_null());
  EXPECT_EQ(i.Find("top_values")->as_array()[0].Find("value")->as_string(), "3");
  EXPECT_EQ(i.Find("top_values")->as_array()[0].Find("count")->as_int(), 3);
  EXPECT_EQ(i.Find("quantiles")->as_array()[3].Find("q")->as_double(), 0.5);
  const json::Value& s = json.Find("columns")->as_array()[2];
  EXPECT_TRUE(s.Find("min")->is_null());
  EXPECT_EQ(s.Find("histogram")->size(), 0u);
  // Strict JSON: no NaN or Infinity tokens, and it parses back to the same value.
  const std::string text = json.Dump();
  EXPECT_EQ(text.find(":NaN"), std::string::npos);
  EXPECT_EQ(text.find(":Infinity"), std::string::npos);
  EXPECT_EQ(text.find(":-Infinity"), std::string::npos);
  auto parsed = json::Parse(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, json);
}

TEST(TableProfileTest, AMillionRowsByTenColumnsProfileQuickly) {
  const int n = 1000000;
  batch::RecordBatch batch;
  std::vector<std::optional<double>> values(n);
  uint64_t state = 7;
  for (int column_idx = 0; column_idx < 8; ++column_idx) {
    for (int row_idx = 0; row_idx < n; ++row_idx) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      values[row_idx] = static_cast<double>(state >> 40) / (column_idx % 2 ? 1.0 : 7.0);
    }
    AddNumericColumn(&batch, "c" + std::to_string(column_idx),
                     column_idx % 3 == 0 ? TypeId::kDouble : TypeId::kLong, values);
  }
  std::vector<std::string> strings(n);
  for (int row_idx = 0; row_idx < n; ++row_idx)
    strings[row_idx] = "v" + std::to_string(row_idx % 5000);
  testing::AddStringColumn(&batch, "s", strings);
  AddNumericColumn(&batch, "label", TypeId::kDouble, values);
  ProfileOptions options;
  options.label_column = "label";
  const auto start = std::chrono::steady_clock::now();
  TableProfile profile = Profile(batch, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(profile.columns.size(), 10u);
  // Generous for an unoptimised, shared-core build; at -O2 this takes a fraction of a second.
  EXPECT_LT(seconds, 10.0);
}

}  // namespace
}  // namespace keel::ml
