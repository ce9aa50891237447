#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "storage/batch/record_batch.h"

// How a model turns table columns into numbers, learned from the training data and saved with
// the model (so a model scores raw table rows, and its signature names the raw columns):
//  - numeric columns (byte, short, int, long, float, double, boolean, date, timestamp) are
//    numbers; a null or NaN is a missing value;
//  - string columns are categorical: each training value gets a code (its index in the sorted
//    list of training values); a null or a value not seen in training is missing.
// XGBoost reads missing values as NaN (it learns which branch they take, and treats the
// categorical codes as categories); the linear flavor replaces a missing number with the training
// mean and one-hot encodes categories (an unseen category is all zeros).
namespace keel::ml {

enum class FeatureKind { kNumeric, kCategorical };

// A categorical column with more distinct training values is refused (one-hot encoding it would
// make a huge linear model, and XGBoost's categorical splits get slow).
inline constexpr int64_t kMaxCategories = 10000;

struct FeatureInfo {
  std::string name;
  FeatureKind kind = FeatureKind::kNumeric;
  // The column's type in the training table ("double", "long", "string", ...), as
  // batch::DataType::ToString() names it; written into the MLmodel signature.
  std::string column_type;
  std::vector<std::string> categories;  // kCategorical: training values in code order (sorted)
  double fill_value = 0;                // kNumeric: mean of the training values (0 if none)
};

class FeatureEncoding {
 public:
  FeatureEncoding() = default;

  // Learns the encoding of `columns` from `train`.
  // Errors (kInvalidParameterValue): no columns, a column named twice or missing from `train`
  // (naming the table's columns), a type that cannot be a feature (binary, decimal, nested), an
  // infinite value (naming the column and row), more than kMaxCategories categories.
  static Result<FeatureEncoding> Fit(const batch::RecordBatch& train,
                                     const std::vector<std::string>& columns);

  // The saved form ({"features": [{"name", "kind", "column_type", "categories"|"fill_value"}]})
  // and back. FromJson errors: kInvalidParameterValue naming the field.
  json::Value ToJson() const;
  static Result<FeatureEncoding> FromJson(const json::Value& doc);

  const std::vector<FeatureInfo>& features() const { return features_; }
  std::vector<std::string> names() const;
  bool has_categorical() const;

  // Row-major float matrix (num_rows x features().size()), missing values NaN, categories as
  // their codes: XGBoost's input.
  // Errors (kInvalidParameterValue): a missing column, a column whose type does not match the
  // kind learned in training, an infinite value.
  Result<std::vector<float>> EncodeDense(const batch::RecordBatch& input) const;

  // Column-major doubles for the linear flavor: one column per numeric feature (missing ->
  // fill_value) and one 0/1 column per category (named "column=value"). Errors: as EncodeDense.
  Result<std::vector<std::vector<double>>> EncodeOneHot(const batch::RecordBatch& input) const;
  // The column names EncodeOneHot produces, in its order.
  std::vector<std::string> OneHotNames() const;

  // MLflow's column-spec JSON for the model signature's inputs: one entry per raw column with
  // MLflow's type (double, long, integer, float, boolean, string, datetime), required false
  // since missing values are accepted.
  std::string SignatureInputs() const;

 private:
  explicit FeatureEncoding(std::vector<FeatureInfo> features) : features_(std::move(features)) {}
  std::vector<FeatureInfo> features_;
};

// How the label column becomes training targets.
enum class ProblemType { kRegression, kClassification };

// "regression" / "classification".
std::string_view ProblemTypeName(ProblemType problem);
Result<ProblemType> ParseProblemType(std::string_view name);

struct EncodedLabels {
  std::vector<double> values;        // regression: the value; classification: class index
  std::vector<std::string> classes;  // classification: class labels in index order (sorted)
};

// Reads `column` of `data` as labels. Regression: a numeric column, every value finite and
// present. Classification: numeric, boolean or string values; classes are the distinct values
// in sorted order (numbers by value), unless `classes` is given (from training: values outside
// it are an error).
// Errors (kInvalidParameterValue): a missing column, a null/NaN/infinite label (naming the
// row), a non-numeric regression label, fewer than two classes when learning them, more than
// kMaxCategories classes.
Result<EncodedLabels> EncodeLabels(const batch::RecordBatch& data, const std::string& column,
                                   ProblemType problem,
                                   const std::vector<std::string>* classes = nullptr);

// The text Keel uses for a label or category value at `row` of `column` (numbers in shortest
// round-trip form, booleans true/false, strings as they are). REQUIRES: the value is present.
std::string CellText(const batch::Column& column, int64_t row);

}  // namespace keel::ml
