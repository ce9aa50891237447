#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/batch/record_batch.h"

// The ml layer's view of a trained model: something that scores batches. Flavors (ml/linear/,
// ml/xgboost/) implement it; ml/model_loader.h picks one from a model directory.
namespace keel::ml {

// What a model computes for a batch.
struct ModelOutput {
  // 0 for a regression model (one value per row); else the number of classes, and `values`
  // holds each row's class probabilities, row-major (num_rows x num_classes).
  int num_classes = 0;
  std::vector<double> values;

  int64_t num_rows() const {
    return num_classes == 0 ? static_cast<int64_t>(values.size())
                            : static_cast<int64_t>(values.size()) / num_classes;
  }
  // One number per row: the regression value, the positive-class probability of a binary
  // classifier, or the index of the most probable class of a multiclass one.
  std::vector<double> Predictions() const;
  // Index of the most probable class of each row (binary: positive iff p > 0.5).
  // REQUIRES: num_classes >= 2.
  std::vector<int32_t> PredictedClasses() const;
};

// A loaded model. Implementations are immutable once loaded, so Score may be called from
// several threads at once.
class Model {
 public:
  virtual ~Model() = default;

  // Scores every row of `input`, which must hold the model's feature columns (by name; other
  // columns are ignored).
  // Errors: kInvalidParameterValue naming the missing column, the column of the wrong type or
  // the bad value.
  virtual Result<ModelOutput> Score(const batch::RecordBatch& input) const = 0;

  // Score(input).Predictions().
  Result<std::vector<double>> Predict(const batch::RecordBatch& input) const;

  // The input columns the model reads, in the order it was trained on.
  virtual const std::vector<std::string>& feature_names() const = 0;

  // A classifier's class labels in index order (as text); empty for a regression model.
  virtual const std::vector<std::string>& classes() const = 0;

  // The MLmodel flavor the model was loaded from ("keel_linear", "xgboost").
  virtual std::string_view flavor() const = 0;
};

}  // namespace keel::ml
