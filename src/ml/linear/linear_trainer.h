#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "ml/linear/linear_model.h"

// Training of the linear baselines, matching scikit-learn's solutions so that Keel's baseline
// metrics can be compared with a Python notebook's:
//   kLinear    sklearn Ridge(alpha) (alpha = 0: LinearRegression). Minimises
//              ||y - Xw - b||^2 + alpha ||w||^2 with the intercept b not penalised: X and y are
//              centred, and the normal equations (Xc'Xc + alpha I) w = Xc'yc are solved by
//              Cholesky in double.
//   kLogistic  sklearn LogisticRegression(C, penalty="l2"). Minimises
//              0.5 ||w||^2 + C * sum_i logloss(y_i, sigmoid(x_i.w + b)), intercept not
//              penalised, by Newton's method (IRLS) with a backtracking line search. Newton
//              converges quadratically, so it reaches the exact optimum that sklearn's lbfgs
//              approaches with a tight tol.
// Cost: one pass over the data per Newton step, accumulating X'WX in cache-sized row blocks
// (about O(rows * features^2 / 2) multiply-adds). Single-threaded and deterministic: the same
// data and options give bit-identical models.
namespace keel::ml {

// Settings of TrainLinear; the defaults are sklearn's.
struct LinearTrainOptions {
  LinearKind kind = LinearKind::kLinear;
  double alpha = 1.0;  // linear: ridge strength (>= 0); 0 is ordinary least squares
  double C = 1.0;      // logistic: inverse regularisation (> 0), as sklearn
  int max_iter = 100;  // logistic: at most this many Newton iterations (>= 1)
  // logistic: stop once the Newton decrement says the objective is within tol * (1 + |objective|)
  // of its minimum (>= 0). The last step is still taken, so the result is tighter than tol.
  double tol = 1e-10;
  // Called after each Newton iteration (logistic) with (iteration from 0, objective value);
  // linear calls it once with (0, ||y - Xw - b||^2 + alpha ||w||^2). Lets the trainer log
  // per-iteration metrics. May be empty.
  std::function<void(int, double)> on_iteration;
};

// Fits a linear or logistic model on `x` and `y`.
// x: column-major features, x[feature_idx][row_idx], one column per name in `feature_names`, every
//    column the same length, finite values (the caller imputes missing values).
// y: one label per row; finite; logistic: exactly 0 or 1, both classes present.
// A logistic fit that has not converged after max_iter iterations is returned as it stands (as
// sklearn does, which only warns).
// Errors (kInvalidParameterValue): no rows or no features, names not matching the columns or
// empty/duplicated, ragged columns, non-finite values, logistic labels not 0/1 or only one class
// present, bad options (negative or non-finite alpha, C <= 0, max_iter < 1, negative tol), and
// ordinary least squares (alpha = 0) on constant or collinear features.
Result<LinearModelSpec> TrainLinear(const std::vector<std::string>& feature_names,
                                    const std::vector<std::vector<double>>& x,
                                    const std::vector<double>& y,
                                    const LinearTrainOptions& options);

}  // namespace keel::ml
