#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/batch/record_batch.h"

namespace keel::ml::testing {

// Appends a column named `name` of numeric type `id` (byte, short, int, long, float or double)
// holding `values` (nullopt = null) to `batch`, whose num_rows it sets.
inline void AddNumericColumn(batch::RecordBatch* batch, const std::string& name, batch::TypeId id,
                             const std::vector<std::optional<double>>& values) {
  batch::DataType type = batch::DataType::Primitive(id);
  batch::Column column = batch::Column::Make(type);
  for (const std::optional<double>& v : values) {
    if (!v) {
      column.AppendNull();
      continue;
    }
    switch (id) {
      case batch::TypeId::kLong:
        column.i64.push_back(static_cast<int64_t>(*v));
        break;
      case batch::TypeId::kFloat:
        column.f32.push_back(static_cast<float>(*v));
        break;
      case batch::TypeId::kDouble:
        column.f64.push_back(*v);
        break;
      default:
        column.i32.push_back(static_cast<int32_t>(*v));
    }
    column.MarkAppendedValid();
  }
  batch->schema.fields.push_back(batch::Field{name, type, true});
  batch->columns.push_back(std::move(column));
  batch->num_rows = static_cast<int64_t>(values.size());
}

inline void AddStringColumn(batch::RecordBatch* batch, const std::string& name,
                            const std::vector<std::string>& values) {
  batch::DataType type = batch::DataType::Primitive(batch::TypeId::kString);
  batch::Column column = batch::Column::Make(type);
  for (const std::string& v : values) {
    column.bytes += v;
    column.offsets.push_back(static_cast<int64_t>(column.bytes.size()));
    column.MarkAppendedValid();
  }
  batch->schema.fields.push_back(batch::Field{name, type, true});
  batch->columns.push_back(std::move(column));
  batch->num_rows = static_cast<int64_t>(values.size());
}

}  // namespace keel::ml::testing
