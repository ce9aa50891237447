#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "storage/batch/column.h"
#include "storage/batch/data_type.h"

namespace keel::batch {

// A set of equally long columns under a schema: the unit that storage reads and writes.
struct RecordBatch {
  Schema schema;
  std::vector<Column> columns;
  int64_t num_rows = 0;

  // An empty batch with one empty column per field.
  static RecordBatch Make(const Schema& schema);

  // Checks that there is one column per field, of its type and num_rows long, and that every
  // column's invariants hold. Error: kInternalError.
  Status Validate() const;
};

}  // namespace keel::batch
