#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/batch/record_batch.h"

// The ml layer's view of a trained model: something that scores batches. Flavors (ml/linear/,
// later ml/xgboost/) implement it; ml/model_loader.h picks one from a model directory.
namespace keel::ml {

// A model loaded into memory. Implementations are immutable once loaded, so Predict may be called
// from several threads at once.
class Model {
 public:
  virtual ~Model() = default;

  // One prediction per row of `input`, which must hold a numeric column (byte, short, int, long,
  // float or double) without nulls for each of feature_names(); other columns are ignored.
  // Errors: kInvalidParameterValue naming the missing column, the column of the wrong type or
  // the row holding a null.
  virtual Result<std::vector<double>> Predict(const batch::RecordBatch& input) const = 0;

  // The input columns the model reads, in the order it was trained on.
  virtual const std::vector<std::string>& feature_names() const = 0;

  // The MLmodel flavor the model was loaded from ("keel_linear").
  virtual std::string_view flavor() const = 0;
};

}  // namespace keel::ml
