#include "storage/batch/record_batch.h"

namespace keel::batch {

RecordBatch RecordBatch::Make(const Schema& schema) {
  RecordBatch b;
  b.schema = schema;
  for (const Field& f : schema.fields) b.columns.push_back(Column::Make(f.type));
  return b;
}

Status RecordBatch::Validate() const {
  if (columns.size() != schema.fields.size()) {
    return Status::Internal("batch has " + std::to_string(columns.size()) + " columns for " +
                            std::to_string(schema.fields.size()) + " fields");
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    const Field& f = schema.fields[i];
    if (!(columns[i].type == f.type)) {
      return Status::Internal("column '" + f.name + "' has type " + columns[i].type.ToString() +
                              ", schema says " + f.type.ToString());
    }
    if (columns[i].length != num_rows) {
      return Status::Internal("column '" + f.name + "' has " + std::to_string(columns[i].length) +
                              " values, batch has " + std::to_string(num_rows) + " rows");
    }
    KEEL_RETURN_IF_ERROR(columns[i].Validate().WithContext("column '" + f.name + "'"));
  }
  return Status::OK();
}

}  // namespace keel::batch
