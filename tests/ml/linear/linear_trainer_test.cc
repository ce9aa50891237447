#include "ml/linear/linear_trainer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "testutil/temp_dir.h"

namespace keel::ml {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

void ExpectInvalid(const Result<LinearModelSpec>& result, const std::string& message_part) {
  ASSERT_FALSE(result.ok()) << "expected an error mentioning '" << message_part << "'";
  EXPECT_EQ(result.status().code(), ErrorCode::kInvalidParameterValue)
      << result.status().ToString();
  EXPECT_NE(result.status().message().find(message_part), std::string::npos)
      << result.status().message();
}

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

std::vector<double> PredictRows(const LinearModelSpec& spec,
                                const std::vector<std::vector<double>>& x) {
  std::vector<double> out(x[0].size(), spec.intercept);
  for (size_t j = 0; j < x.size(); ++j) {
    for (size_t i = 0; i < out.size(); ++i) out[i] += spec.coefficients[j] * x[j][i];
  }
  if (spec.kind == LinearKind::kLogistic) {
    for (double& v : out) v = Sigmoid(v);
  }
  return out;
}

LinearTrainOptions Logistic(double c) {
  LinearTrainOptions options;
  options.kind = LinearKind::kLogistic;
  options.C = c;
  return options;
}

LinearTrainOptions Ridge(double alpha) {
  LinearTrainOptions options;
  options.kind = LinearKind::kLinear;
  options.alpha = alpha;
  return options;
}

// Generated data: features with different scales and offsets, so that a solver that ignores
// conditioning shows. kPoorlyScaled spreads the scales from 1/9 to 9 (where sklearn's lbfgs stops
// short of the optimum); kWellScaled keeps them within 0.5 to 2 (where it converges to about
// 1e-5, so it serves as a reference).
enum class Scaling { kWellScaled, kPoorlyScaled };

double FeatureScale(size_t j, Scaling scaling) {
  constexpr double kWell[] = {0.5, 0.75, 1.0, 1.5, 2.0};
  return scaling == Scaling::kWellScaled ? kWell[j % 5]
                                         : std::pow(3.0, static_cast<double>(j % 5) - 2.0);
}

struct Dataset {
  std::vector<std::string> names;
  std::vector<std::vector<double>> x;
  std::vector<double> y;
};

Dataset MakeDataset(size_t rows, size_t features, LinearKind kind, uint64_t seed,
                    Scaling scaling = Scaling::kPoorlyScaled) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Dataset data;
  std::vector<double> truth(features);
  std::vector<double> scale(features);
  std::vector<double> offset(features);
  for (size_t j = 0; j < features; ++j) {
    data.names.push_back("f" + std::to_string(j));
    scale[j] = FeatureScale(j, scaling);
    offset[j] = scaling == Scaling::kWellScaled ? static_cast<double>(j) * 0.5 - 1.0
                                                : static_cast<double>(j) * 2.5 - 3.0;
    truth[j] = (j % 2 == 0 ? 1.0 : -0.7) / scale[j];
    data.x.emplace_back(rows);
  }
  data.y.resize(rows);
  for (size_t i = 0; i < rows; ++i) {
    double eta = 0.3;
    for (size_t j = 0; j < features; ++j) {
      double v = offset[j] + scale[j] * normal(rng);
      data.x[j][i] = v;
      eta += truth[j] * (v - offset[j]);
    }
    if (kind == LinearKind::kLogistic) {
      data.y[i] = uniform(rng) < Sigmoid(eta) ? 1.0 : 0.0;
    } else {
      data.y[i] = 4.0 + 2.0 * eta + 0.5 * normal(rng);
    }
  }
  return data;
}

TEST(LinearTrainerTest, OrdinaryLeastSquaresRecoversAnExactLine) {
  std::vector<double> x(10);
  std::vector<double> y(10);
  for (int i = 0; i < 10; ++i) {
    x[i] = i;
    y[i] = 2.0 * i + 1.0;
  }
  auto spec = TrainLinear({"x"}, {x}, y, Ridge(0.0));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->kind, LinearKind::kLinear);
  EXPECT_EQ(spec->features, std::vector<std::string>{"x"});
  EXPECT_NEAR(spec->coefficients[0], 2.0, 1e-12);
  EXPECT_NEAR(spec->intercept, 1.0, 1e-12);
}

TEST(LinearTrainerTest, RidgeMatchesTheClosedFormAndReportsItsObjectiveOnce) {
  // Centred x = {-1, 0, 1}, centred y = {-2, 0, 2}: w = Sxy / (Sxx + alpha) = 4 / (2 + 2) = 1,
  // b = mean(y) - w * mean(x) = 4 - 2 = 2; objective = |{-1, 0, 1}|^2 + 2 * 1^2 = 4.
  LinearTrainOptions options = Ridge(2.0);
  std::vector<std::pair<int, double>> calls;
  options.on_iteration = [&](int iteration, double objective) {
    calls.emplace_back(iteration, objective);
  };
  auto spec = TrainLinear({"x"}, {{1, 2, 3}}, {2, 4, 6}, options);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_NEAR(spec->coefficients[0], 1.0, 1e-12);
  EXPECT_NEAR(spec->intercept, 2.0, 1e-12);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].first, 0);
  EXPECT_NEAR(calls[0].second, 4.0, 1e-9);
}

TEST(LinearTrainerTest, RidgeFitsCollinearAndConstantFeaturesThatLeastSquaresRejects) {
  std::vector<double> a = {1, 2, 3, 4, 5};
  std::vector<double> b = {5, 7, 9, 11, 13};  // 2a + 3
  std::vector<double> constant = {7, 7, 7, 7, 7};
  std::vector<double> y = {1, 3, 2, 5, 4};
  ExpectInvalid(TrainLinear({"a", "b"}, {a, b}, y, Ridge(0.0)), "'b'");
  ExpectInvalid(TrainLinear({"a", "b"}, {a, b}, y, Ridge(0.0)), "set alpha > 0");
  ExpectInvalid(TrainLinear({"a", "c"}, {a, constant}, y, Ridge(0.0)), "'c' is constant");
  auto ridge = TrainLinear({"a", "b", "c"}, {a, b, constant}, y, Ridge(0.5));
  ASSERT_TRUE(ridge.ok()) << ridge.status().ToString();
  EXPECT_EQ(ridge->coefficients[2], 0.0);
  // Ridge spreads the weight over the collinear pair as their scales dictate: b = 2a, so b's
  // coefficient is twice a's.
  EXPECT_NEAR(ridge->coefficients[1], 2.0 * ridge->coefficients[0], 1e-9);
}

// The optimality conditions of 0.5 |w|^2 + C sum logloss: w_j + C sum (p - y) x_j = 0 and
// sum (p - y) = 0.
void ExpectLogisticOptimum(const LinearModelSpec& spec, const std::vector<std::vector<double>>& x,
                           const std::vector<double>& y, double c, double tolerance) {
  std::vector<double> p = PredictRows(spec, x);
  double intercept_gradient = 0;
  for (size_t i = 0; i < y.size(); ++i) intercept_gradient += p[i] - y[i];
  EXPECT_NEAR(intercept_gradient, 0.0, tolerance);
  for (size_t j = 0; j < x.size(); ++j) {
    double g = spec.coefficients[j];
    for (size_t i = 0; i < y.size(); ++i) g += c * (p[i] - y[i]) * x[j][i];
    EXPECT_NEAR(g, 0.0, tolerance) << "feature " << j;
  }
}

TEST(LinearTrainerTest, LogisticReachesTheOptimumWithDecreasingObjective) {
  std::vector<std::vector<double>> x = {{-2, -1, -0.5, 0, 0.5, 1, 2, 3}, {1, 0, 2, 1, 3, 0, 1, 2}};
  std::vector<double> y = {0, 0, 1, 0, 1, 0, 1, 1};
  LinearTrainOptions options = Logistic(2.0);
  std::vector<std::pair<int, double>> calls;
  options.on_iteration = [&](int iteration, double objective) {
    calls.emplace_back(iteration, objective);
  };
  auto spec = TrainLinear({"a", "b"}, x, y, options);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->kind, LinearKind::kLogistic);
  ExpectLogisticOptimum(*spec, x, y, 2.0, 1e-9);
  ASSERT_GE(calls.size(), 2u);
  EXPECT_LE(calls.size(), 20u);
  for (size_t k = 0; k < calls.size(); ++k) {
    EXPECT_EQ(calls[k].first, static_cast<int>(k));
    if (k > 0) {
      EXPECT_LE(calls[k].second, calls[k - 1].second);
    }
  }
  // The reported objective is the true one at the final model.
  std::vector<double> p = PredictRows(*spec, x);
  double objective = 0;
  for (double w : spec->coefficients) objective += 0.5 * w * w;
  for (size_t i = 0; i < y.size(); ++i) {
    objective -= 2.0 * (y[i] * std::log(p[i]) + (1 - y[i]) * std::log(1 - p[i]));
  }
  EXPECT_NEAR(calls.back().second, objective, 1e-9);
}

TEST(LinearTrainerTest, LogisticReachesTheOptimumOnPoorlyScaledFeatures) {
  // Scales from 1/9 to 9 and offsets up to 9: first-order solvers stop early here (sklearn's
  // lbfgs with tol=1e-10 stops at a gradient of 3e-2 for C = 1, on terms summing to about 1e4);
  // Newton on standardised features does not.
  for (double c : {1.0, 0.1, 100.0}) {
    Dataset data = MakeDataset(3000, 5, LinearKind::kLogistic, 103);
    auto spec = TrainLinear(data.names, data.x, data.y, Logistic(c));
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    ExpectLogisticOptimum(*spec, data.x, data.y, c, 1e-5 * c);
  }
}

TEST(LinearTrainerTest, LogisticBacktracksWhereTheFullNewtonStepOvershoots) {
  // Two features, 24 rows, a label that is almost a linear threshold, and weak regularisation:
  // some Newton steps overshoot (checked with a trace when this test was written), so the line
  // search has to shorten them for the objective to decrease.
  std::vector<std::vector<double>> x(2, std::vector<double>(24));
  std::vector<double> y(24);
  for (int i = 0; i < 24; ++i) {
    double eta = 0.4 * std::sin(5.1 * i + 6);
    for (int j = 0; j < 2; ++j) {
      x[j][i] = std::sin(1.7 * i + 2.3 * j + 6) * (1 + j);
      eta += x[j][i];
    }
    y[i] = eta > 0 ? 1.0 : 0.0;
  }
  for (double c : {1e4, 1e6}) {
    LinearTrainOptions options = Logistic(c);
    std::vector<double> objectives;
    options.on_iteration = [&](int, double objective) { objectives.push_back(objective); };
    auto spec = TrainLinear({"a", "b"}, x, y, options);
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    ExpectLogisticOptimum(*spec, x, y, c, 1e-6 * c);
    for (size_t k = 1; k < objectives.size(); ++k) {
      // The last, converged step is taken without the Armijo test: allow rounding there.
      EXPECT_LE(objectives[k], objectives[k - 1] * (1 + 1e-12)) << "C " << c << " iteration " << k;
    }
  }
}

TEST(LinearTrainerTest, LogisticStopsAfterMaxIter) {
  Dataset data = MakeDataset(500, 3, LinearKind::kLogistic, 7);
  LinearTrainOptions options = Logistic(1.0);
  options.max_iter = 1;
  int calls = 0;
  options.on_iteration = [&](int, double) { ++calls; };
  auto one_step = TrainLinear(data.names, data.x, data.y, options);
  ASSERT_TRUE(one_step.ok()) << one_step.status().ToString();
  EXPECT_EQ(calls, 1);
  auto full = TrainLinear(data.names, data.x, data.y, Logistic(1.0));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_GT(std::abs(one_step->coefficients[0] - full->coefficients[0]), 1e-6);
}

TEST(LinearTrainerTest, LogisticIgnoresFeatureOffsets) {
  // The intercept is not penalised, so shifting a feature by a million only moves the intercept.
  Dataset data = MakeDataset(2000, 3, LinearKind::kLogistic, 11);
  Dataset shifted = data;
  for (double& v : shifted.x[1]) v += 1e6;
  auto base = TrainLinear(data.names, data.x, data.y, Logistic(0.5));
  auto moved = TrainLinear(shifted.names, shifted.x, shifted.y, Logistic(0.5));
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  for (size_t j = 0; j < 3; ++j) {
    EXPECT_NEAR(base->coefficients[j], moved->coefficients[j], 1e-7) << j;
  }
  EXPECT_NEAR(base->intercept, moved->intercept + 1e6 * moved->coefficients[1], 1e-6);
}

TEST(LinearTrainerTest, TrainingIsDeterministic) {
  for (LinearKind kind : {LinearKind::kLinear, LinearKind::kLogistic}) {
    Dataset data = MakeDataset(3000, 4, kind, 5);
    LinearTrainOptions options;
    options.kind = kind;
    auto first = TrainLinear(data.names, data.x, data.y, options);
    auto second = TrainLinear(data.names, data.x, data.y, options);
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(first->coefficients, second->coefficients);
    EXPECT_EQ(first->intercept, second->intercept);
  }
}

TEST(LinearTrainerTest, RejectsBadData) {
  std::vector<double> col = {1, 2, 3};
  std::vector<double> y = {0, 1, 0};
  const double nan = std::nan("");
  const double inf = INFINITY;
  ExpectInvalid(TrainLinear({}, {}, y, Ridge(1)), "at least one feature");
  ExpectInvalid(TrainLinear({"a"}, {{}}, {}, Ridge(1)), "no rows");
  ExpectInvalid(TrainLinear({"a", "b"}, {col}, y, Ridge(1)), "2 feature names for 1");
  ExpectInvalid(TrainLinear({""}, {col}, y, Ridge(1)), "must not be empty");
  ExpectInvalid(TrainLinear({"a", "a"}, {col, col}, y, Ridge(1)), "'a' is listed twice");
  ExpectInvalid(TrainLinear({"a", "b"}, {col, {1, 2}}, y, Ridge(1)), "'b' has 2 rows");
  ExpectInvalid(TrainLinear({"a"}, {{1, nan, 3}}, y, Ridge(1)), "'a' is NaN at row 1");
  ExpectInvalid(TrainLinear({"a"}, {{1, 2, -inf}}, y, Ridge(1)), "'a' is -Infinity at row 2");
  ExpectInvalid(TrainLinear({"a"}, {col}, {0, inf, 1}, Ridge(1)), "label is Infinity at row 1");
  ExpectInvalid(TrainLinear({"a"}, {col}, {0, 0.5, 1}, Logistic(1)), "exactly 0 or 1");
  ExpectInvalid(TrainLinear({"a"}, {col}, {0, 2, 1}, Logistic(1)), "label is 2 at row 1");
  ExpectInvalid(TrainLinear({"a"}, {col}, {1, 1, 1}, Logistic(1)), "every label is 1");
  ExpectInvalid(TrainLinear({"a"}, {col}, {0, 0, 0}, Logistic(1)), "every label is 0");
  // Labels other than 0/1 are fine for regression.
  EXPECT_TRUE(TrainLinear({"a"}, {col}, {0, 0.5, 7}, Ridge(1)).ok());
}

TEST(LinearTrainerTest, RejectsBadOptions) {
  std::vector<std::vector<double>> x = {{1, 2, 3}};
  std::vector<double> y = {0, 1, 0};
  ExpectInvalid(TrainLinear({"a"}, x, y, Ridge(-1)), "alpha must be");
  ExpectInvalid(TrainLinear({"a"}, x, y, Ridge(std::nan(""))), "alpha must be");
  ExpectInvalid(TrainLinear({"a"}, x, y, Ridge(INFINITY)), "alpha must be");
  ExpectInvalid(TrainLinear({"a"}, x, y, Logistic(0)), "C must be");
  ExpectInvalid(TrainLinear({"a"}, x, y, Logistic(-2)), "C must be");
  ExpectInvalid(TrainLinear({"a"}, x, y, Logistic(INFINITY)), "C must be");
  LinearTrainOptions options = Logistic(1);
  options.max_iter = 0;
  ExpectInvalid(TrainLinear({"a"}, x, y, options), "max_iter");
  options = Logistic(1);
  options.tol = -1e-3;
  ExpectInvalid(TrainLinear({"a"}, x, y, options), "tol");
}

// ---- Reference: scikit-learn on the same data ----

bool SklearnAvailable(std::string* why) {
  if (::access(kPython, X_OK) != 0) {
    *why = std::string("scikit-learn reference tests need ") + kPython;
    return false;
  }
  std::string cmd = std::string(kPython) + " -c 'import sklearn, numpy' > /dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    *why = std::string(kPython) + " lacks scikit-learn or numpy (apt install python3-sklearn)";
    return false;
  }
  return true;
}

constexpr const char* kSklearnScript = R"PY(
import sys
import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
kind, strength, path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
data = np.loadtxt(path, delimiter=",", ndmin=2)
x, y = data[:, :-1], data[:, -1]
if kind == "linear":
    model = Ridge(alpha=strength) if strength > 0 else LinearRegression()
    model.fit(x, y)
    pred = model.predict(x)
else:
    model = LogisticRegression(C=strength, max_iter=10000, tol=1e-10)
    model.fit(x, y)
    pred = model.predict_proba(x)[:, 1]
print(" ".join(repr(float(v)) for v in np.ravel(model.coef_)))
print(repr(float(np.ravel([model.intercept_])[0])))
for v in pred:
    print(repr(float(v)))
)PY";

struct SklearnFit {
  std::vector<double> coefficients;
  double intercept = 0;
  std::vector<double> predictions;
};

// Writes `data` as CSV, fits sklearn on it and parses the coefficients, intercept and
// predictions it prints.
bool RunSklearn(const Dataset& data, LinearKind kind, double strength, SklearnFit* fit) {
  testutil::TempDir dir("keel-linear-ref");
  {
    std::ofstream csv(dir.Join("data.csv"));
    char buf[32];
    for (size_t i = 0; i < data.y.size(); ++i) {
      for (const auto& column : data.x) {
        std::snprintf(buf, sizeof(buf), "%.17g,", column[i]);
        csv << buf;
      }
      std::snprintf(buf, sizeof(buf), "%.17g\n", data.y[i]);
      csv << buf;
    }
    std::ofstream script(dir.Join("fit.py"));
    script << kSklearnScript;
  }
  std::string cmd = std::string(kPython) + " " + dir.Join("fit.py") + " " +
                    std::string(LinearKindName(kind)) + " " + std::to_string(strength) + " " +
                    dir.Join("data.csv");
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return false;
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  if (pclose(pipe) != 0) return false;
  std::istringstream in(out);
  std::string line;
  if (!std::getline(in, line)) return false;
  std::istringstream coefficients(line);
  double v;
  while (coefficients >> v) fit->coefficients.push_back(v);
  if (!(in >> fit->intercept)) return false;
  while (in >> v) fit->predictions.push_back(v);
  return fit->coefficients.size() == data.x.size() && fit->predictions.size() == data.y.size();
}

void ExpectMatchesSklearn(LinearKind kind, double strength, uint64_t seed) {
  std::string why;
  if (!SklearnAvailable(&why)) GTEST_SKIP() << why;
  Dataset data = MakeDataset(3000, 5, kind, seed, Scaling::kWellScaled);
  SklearnFit reference;
  ASSERT_TRUE(RunSklearn(data, kind, strength, &reference)) << "the sklearn script failed";
  LinearTrainOptions options = kind == LinearKind::kLogistic ? Logistic(strength) : Ridge(strength);
  auto spec = TrainLinear(data.names, data.x, data.y, options);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  for (size_t j = 0; j < reference.coefficients.size(); ++j) {
    EXPECT_NEAR(spec->coefficients[j], reference.coefficients[j], 1e-4) << "coefficient " << j;
  }
  EXPECT_NEAR(spec->intercept, reference.intercept, 1e-4);
  std::vector<double> predictions = PredictRows(*spec, data.x);
  double worst = 0;
  for (size_t i = 0; i < predictions.size(); ++i) {
    worst = std::max(worst, std::abs(predictions[i] - reference.predictions[i]));
  }
  EXPECT_LT(worst, 1e-4);
}

TEST(LinearTrainerSklearnTest, RidgeMatchesSklearnRidge) {
  ExpectMatchesSklearn(LinearKind::kLinear, 1.0, 101);
}

TEST(LinearTrainerSklearnTest, OrdinaryLeastSquaresMatchesSklearnLinearRegression) {
  ExpectMatchesSklearn(LinearKind::kLinear, 0.0, 102);
}

TEST(LinearTrainerSklearnTest, LogisticMatchesSklearnWithC1) {
  ExpectMatchesSklearn(LinearKind::kLogistic, 1.0, 103);
}

TEST(LinearTrainerSklearnTest, LogisticMatchesSklearnWithStrongRegularisation) {
  ExpectMatchesSklearn(LinearKind::kLogistic, 0.1, 104);
}

// A million rows and twenty features: one pass per Newton step keeps this near a second at -O2
// (the time is printed; the assertion is on the answer, as timings vary by machine).
TEST(LinearTrainerTest, TrainsAMillionRowsAndRecoversTheTrueModel) {
  constexpr size_t kRows = 1000000;
  constexpr size_t kFeatures = 20;
  for (LinearKind kind : {LinearKind::kLinear, LinearKind::kLogistic}) {
    Dataset data = MakeDataset(kRows, kFeatures, kind, 2024);
    LinearTrainOptions options;
    options.kind = kind;
    int iterations = 0;
    options.on_iteration = [&](int, double) { ++iterations; };
    auto started = std::chrono::steady_clock::now();
    auto spec = TrainLinear(data.names, data.x, data.y, options);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    std::printf("%s: %zu x %zu trained in %.3f s, %d iteration(s)\n",
                std::string(LinearKindName(kind)).c_str(), kRows, kFeatures, seconds, iterations);
    // MakeDataset's true coefficients (times 2 for the linear target), up to sampling noise.
    for (size_t j = 0; j < kFeatures; ++j) {
      double scale = FeatureScale(j, Scaling::kPoorlyScaled);
      double truth = (j % 2 == 0 ? 1.0 : -0.7) / scale;
      if (kind == LinearKind::kLinear) truth *= 2.0;
      EXPECT_NEAR(spec->coefficients[j] * scale, truth * scale, 0.02) << "feature " << j;
    }
  }
}

}  // namespace
}  // namespace keel::ml
