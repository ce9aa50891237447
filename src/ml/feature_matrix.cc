#include "ml/feature_matrix.h"

namespace keel::ml {

namespace {

using batch::TypeId;

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return "[" + out + "]";
}

template <typename T>
void CopyAsDoubles(const std::vector<T>& values, std::vector<double>* out) {
  out->assign(values.begin(), values.end());
}

}  // namespace

Result<FeatureMatrix> ExtractFeatures(const batch::RecordBatch& input,
                                      const std::vector<std::string>& feature_names) {
  KEEL_RETURN_IF_ERROR(input.Validate());
  FeatureMatrix matrix;
  matrix.num_rows = input.num_rows;
  matrix.columns.resize(feature_names.size());
  for (size_t feature_idx = 0; feature_idx < feature_names.size(); ++feature_idx) {
    const std::string& name = feature_names[feature_idx];
    std::optional<size_t> field_idx = input.schema.FieldIndex(name);
    if (!field_idx) {
      return Status::InvalidArgument("input has no column '" + name +
                                     "' that the model needs; the model's features are " +
                                     JoinNames(feature_names));
    }
    const batch::Column& column = input.columns[*field_idx];
    std::vector<double>* out = &matrix.columns[feature_idx];
    switch (column.type.id) {
      case TypeId::kByte:
      case TypeId::kShort:
      case TypeId::kInt:
        CopyAsDoubles(column.i32, out);
        break;
      case TypeId::kLong:
        CopyAsDoubles(column.i64, out);
        break;
      case TypeId::kFloat:
        CopyAsDoubles(column.f32, out);
        break;
      case TypeId::kDouble:
        *out = column.f64;
        break;
      default:
        return Status::InvalidArgument("column '" + name + "' has type " + column.type.ToString() +
                                       "; model features must be numeric (byte, short, int, long, "
                                       "float or double)");
    }
    for (int64_t row_idx = 0; row_idx < column.length; ++row_idx) {
      if (!column.IsValid(row_idx)) {
        return Status::InvalidArgument("column '" + name + "' is null at row " +
                                       std::to_string(row_idx) + " (counting from 0)" +
                                       "; the model needs a value for every feature");
      }
    }
  }
  return matrix;
}

}  // namespace keel::ml
