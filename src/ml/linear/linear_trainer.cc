#include "ml/linear/linear_trainer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <string_view>

namespace keel::ml {

namespace {

// Rows per block when accumulating X'WX: the block's copies of the features (features x rows
// doubles) stay in the L2 cache, and each of the features^2 / 2 dot products runs over
// contiguous memory.
constexpr size_t kBlockRows = 512;

// A Cholesky pivot of the Jacobi-scaled (unit diagonal) matrix below this means the matrix is
// singular to working precision: some column is a linear combination of the earlier ones.
constexpr double kSingularPivot = 1e-12;

// The Armijo constant and the number of halvings of the logistic line search.
constexpr double kArmijo = 1e-4;
constexpr int kMaxLineSearchHalvings = 60;

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

// Two doubles, in GCC/Clang's portable vector extension: one SSE2 register on baseline x86-64,
// one NEON register on arm64. A floating-point reduction is not vectorised automatically (that
// would reorder its adds), so Dot spells out its lanes; the order is fixed, which keeps results
// deterministic.
typedef double Lanes __attribute__((vector_size(2 * sizeof(double))));

inline Lanes LoadLanes(const double* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// The dot product of a[0, n) and b[0, n): the hot loop of the Gram accumulation.
double Dot(const double* a, const double* b, size_t n) {
  Lanes s0 = {0, 0};
  Lanes s1 = {0, 0};
  Lanes s2 = {0, 0};
  Lanes s3 = {0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    s0 += LoadLanes(a + i) * LoadLanes(b + i);
    s1 += LoadLanes(a + i + 2) * LoadLanes(b + i + 2);
    s2 += LoadLanes(a + i + 4) * LoadLanes(b + i + 4);
    s3 += LoadLanes(a + i + 6) * LoadLanes(b + i + 6);
  }
  Lanes s = (s0 + s1) + (s2 + s3);
  double sum = s[0] + s[1];
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// Adds u_j . v_k for k >= j to gram[j * dim + k]. u and v hold `dim` rows of `len` values each,
// row j at j * stride. Four k at a time share each load of u_j, which halves the loads per
// multiply-add against separate dot products.
void AccumulateUpperGram(const std::vector<double>& u, const std::vector<double>& v, size_t dim,
                         size_t stride, size_t len, std::vector<double>* gram) {
  for (size_t j = 0; j < dim; ++j) {
    const double* uj = u.data() + j * stride;
    double* row = gram->data() + j * dim;
    size_t k = j;
    for (; k + 4 <= dim; k += 4) {
      const double* v0 = v.data() + k * stride;
      const double* v1 = v0 + stride;
      const double* v2 = v1 + stride;
      const double* v3 = v2 + stride;
      Lanes s0 = {0, 0};
      Lanes s1 = {0, 0};
      Lanes s2 = {0, 0};
      Lanes s3 = {0, 0};
      size_t r = 0;
      for (; r + 2 <= len; r += 2) {
        const Lanes a = LoadLanes(uj + r);
        s0 += a * LoadLanes(v0 + r);
        s1 += a * LoadLanes(v1 + r);
        s2 += a * LoadLanes(v2 + r);
        s3 += a * LoadLanes(v3 + r);
      }
      double t0 = s0[0] + s0[1];
      double t1 = s1[0] + s1[1];
      double t2 = s2[0] + s2[1];
      double t3 = s3[0] + s3[1];
      for (; r < len; ++r) {
        t0 += uj[r] * v0[r];
        t1 += uj[r] * v1[r];
        t2 += uj[r] * v2[r];
        t3 += uj[r] * v3[r];
      }
      row[k] += t0;
      row[k + 1] += t1;
      row[k + 2] += t2;
      row[k + 3] += t3;
    }
    for (; k < dim; ++k) row[k] += Dot(uj, v.data() + k * stride, len);
  }
}

void MirrorUpperToLower(size_t dim, std::vector<double>* a) {
  for (size_t j = 0; j < dim; ++j) {
    for (size_t k = j + 1; k < dim; ++k) (*a)[k * dim + j] = (*a)[j * dim + k];
  }
}

// Solves a * x = b for a symmetric positive definite `a` (dim x dim, row-major, both triangles
// filled). The matrix is first scaled to a unit diagonal, which makes the pivot test independent
// of the features' units. Returns -1 on success, or the index of the first column found to be
// (numerically) a linear combination of the earlier ones, including a zero column.
int64_t SolveSpd(const std::vector<double>& a, const std::vector<double>& b, size_t dim,
                 std::vector<double>* x) {
  std::vector<double> scale(dim);
  for (size_t j = 0; j < dim; ++j) {
    double diag = a[j * dim + j];
    if (!(diag > 0) || !std::isfinite(diag)) return static_cast<int64_t>(j);
    scale[j] = 1.0 / std::sqrt(diag);
  }
  // Lower-triangular factor of the scaled matrix, row-major.
  std::vector<double> l(dim * dim, 0.0);
  for (size_t j = 0; j < dim; ++j) {
    double pivot = a[j * dim + j] * scale[j] * scale[j];
    for (size_t k = 0; k < j; ++k) pivot -= l[j * dim + k] * l[j * dim + k];
    if (!(pivot > kSingularPivot)) return static_cast<int64_t>(j);
    double ljj = std::sqrt(pivot);
    l[j * dim + j] = ljj;
    for (size_t i = j + 1; i < dim; ++i) {
      double s = a[i * dim + j] * scale[i] * scale[j];
      for (size_t k = 0; k < j; ++k) s -= l[i * dim + k] * l[j * dim + k];
      l[i * dim + j] = s / ljj;
    }
  }
  // L z = D b, then L' y = z, then x = D y.
  std::vector<double> z(dim);
  for (size_t i = 0; i < dim; ++i) {
    double s = b[i] * scale[i];
    for (size_t k = 0; k < i; ++k) s -= l[i * dim + k] * z[k];
    z[i] = s / l[i * dim + i];
  }
  x->assign(dim, 0.0);
  for (size_t i = dim; i-- > 0;) {
    double s = z[i];
    for (size_t k = i + 1; k < dim; ++k) s -= l[k * dim + i] * (*x)[k];
    (*x)[i] = s / l[i * dim + i];
  }
  for (size_t i = 0; i < dim; ++i) (*x)[i] *= scale[i];
  return -1;
}

Status ValidateOptions(const LinearTrainOptions& options) {
  switch (options.kind) {
    case LinearKind::kLinear:
      if (!std::isfinite(options.alpha) || options.alpha < 0) {
        return Status::InvalidArgument(
            "alpha must be a finite number >= 0 (0 is ordinary least "
            "squares); got " +
            FormatDouble(options.alpha));
      }
      return Status::OK();
    case LinearKind::kLogistic:
      if (!std::isfinite(options.C) || options.C <= 0) {
        return Status::InvalidArgument(
            "C must be a finite number > 0 (smaller C regularises more); got " +
            FormatDouble(options.C));
      }
      if (options.max_iter < 1) {
        return Status::InvalidArgument("max_iter must be at least 1; got " +
                                       std::to_string(options.max_iter));
      }
      if (!std::isfinite(options.tol) || options.tol < 0) {
        return Status::InvalidArgument("tol must be a finite number >= 0; got " +
                                       FormatDouble(options.tol));
      }
      return Status::OK();
  }
  return Status::InvalidArgument("unknown linear model kind");
}

Status ValidateData(const std::vector<std::string>& feature_names,
                    const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                    LinearKind kind) {
  if (x.empty() || feature_names.empty()) {
    return Status::InvalidArgument("training a linear model needs at least one feature column");
  }
  if (feature_names.size() != x.size()) {
    return Status::InvalidArgument("got " + std::to_string(feature_names.size()) +
                                   " feature names for " + std::to_string(x.size()) +
                                   " feature columns; pass one name per column");
  }
  std::set<std::string_view> seen;
  for (const std::string& name : feature_names) {
    if (name.empty()) return Status::InvalidArgument("feature names must not be empty");
    if (!seen.insert(name).second) {
      return Status::InvalidArgument("feature '" + name + "' is listed twice; list it once");
    }
  }
  const size_t num_rows = y.size();
  if (num_rows == 0) {
    return Status::InvalidArgument("the training data has no rows; train on a non-empty table");
  }
  for (size_t feature_idx = 0; feature_idx < x.size(); ++feature_idx) {
    const std::vector<double>& column = x[feature_idx];
    if (column.size() != num_rows) {
      return Status::InvalidArgument("feature '" + feature_names[feature_idx] + "' has " +
                                     std::to_string(column.size()) + " rows but the label has " +
                                     std::to_string(num_rows) +
                                     "; every column must have one value per row");
    }
    for (size_t row_idx = 0; row_idx < num_rows; ++row_idx) {
      if (!std::isfinite(column[row_idx])) {
        return Status::InvalidArgument(
            "feature '" + feature_names[feature_idx] + "' is " + FormatDouble(column[row_idx]) +
            " at row " + std::to_string(row_idx) +
            "; impute or drop missing and infinite values before training");
      }
    }
  }
  bool has_zero = false;
  bool has_one = false;
  for (size_t row_idx = 0; row_idx < num_rows; ++row_idx) {
    double label = y[row_idx];
    if (!std::isfinite(label)) {
      return Status::InvalidArgument("the label is " + FormatDouble(label) + " at row " +
                                     std::to_string(row_idx) +
                                     "; drop rows without a label before training");
    }
    if (kind != LinearKind::kLogistic) continue;
    if (label == 0) {
      has_zero = true;
    } else if (label == 1) {
      has_one = true;
    } else {
      return Status::InvalidArgument("the label is " + FormatDouble(label) + " at row " +
                                     std::to_string(row_idx) +
                                     "; logistic regression needs labels that are exactly 0 or 1");
    }
  }
  if (kind == LinearKind::kLogistic && !(has_zero && has_one)) {
    return Status::InvalidArgument(
        std::string("every label is ") + (has_one ? "1" : "0") +
        "; logistic regression needs both classes (0 and 1) in the training data");
  }
  return Status::OK();
}

// Means of the columns of x; computed relative to the first value, which keeps the sum exact
// enough for columns with a large offset.
double Mean(const std::vector<double>& column) {
  const double shift = column[0];
  double sum = 0;
  for (double v : column) sum += v - shift;
  return shift + sum / static_cast<double>(column.size());
}

// Population standard deviation about `mean` (two-pass, so offsets do not cancel digits).
double StdDev(const std::vector<double>& column, double mean) {
  double sum = 0;
  for (double v : column) sum += (v - mean) * (v - mean);
  return std::sqrt(sum / static_cast<double>(column.size()));
}

Result<LinearModelSpec> TrainRidge(const std::vector<std::string>& feature_names,
                                   const std::vector<std::vector<double>>& x,
                                   const std::vector<double>& y,
                                   const LinearTrainOptions& options) {
  const size_t dim = x.size();
  const size_t num_rows = y.size();
  std::vector<double> means(dim);
  for (size_t feature_idx = 0; feature_idx < dim; ++feature_idx) {
    means[feature_idx] = Mean(x[feature_idx]);
  }
  const double y_mean = Mean(y);

  // Xc'Xc (upper triangle, then mirrored), Xc'yc and yc'yc over centred blocks.
  std::vector<double> gram(dim * dim, 0.0);
  std::vector<double> xty(dim, 0.0);
  double yty = 0;
  std::vector<double> block(dim * kBlockRows);
  std::vector<double> y_block(kBlockRows);
  for (size_t start = 0; start < num_rows; start += kBlockRows) {
    const size_t len = std::min(kBlockRows, num_rows - start);
    for (size_t feature_idx = 0; feature_idx < dim; ++feature_idx) {
      const double* src = x[feature_idx].data() + start;
      double* dst = block.data() + feature_idx * kBlockRows;
      const double mean = means[feature_idx];
      for (size_t r = 0; r < len; ++r) dst[r] = src[r] - mean;
    }
    for (size_t r = 0; r < len; ++r) y_block[r] = y[start + r] - y_mean;
    AccumulateUpperGram(block, block, dim, kBlockRows, len, &gram);
    for (size_t feature_idx = 0; feature_idx < dim; ++feature_idx) {
      xty[feature_idx] += Dot(block.data() + feature_idx * kBlockRows, y_block.data(), len);
    }
    yty += Dot(y_block.data(), y_block.data(), len);
  }
  MirrorUpperToLower(dim, &gram);

  std::vector<double> system = gram;
  for (size_t j = 0; j < dim; ++j) system[j * dim + j] += options.alpha;
  std::vector<double> w;
  int64_t singular = SolveSpd(system, xty, dim, &w);
  if (singular >= 0) {
    const size_t bad = static_cast<size_t>(singular);
    const std::string& name = feature_names[bad];
    if (gram[bad * dim + bad] == 0) {
      return Status::InvalidArgument(
          "feature '" + name +
          "' is constant, so ordinary least squares (alpha = 0) has no unique solution; set "
          "alpha > 0 (ridge) or drop the feature");
    }
    return Status::InvalidArgument(
        "feature '" + name +
        "' is (numerically) a linear combination of the features before it, so ordinary least "
        "squares (alpha = 0) has no unique solution; set alpha > 0 (ridge) or drop the feature");
  }

  LinearModelSpec spec;
  spec.kind = LinearKind::kLinear;
  spec.features = feature_names;
  spec.coefficients = w;
  spec.intercept = y_mean;
  for (size_t j = 0; j < dim; ++j) spec.intercept -= w[j] * means[j];

  if (options.on_iteration) {
    // ||yc - Xc w||^2 + alpha ||w||^2 from the accumulated sums, without another pass.
    double objective = yty;
    for (size_t j = 0; j < dim; ++j) {
      objective -= 2 * w[j] * xty[j];
      objective += options.alpha * w[j] * w[j];
      for (size_t k = 0; k < dim; ++k) objective += w[j] * gram[j * dim + k] * w[k];
    }
    options.on_iteration(0, std::max(objective, 0.0));
  }
  return spec;
}

// log(1 + exp(eta)) without overflow.
double Softplus(double eta) { return std::max(eta, 0.0) + std::log1p(std::exp(-std::abs(eta))); }

// The objective with its gradient and Hessian at one point of a logistic fit.
struct Derivatives {
  double objective = 0;
  std::vector<double> gradient;  // dim + 1: features, then the intercept
  std::vector<double> hessian;   // (dim + 1)^2, row-major
};

// The logistic problem in standardised coordinates z_j = (x_j - mean_j) / scale_j, which keeps
// the Newton systems well conditioned whatever the features' units and offsets. The penalty
// 0.5 ||w||^2 on the original coefficients w_j = beta_j / scale_j becomes
// 0.5 sum_j penalty_j beta_j^2 with penalty_j = 1 / scale_j^2, so the optimum is the same.
// Parameter vectors hold dim + 1 values, the intercept last.
class LogisticProblem {
 public:
  LogisticProblem(const std::vector<std::vector<double>>& x, const std::vector<double>& y, double c)
      : x_(x), y_(y), c_(c), dim_(x.size()), num_rows_(y.size()) {
    means_.resize(dim_);
    scales_.resize(dim_);
    penalties_.resize(dim_);
    for (size_t j = 0; j < dim_; ++j) {
      means_[j] = Mean(x[j]);
      double sd = StdDev(x[j], means_[j]);
      // A constant column is all zeros once centred; its coefficient stays 0 at any scale.
      scales_[j] = sd > 0 ? sd : 1.0;
      penalties_[j] = 1.0 / (scales_[j] * scales_[j]);
    }
  }

  size_t dim() const { return dim_; }

  // Moves to beta + step: sets *next_eta to the linear predictor there (eta, the predictor at
  // beta, plus Z * step) and *out to the objective there, with its gradient and Hessian when
  // `derive` (otherwise they are left empty). One pass over the data in row blocks: each block
  // of features is standardised once and then serves both the predictor and X'WX.
  void Evaluate(const std::vector<double>& beta, const std::vector<double>& step,
                const std::vector<double>& eta, bool derive, std::vector<double>* next_eta,
                Derivatives* out) const {
    const size_t q = dim_ + 1;  // features, then the intercept (a column of ones)
    next_eta->resize(num_rows_);
    out->gradient.assign(derive ? q : 0, 0.0);
    out->hessian.assign(derive ? q * q : 0, 0.0);
    std::vector<double> z(q * kBlockRows);
    std::vector<double> weighted(q * kBlockRows);
    std::vector<double> residual(kBlockRows);
    std::fill(z.begin() + dim_ * kBlockRows, z.end(), 1.0);
    double loss = 0;
    for (size_t start = 0; start < num_rows_; start += kBlockRows) {
      const size_t len = std::min(kBlockRows, num_rows_ - start);
      double* eta_block = next_eta->data() + start;
      for (size_t r = 0; r < len; ++r) eta_block[r] = eta[start + r] + step[dim_];
      for (size_t j = 0; j < dim_; ++j) {
        const double* src = x_[j].data() + start;
        double* zj = z.data() + j * kBlockRows;
        const double mean = means_[j];
        const double inv_scale = 1.0 / scales_[j];
        const double step_j = step[j];
        for (size_t r = 0; r < len; ++r) {
          zj[r] = (src[r] - mean) * inv_scale;
          eta_block[r] += step_j * zj[r];
        }
      }
      double* weight = weighted.data() + dim_ * kBlockRows;  // the intercept's row
      for (size_t r = 0; r < len; ++r) {
        const double e = eta_block[r];
        const double label = y_[start + r];
        const double ex = std::exp(-std::abs(e));
        const double p = e >= 0 ? 1.0 / (1.0 + ex) : ex / (1.0 + ex);
        loss += std::max(e, 0.0) + std::log1p(ex) - label * e;
        residual[r] = p - label;
        weight[r] = p * (1.0 - p);
      }
      if (!derive) continue;
      for (size_t j = 0; j < dim_; ++j) {
        const double* zj = z.data() + j * kBlockRows;
        double* uj = weighted.data() + j * kBlockRows;
        for (size_t r = 0; r < len; ++r) uj[r] = zj[r] * weight[r];
      }
      AccumulateUpperGram(weighted, z, q, kBlockRows, len, &out->hessian);
      for (size_t j = 0; j < q; ++j) {
        out->gradient[j] += Dot(z.data() + j * kBlockRows, residual.data(), len);
      }
    }
    std::vector<double> moved(q);
    for (size_t j = 0; j < q; ++j) moved[j] = beta[j] + step[j];
    out->objective = Penalty(moved) + c_ * loss;
    if (!derive) return;
    MirrorUpperToLower(q, &out->hessian);
    for (size_t j = 0; j < q; ++j) {
      out->gradient[j] *= c_;
      for (size_t k = 0; k < q; ++k) out->hessian[j * q + k] *= c_;
    }
    for (size_t j = 0; j < dim_; ++j) {
      out->gradient[j] += penalties_[j] * moved[j];
      out->hessian[j * q + j] += penalties_[j];
    }
  }

  // The objective at beta + t * direction, where eta + t * d_eta is its linear predictor.
  double ObjectiveAlong(const std::vector<double>& beta, const std::vector<double>& direction,
                        double t, const std::vector<double>& eta,
                        const std::vector<double>& d_eta) const {
    double loss = 0;
    for (size_t i = 0; i < num_rows_; ++i) {
      double e = eta[i] + t * d_eta[i];
      loss += Softplus(e) - y_[i] * e;
    }
    std::vector<double> moved(beta.size());
    for (size_t j = 0; j < beta.size(); ++j) moved[j] = beta[j] + t * direction[j];
    return Penalty(moved) + c_ * loss;
  }

  // The model in the original coordinates.
  void ToOriginal(const std::vector<double>& beta, std::vector<double>* coefficients,
                  double* intercept) const {
    coefficients->resize(dim_);
    *intercept = beta[dim_];
    for (size_t j = 0; j < dim_; ++j) {
      (*coefficients)[j] = beta[j] / scales_[j];
      *intercept -= (*coefficients)[j] * means_[j];
    }
  }

 private:
  double Penalty(const std::vector<double>& beta) const {
    double penalty = 0;
    for (size_t j = 0; j < dim_; ++j) penalty += penalties_[j] * beta[j] * beta[j];
    return 0.5 * penalty;
  }

  const std::vector<std::vector<double>>& x_;
  const std::vector<double>& y_;
  const double c_;
  const size_t dim_;
  const size_t num_rows_;
  std::vector<double> means_;
  std::vector<double> scales_;
  std::vector<double> penalties_;
};

// Newton's method with a backtracking (Armijo) line search. The full Newton step is tried first
// and evaluated together with the next iteration's gradient and Hessian, so an accepted full
// step (the common case, and always near the optimum) costs one pass over the data.
Result<LinearModelSpec> TrainLogistic(const std::vector<std::string>& feature_names,
                                      const std::vector<std::vector<double>>& x,
                                      const std::vector<double>& y,
                                      const LinearTrainOptions& options) {
  LogisticProblem problem(x, y, options.C);
  const size_t q = problem.dim() + 1;
  const size_t num_rows = y.size();

  // Start from the intercept-only model's log-odds: closer to the optimum than zero.
  double positives = 0;
  for (double label : y) positives += label;
  const double base_rate = positives / static_cast<double>(num_rows);
  std::vector<double> beta(q, 0.0);
  beta[q - 1] = std::log(base_rate / (1.0 - base_rate));
  std::vector<double> start_eta(num_rows, beta[q - 1]);
  std::vector<double> eta;
  Derivatives current;
  problem.Evaluate(beta, std::vector<double>(q, 0.0), start_eta, /*derive=*/true, &eta, &current);
  start_eta = {};

  std::vector<double> next_eta;
  Derivatives next;
  std::vector<double> direction;
  std::vector<double> negative_gradient(q);
  for (int iteration = 0; iteration < options.max_iter; ++iteration) {
    for (size_t j = 0; j < q; ++j) negative_gradient[j] = -current.gradient[j];
    if (SolveSpd(current.hessian, negative_gradient, q, &direction) >= 0) {
      // The penalty keeps the Hessian positive definite unless the weights p(1 - p) underflow,
      // which only happens with extreme separation.
      return Status::InvalidArgument(
          "logistic regression stopped: the classes are separated so sharply that the problem "
          "is numerically singular; lower C (more regularisation) or rescale the features");
    }
    // The Newton decrement squared; the predicted decrease of the objective is half of it.
    double slope = 0;
    for (size_t j = 0; j < q; ++j) slope += current.gradient[j] * direction[j];
    const double decrement = -slope;
    const bool converged = 0.5 * decrement <= options.tol * (1.0 + std::abs(current.objective));

    // Within tolerance the full Newton step is exact to second order; take it without the
    // Armijo test, whose objective differences would be rounding noise there, and without
    // deriving at the new point, where the loop ends.
    problem.Evaluate(beta, direction, eta, /*derive=*/!converged, &next_eta, &next);
    if (converged || next.objective <= current.objective + kArmijo * slope) {
      for (size_t j = 0; j < q; ++j) beta[j] += direction[j];
      eta.swap(next_eta);
      std::swap(current, next);
    } else {
      // Backtrack along the step's change of the predictor, then derive at the chosen point.
      std::vector<double> d_eta(num_rows);
      for (size_t i = 0; i < num_rows; ++i) d_eta[i] = next_eta[i] - eta[i];
      double t = 1.0;
      bool accepted = false;
      for (int halving = 0; halving < kMaxLineSearchHalvings; ++halving) {
        t *= 0.5;
        double objective = problem.ObjectiveAlong(beta, direction, t, eta, d_eta);
        if (objective <= current.objective + kArmijo * t * slope) {
          accepted = true;
          break;
        }
      }
      if (!accepted) break;  // no decrease is representable: optimal to working precision
      std::vector<double> step(q);
      for (size_t j = 0; j < q; ++j) step[j] = t * direction[j];
      problem.Evaluate(beta, step, eta, /*derive=*/true, &next_eta, &current);
      for (size_t j = 0; j < q; ++j) beta[j] += step[j];
      eta.swap(next_eta);
    }
    if (options.on_iteration) options.on_iteration(iteration, current.objective);
    if (converged) break;
  }

  LinearModelSpec spec;
  spec.kind = LinearKind::kLogistic;
  spec.features = feature_names;
  problem.ToOriginal(beta, &spec.coefficients, &spec.intercept);
  return spec;
}

}  // namespace

Result<LinearModelSpec> TrainLinear(const std::vector<std::string>& feature_names,
                                    const std::vector<std::vector<double>>& x,
                                    const std::vector<double>& y,
                                    const LinearTrainOptions& options) {
  KEEL_RETURN_IF_ERROR(ValidateOptions(options));
  KEEL_RETURN_IF_ERROR(ValidateData(feature_names, x, y, options.kind));
  Result<LinearModelSpec> spec = options.kind == LinearKind::kLogistic
                                     ? TrainLogistic(feature_names, x, y, options)
                                     : TrainRidge(feature_names, x, y, options);
  if (!spec.ok()) return spec.status();
  // Non-finite coefficients can only come from overflow on extreme data.
  Status valid = ValidateLinearModelSpec(*spec);
  if (!valid.ok()) {
    return Status::InvalidArgument("training produced an invalid model (" + valid.message() +
                                   "); rescale the features or increase regularisation");
  }
  return spec;
}

}  // namespace keel::ml
