#include "ml/feature_encoding.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

namespace keel::ml {

namespace {

using batch::Column;
using batch::TypeId;

bool IsNumericType(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return true;
    default:
      return false;
  }
}

// Value `row` of a numeric column as a double; NaN when null.
double NumberAt(const Column& column, int64_t row) {
  if (!column.IsValid(row)) return std::numeric_limits<double>::quiet_NaN();
  switch (column.type.id) {
    case TypeId::kBoolean:
      return column.bools[row] ? 1.0 : 0.0;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kDate:
      return column.i32[row];
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return static_cast<double>(column.i64[row]);
    case TypeId::kFloat:
      return column.f32[row];
    case TypeId::kDouble:
      return column.f64[row];
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

std::string Row(int64_t row) { return std::to_string(row) + " (counting from 0)"; }

std::string JoinColumnNames(const batch::Schema& schema) {
  std::string out;
  for (const batch::Field& field : schema.fields) out += (out.empty() ? "" : ", ") + field.name;
  return "[" + out + "]";
}

Result<const Column*> FindColumn(const batch::RecordBatch& data, const std::string& name,
                                 std::string_view role) {
  std::optional<size_t> idx = data.schema.FieldIndex(name);
  if (!idx) {
    return Status::InvalidArgument("the table has no " + std::string(role) + " column '" + name +
                                   "'; its columns are " + JoinColumnNames(data.schema));
  }
  return &data.columns[*idx];
}

// Checks that `column` holds what `info` was trained on.
Status CheckKind(const FeatureInfo& info, const Column& column) {
  bool numeric = IsNumericType(column.type.id);
  bool categorical = column.type.id == TypeId::kString;
  if ((info.kind == FeatureKind::kNumeric && !numeric) ||
      (info.kind == FeatureKind::kCategorical && !categorical)) {
    return Status::InvalidArgument("column '" + info.name + "' has type " + column.type.ToString() +
                                   " but the model was trained on " + info.column_type + " values");
  }
  return Status::OK();
}

Status CheckFinite(const std::string& name, double value, int64_t row) {
  if (std::isinf(value)) {
    return Status::InvalidArgument("column '" + name + "' holds an infinite value at row " +
                                   Row(row) + "; replace it with a finite number or null");
  }
  return Status::OK();
}

// Code of each category value, for encoding.
std::unordered_map<std::string_view, int64_t> CategoryCodes(const FeatureInfo& info) {
  std::unordered_map<std::string_view, int64_t> codes;
  for (size_t code = 0; code < info.categories.size(); ++code) {
    codes.emplace(info.categories[code], static_cast<int64_t>(code));
  }
  return codes;
}

// Calls visit(row, value) for every row of a feature column: the number for numeric features,
// the category code (or -1 for missing/unseen) for categorical ones, NaN for missing numbers.
template <typename Visit>
Status ForEachEncoded(const FeatureInfo& info, const Column& column, Visit visit) {
  KEEL_RETURN_IF_ERROR(CheckKind(info, column));
  if (info.kind == FeatureKind::kNumeric) {
    for (int64_t row = 0; row < column.length; ++row) {
      double value = NumberAt(column, row);
      KEEL_RETURN_IF_ERROR(CheckFinite(info.name, value, row));
      visit(row, value);
    }
    return Status::OK();
  }
  auto codes = CategoryCodes(info);
  for (int64_t row = 0; row < column.length; ++row) {
    double code = -1;
    if (column.IsValid(row)) {
      auto it = codes.find(column.StringAt(row));
      if (it != codes.end()) code = static_cast<double>(it->second);
    }
    visit(row, code);
  }
  return Status::OK();
}

std::string_view KindName(FeatureKind kind) {
  return kind == FeatureKind::kNumeric ? "numeric" : "categorical";
}

// MLflow's column type for a Keel column type (mlflow.types.DataType names).
std::string_view MlflowType(std::string_view column_type) {
  if (column_type == "double" || column_type == "float" || column_type == "long" ||
      column_type == "boolean" || column_type == "string") {
    return column_type;
  }
  if (column_type == "integer" || column_type == "short" || column_type == "byte") {
    return "integer";
  }
  if (column_type == "date" || column_type.starts_with("timestamp")) return "datetime";
  return "double";
}

}  // namespace

std::string CellText(const Column& column, int64_t row) {
  switch (column.type.id) {
    case TypeId::kString:
    case TypeId::kBinary:
      return std::string(column.StringAt(row));
    case TypeId::kBoolean:
      return column.bools[row] ? "true" : "false";
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double value = column.type.id == TypeId::kFloat ? column.f32[row] : column.f64[row];
      if (value == std::floor(value) && std::abs(value) < 1e15) {
        return std::to_string(static_cast<int64_t>(value));
      }
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
      return std::string(buf, end);
    }
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return std::to_string(column.i64[row]);
    default:
      return std::to_string(column.i32[row]);
  }
}

Result<FeatureEncoding> FeatureEncoding::Fit(const batch::RecordBatch& train,
                                             const std::vector<std::string>& columns) {
  if (columns.empty()) return Status::InvalidArgument("a model needs at least one feature column");
  std::set<std::string_view> seen;
  std::vector<FeatureInfo> features;
  for (const std::string& name : columns) {
    if (!seen.insert(name).second) {
      return Status::InvalidArgument("feature column '" + name + "' is listed twice");
    }
    KEEL_ASSIGN_OR_RETURN(const Column* column, FindColumn(train, name, "feature"));
    FeatureInfo info;
    info.name = name;
    info.column_type = column->type.ToString();
    if (IsNumericType(column->type.id)) {
      info.kind = FeatureKind::kNumeric;
      double sum = 0;
      int64_t count = 0;
      for (int64_t row = 0; row < column->length; ++row) {
        double value = NumberAt(*column, row);
        KEEL_RETURN_IF_ERROR(CheckFinite(name, value, row));
        if (std::isnan(value)) continue;
        sum += value;
        ++count;
      }
      info.fill_value = count > 0 ? sum / static_cast<double>(count) : 0.0;
    } else if (column->type.id == TypeId::kString) {
      info.kind = FeatureKind::kCategorical;
      std::set<std::string_view> values;
      for (int64_t row = 0; row < column->length; ++row) {
        if (!column->IsValid(row)) continue;
        values.insert(column->StringAt(row));
        if (static_cast<int64_t>(values.size()) > kMaxCategories) {
          return Status::InvalidArgument(
              "column '" + name + "' has more than " + std::to_string(kMaxCategories) +
              " distinct values; it looks like an identifier, leave it out of the features");
        }
      }
      info.categories.assign(values.begin(), values.end());
    } else {
      return Status::InvalidArgument("column '" + name + "' has type " + column->type.ToString() +
                                     "; features must be numbers, booleans, dates, timestamps "
                                     "or strings (categories)");
    }
    features.push_back(std::move(info));
  }
  return FeatureEncoding(std::move(features));
}

json::Value FeatureEncoding::ToJson() const {
  json::Value list = json::Value::MakeArray();
  for (const FeatureInfo& info : features_) {
    json::Value f = json::Value::MakeObject();
    f.Set("name", info.name);
    f.Set("kind", KindName(info.kind));
    f.Set("column_type", info.column_type);
    if (info.kind == FeatureKind::kCategorical) {
      json::Value categories = json::Value::MakeArray();
      for (const std::string& c : info.categories) categories.Append(c);
      f.Set("categories", std::move(categories));
    } else {
      f.Set("fill_value", info.fill_value);
    }
    list.Append(std::move(f));
  }
  json::Value doc = json::Value::MakeObject();
  doc.Set("features", std::move(list));
  return doc;
}

Result<FeatureEncoding> FeatureEncoding::FromJson(const json::Value& doc) {
  const json::Value* list = doc.is_object() ? doc.Find("features") : nullptr;
  if (list == nullptr || !list->is_array() || list->as_array().empty()) {
    return Status::InvalidArgument("'features' must be a non-empty list");
  }
  std::vector<FeatureInfo> features;
  std::set<std::string> seen;
  for (const json::Value& f : list->as_array()) {
    KEEL_ASSIGN_OR_RETURN(json::FieldReader fields, json::FieldReader::Make(f, "feature"));
    FeatureInfo info;
    KEEL_ASSIGN_OR_RETURN(info.name, fields.RequiredString("name"));
    if (info.name.empty() || !seen.insert(info.name).second) {
      return Status::InvalidArgument("feature names must be non-empty and unique");
    }
    KEEL_ASSIGN_OR_RETURN(std::string kind, fields.RequiredString("kind"));
    KEEL_ASSIGN_OR_RETURN(info.column_type, fields.RequiredString("column_type"));
    if (kind == "categorical") {
      info.kind = FeatureKind::kCategorical;
      KEEL_ASSIGN_OR_RETURN(info.categories, fields.StringList("categories"));
      if (static_cast<int64_t>(info.categories.size()) > kMaxCategories) {
        return Status::InvalidArgument("feature '" + info.name + "' has too many categories");
      }
    } else if (kind == "numeric") {
      KEEL_ASSIGN_OR_RETURN(auto fill, fields.OptionalDouble("fill_value"));
      info.fill_value = fill.value_or(0.0);
      if (!std::isfinite(info.fill_value)) {
        return Status::InvalidArgument("feature '" + info.name + "' has a non-finite fill_value");
      }
    } else {
      return Status::InvalidArgument("feature '" + info.name + "' has unknown kind '" + kind +
                                     "' (numeric or categorical)");
    }
    features.push_back(std::move(info));
  }
  return FeatureEncoding(std::move(features));
}

std::vector<std::string> FeatureEncoding::names() const {
  std::vector<std::string> out;
  for (const FeatureInfo& info : features_) out.push_back(info.name);
  return out;
}

bool FeatureEncoding::has_categorical() const {
  return std::any_of(features_.begin(), features_.end(),
                     [](const FeatureInfo& f) { return f.kind == FeatureKind::kCategorical; });
}

Result<std::vector<float>> FeatureEncoding::EncodeDense(const batch::RecordBatch& input) const {
  const size_t num_features = features_.size();
  std::vector<float> out(static_cast<size_t>(input.num_rows) * num_features);
  for (size_t f = 0; f < num_features; ++f) {
    const FeatureInfo& info = features_[f];
    KEEL_ASSIGN_OR_RETURN(const Column* column, FindColumn(input, info.name, "feature"));
    KEEL_RETURN_IF_ERROR(ForEachEncoded(info, *column, [&](int64_t row, double value) {
      if (info.kind == FeatureKind::kCategorical && value < 0) {
        value = std::numeric_limits<double>::quiet_NaN();
      }
      out[static_cast<size_t>(row) * num_features + f] = static_cast<float>(value);
    }));
  }
  return out;
}

Result<std::vector<std::vector<double>>> FeatureEncoding::EncodeOneHot(
    const batch::RecordBatch& input) const {
  const size_t num_rows = static_cast<size_t>(input.num_rows);
  std::vector<std::vector<double>> out;
  for (const FeatureInfo& info : features_) {
    KEEL_ASSIGN_OR_RETURN(const Column* column, FindColumn(input, info.name, "feature"));
    if (info.kind == FeatureKind::kNumeric) {
      std::vector<double> values(num_rows);
      KEEL_RETURN_IF_ERROR(ForEachEncoded(info, *column, [&](int64_t row, double value) {
        values[row] = std::isnan(value) ? info.fill_value : value;
      }));
      out.push_back(std::move(values));
      continue;
    }
    size_t first = out.size();
    out.resize(first + info.categories.size(), std::vector<double>(num_rows, 0.0));
    KEEL_RETURN_IF_ERROR(ForEachEncoded(info, *column, [&](int64_t row, double code) {
      if (code >= 0) out[first + static_cast<size_t>(code)][row] = 1.0;
    }));
  }
  return out;
}

std::vector<std::string> FeatureEncoding::OneHotNames() const {
  std::vector<std::string> out;
  for (const FeatureInfo& info : features_) {
    if (info.kind == FeatureKind::kNumeric) {
      out.push_back(info.name);
    } else {
      for (const std::string& c : info.categories) out.push_back(info.name + "=" + c);
    }
  }
  return out;
}

std::string FeatureEncoding::SignatureInputs() const {
  json::Value list = json::Value::MakeArray();
  for (const FeatureInfo& info : features_) {
    json::Value spec = json::Value::MakeObject();
    spec.Set("type", MlflowType(info.column_type));
    spec.Set("name", info.name);
    spec.Set("required", false);
    list.Append(std::move(spec));
  }
  return list.Dump();
}

std::string_view ProblemTypeName(ProblemType problem) {
  return problem == ProblemType::kRegression ? "regression" : "classification";
}

Result<ProblemType> ParseProblemType(std::string_view name) {
  if (name == "regression") return ProblemType::kRegression;
  if (name == "classification") return ProblemType::kClassification;
  return Status::InvalidArgument("problem type '" + std::string(name) +
                                 "' is not one of: classification, regression");
}

Result<EncodedLabels> EncodeLabels(const batch::RecordBatch& data, const std::string& column_name,
                                   ProblemType problem, const std::vector<std::string>* classes) {
  KEEL_ASSIGN_OR_RETURN(const Column* column, FindColumn(data, column_name, "label"));
  EncodedLabels labels;
  labels.values.resize(static_cast<size_t>(column->length));
  const bool numeric = IsNumericType(column->type.id);
  for (int64_t row = 0; row < column->length; ++row) {
    if (!column->IsValid(row)) {
      return Status::InvalidArgument("label column '" + column_name + "' is null at row " +
                                     Row(row) + "; drop or fill rows without a label");
    }
    if (numeric) {
      double value = NumberAt(*column, row);
      if (!std::isfinite(value)) {
        return Status::InvalidArgument("label column '" + column_name + "' holds " +
                                       (std::isnan(value) ? "NaN" : "an infinite value") +
                                       " at row " + Row(row) + "; labels must be finite");
      }
      labels.values[row] = value;
    }
  }
  if (problem == ProblemType::kRegression) {
    if (!numeric || column->type.id == TypeId::kBoolean) {
      return Status::InvalidArgument("label column '" + column_name + "' has type " +
                                     column->type.ToString() +
                                     "; regression needs a numeric label (did you mean "
                                     "--problem classification?)");
    }
    return labels;
  }
  if (!numeric && column->type.id != TypeId::kString) {
    return Status::InvalidArgument("label column '" + column_name + "' has type " +
                                   column->type.ToString() +
                                   "; class labels must be numbers, booleans or strings");
  }
  // Class text -> index. Learned classes are sorted numerically for numeric labels.
  std::map<std::string, int64_t> index;
  if (classes != nullptr) {
    labels.classes = *classes;
  } else {
    if (numeric) {
      std::set<double> values(labels.values.begin(), labels.values.end());
      if (static_cast<int64_t>(values.size()) > kMaxCategories) {
        return Status::InvalidArgument("label column '" + column_name + "' has more than " +
                                       std::to_string(kMaxCategories) +
                                       " distinct values; is this a regression problem?");
      }
      for (double v : values) {
        Column one = Column::Make(batch::DataType::Primitive(TypeId::kDouble));
        one.f64.push_back(v);
        one.MarkAppendedValid();
        labels.classes.push_back(CellText(one, 0));
      }
      if (column->type.id == TypeId::kBoolean) {
        for (std::string& c : labels.classes) c = c == "1" ? "true" : "false";
      }
    } else {
      std::set<std::string_view> values;
      for (int64_t row = 0; row < column->length; ++row) {
        values.insert(column->StringAt(row));
        if (static_cast<int64_t>(values.size()) > kMaxCategories) {
          return Status::InvalidArgument("label column '" + column_name + "' has more than " +
                                         std::to_string(kMaxCategories) + " distinct values");
        }
      }
      labels.classes.assign(values.begin(), values.end());
    }
    if (labels.classes.size() < 2) {
      return Status::InvalidArgument(
          "label column '" + column_name + "' has " +
          (labels.classes.empty() ? std::string("no values")
                                  : "only one class ('" + labels.classes[0] + "')") +
          "; classification needs at least two classes in the training data");
    }
  }
  for (size_t i = 0; i < labels.classes.size(); ++i) {
    index.emplace(labels.classes[i], static_cast<int64_t>(i));
  }
  for (int64_t row = 0; row < column->length; ++row) {
    std::string text = CellText(*column, row);
    auto it = index.find(text);
    if (it == index.end()) {
      return Status::InvalidArgument("label column '" + column_name + "' holds '" + text +
                                     "' at row " + Row(row) +
                                     ", a class the model was not trained on");
    }
    labels.values[row] = static_cast<double>(it->second);
  }
  return labels;
}

}  // namespace keel::ml
