#include "ml/model.h"

namespace keel::ml {

std::vector<int32_t> ModelOutput::PredictedClasses() const {
  const int64_t rows = num_rows();
  std::vector<int32_t> out(static_cast<size_t>(rows));
  for (int64_t row = 0; row < rows; ++row) {
    const double* p = values.data() + row * num_classes;
    if (num_classes == 2) {
      out[row] = p[1] > 0.5 ? 1 : 0;
      continue;
    }
    int32_t best = 0;
    for (int32_t c = 1; c < num_classes; ++c) {
      if (p[c] > p[best]) best = c;
    }
    out[row] = best;
  }
  return out;
}

std::vector<double> ModelOutput::Predictions() const {
  if (num_classes == 0) return values;
  if (num_classes == 2) {
    std::vector<double> out(static_cast<size_t>(num_rows()));
    for (size_t row = 0; row < out.size(); ++row) out[row] = values[row * 2 + 1];
    return out;
  }
  std::vector<int32_t> classes = PredictedClasses();
  return std::vector<double>(classes.begin(), classes.end());
}

Result<std::vector<double>> Model::Predict(const batch::RecordBatch& input) const {
  KEEL_ASSIGN_OR_RETURN(ModelOutput output, Score(input));
  return output.Predictions();
}

}  // namespace keel::ml
