#include "ml/tune/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <string>
#include <utility>

namespace keel::ml {

namespace {

// Streams keep the draws of different uses of one (seed, trial) apart.
constexpr uint64_t kRandomStream = 0x52414e444f4d0001ULL;
constexpr uint64_t kTpeStream = 0x5450450000000002ULL;
// A truncated normal draw that misses [lo, hi] this many times falls back to its mean. With the
// bandwidths TPE uses (mean inside the range, sigma <= range) a draw lands inside with
// probability above 1/3, so the fallback practically never happens.
constexpr int kMaxTruncatedNormalTries = 100;
constexpr int kMaxTpeCandidates = 10000;
constexpr double kLogFloor = -1e300;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A small deterministic generator (xoshiro256**, seeded through SplitMix64). The standard
// library's distributions are implementation-defined, so the draws are made here to keep a seed's
// configurations the same on every platform.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t trial_number, uint64_t stream) {
    uint64_t x =
        SplitMix64(seed) ^ SplitMix64(trial_number + 0x632be59bd9b4e019ULL) ^ SplitMix64(stream);
    for (uint64_t& s : s_) {
      x = SplitMix64(x);
      s = x;
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // In [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // In [0, n); REQUIRES: n >= 1.
  uint64_t Below(uint64_t n) {
    const uint64_t limit =
        std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
    uint64_t r;
    do {
      r = Next();
    } while (r >= limit);
    return r % n;
  }

  // Standard normal (Box-Muller).
  double Normal() {
    double u1 = Uniform();
    while (u1 <= 0) u1 = Uniform();
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

json::Value IntValue(double v) { return json::Value(static_cast<int64_t>(v)); }

json::Value SampleUniformParam(const ParamSpec& param, Rng* rng) {
  switch (param.kind) {
    case ParamKind::kUniform: {
      double v = param.low + rng->Uniform() * (param.high - param.low);
      return std::clamp(v, param.low, param.high);
    }
    case ParamKind::kLogUniform: {
      const double lo = std::log(param.low), hi = std::log(param.high);
      double v = std::exp(lo + rng->Uniform() * (hi - lo));
      return std::clamp(v, param.low, param.high);
    }
    case ParamKind::kInt: {
      const uint64_t span = static_cast<uint64_t>(param.high - param.low);
      return IntValue(param.low + static_cast<double>(rng->Below(span + 1)));
    }
    case ParamKind::kChoice:
      return param.choices[rng->Below(param.choices.size())];
  }
  return json::Value();
}

// ---- TPE ----

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

// P(za < Z < zb) for a standard normal Z, accurate in both tails.
double NormalMass(double za, double zb) {
  if (za >= 0)
    return 0.5 * (std::erfc(za / std::numbers::sqrt2) - std::erfc(zb / std::numbers::sqrt2));
  if (zb <= 0)
    return 0.5 * (std::erfc(-zb / std::numbers::sqrt2) - std::erfc(-za / std::numbers::sqrt2));
  return NormalCdf(zb) - NormalCdf(za);
}

double LogSumExp(const std::vector<double>& xs) {
  double m = -std::numeric_limits<double>::infinity();
  for (double x : xs) m = std::max(m, x);
  if (!std::isfinite(m)) return kLogFloor;
  double sum = 0;
  for (double x : xs) sum += std::exp(x - m);
  return m + std::log(sum);
}

// A mixture of Gaussians truncated to [lo, hi], with equal weights: hyperopt's
// adaptive_parzen_normal with a prior component (weight 1) centred on the range.
class Parzen {
 public:
  Parzen(std::vector<double> observed, double lo, double hi) : lo_(lo), hi_(hi) {
    const double prior_mu = 0.5 * (lo + hi);
    const double prior_sigma = hi - lo;
    std::vector<std::pair<double, bool>> points;  // (mu, is_prior)
    points.reserve(observed.size() + 1);
    for (double x : observed) points.emplace_back(std::clamp(x, lo, hi), false);
    points.emplace_back(prior_mu, true);
    std::stable_sort(points.begin(), points.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    const size_t n = points.size();
    const double min_sigma = prior_sigma / std::min(100.0, 1.0 + static_cast<double>(n));
    for (size_t i = 0; i < n; ++i) {
      double sigma = prior_sigma;
      if (!points[i].second && n > 1) {
        double gap = 0;
        if (i > 0) gap = std::max(gap, points[i].first - points[i - 1].first);
        if (i + 1 < n) gap = std::max(gap, points[i + 1].first - points[i].first);
        sigma = std::clamp(gap, min_sigma, prior_sigma);
      }
      mus_.push_back(points[i].first);
      sigmas_.push_back(sigma);
      // Mass of the component inside [lo, hi]; at least ~1/3 since mu lies inside the range and
      // sigma <= range.
      log_z_.push_back(
          std::log(std::max(NormalMass((lo - mus_[i]) / sigma, (hi - mus_[i]) / sigma), 1e-300)));
    }
  }

  double Sample(Rng* rng) const {
    const size_t k = rng->Below(mus_.size());
    for (int attempt = 0; attempt < kMaxTruncatedNormalTries; ++attempt) {
      const double t = mus_[k] + sigmas_[k] * rng->Normal();
      if (t >= lo_ && t <= hi_) return t;
    }
    return mus_[k];
  }

  // log density at t (continuous parameters).
  double LogPdf(double t) const {
    std::vector<double> terms;
    terms.reserve(mus_.size());
    const double log_norm = 0.5 * std::log(2.0 * std::numbers::pi);
    for (size_t i = 0; i < mus_.size(); ++i) {
      const double z = (t - mus_[i]) / sigmas_[i];
      terms.push_back(-0.5 * z * z - std::log(sigmas_[i]) - log_norm - log_z_[i]);
    }
    return LogSumExp(terms) - std::log(static_cast<double>(mus_.size()));
  }

  // log of the mass in [a, b] (integer parameters: the unit bin around a value).
  double LogMass(double a, double b) const {
    std::vector<double> terms;
    terms.reserve(mus_.size());
    for (size_t i = 0; i < mus_.size(); ++i) {
      const double mass = NormalMass((a - mus_[i]) / sigmas_[i], (b - mus_[i]) / sigmas_[i]);
      terms.push_back(std::log(std::max(mass, 1e-300)) - log_z_[i]);
    }
    return LogSumExp(terms) - std::log(static_cast<double>(mus_.size()));
  }

 private:
  double lo_, hi_;
  std::vector<double> mus_, sigmas_, log_z_;
};

// The observed values of a numeric parameter, in TPE's working space (log for loguniform).
std::vector<double> NumericValues(const ParamSpec& param,
                                  const std::vector<const json::Value*>& configs) {
  std::vector<double> out;
  for (const json::Value* config : configs) {
    const json::Value* v = config->Find(param.name);
    if (v == nullptr || !v->is_number()) continue;  // not proposed by this space: ignore
    double x = v->as_double();
    if (!std::isfinite(x)) continue;
    if (param.kind == ParamKind::kLogUniform) {
      if (x <= 0) continue;
      x = std::log(x);
    }
    out.push_back(x);
  }
  return out;
}

json::Value SuggestNumeric(const ParamSpec& param, const std::vector<const json::Value*>& good,
                           const std::vector<const json::Value*>& bad, int candidates, Rng* rng) {
  if (param.low == param.high) {
    return param.kind == ParamKind::kInt ? IntValue(param.low) : json::Value(param.low);
  }
  double lo = param.low, hi = param.high;
  if (param.kind == ParamKind::kLogUniform) {
    lo = std::log(param.low);
    hi = std::log(param.high);
  } else if (param.kind == ParamKind::kInt) {
    lo -= 0.5;
    hi += 0.5;
  }
  const Parzen l(NumericValues(param, good), lo, hi);
  const Parzen g(NumericValues(param, bad), lo, hi);
  double best_value = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  for (int c = 0; c < candidates; ++c) {
    double t = l.Sample(rng);
    double value, score;
    if (param.kind == ParamKind::kInt) {
      value = std::clamp(std::round(t), param.low, param.high);
      score = l.LogMass(value - 0.5, value + 0.5) - g.LogMass(value - 0.5, value + 0.5);
    } else {
      score = l.LogPdf(t) - g.LogPdf(t);
      value = param.kind == ParamKind::kLogUniform ? std::exp(t) : t;
      value = std::clamp(value, param.low, param.high);
    }
    if (c == 0 || score > best_score) {
      best_score = score;
      best_value = value;
    }
  }
  return param.kind == ParamKind::kInt ? IntValue(best_value) : json::Value(best_value);
}

// Smoothed category probabilities: (count + 1) / (n + K).
std::vector<double> CategoryWeights(const ParamSpec& param,
                                    const std::vector<const json::Value*>& configs) {
  std::vector<double> weights(param.choices.size(), 1.0);
  for (const json::Value* config : configs) {
    const json::Value* v = config->Find(param.name);
    if (v == nullptr) continue;
    for (size_t k = 0; k < param.choices.size(); ++k) {
      if (param.choices[k] == *v) {
        weights[k] += 1.0;
        break;
      }
    }
  }
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  for (double& w : weights) w /= total;
  return weights;
}

json::Value SuggestChoice(const ParamSpec& param, const std::vector<const json::Value*>& good,
                          const std::vector<const json::Value*>& bad, int candidates, Rng* rng) {
  const std::vector<double> l = CategoryWeights(param, good);
  const std::vector<double> g = CategoryWeights(param, bad);
  size_t best = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  for (int c = 0; c < candidates; ++c) {
    // Draw from l by inverse CDF.
    const double u = rng->Uniform();
    size_t k = 0;
    double cumulative = l[0];
    while (k + 1 < l.size() && u >= cumulative) cumulative += l[++k];
    const double score = std::log(l[k]) - std::log(g[k]);
    if (c == 0 || score > best_score) {
      best_score = score;
      best = k;
    }
  }
  return param.choices[best];
}

}  // namespace

Result<SearchStrategy> ParseSearchStrategy(std::string_view name) {
  if (name == "random") return SearchStrategy::kRandom;
  if (name == "grid") return SearchStrategy::kGrid;
  if (name == "tpe") return SearchStrategy::kTpe;
  return Status::InvalidArgument("unknown search strategy '" + std::string(name) +
                                 "'; use random, grid or tpe");
}

std::string_view SearchStrategyName(SearchStrategy strategy) {
  switch (strategy) {
    case SearchStrategy::kRandom:
      return "random";
    case SearchStrategy::kGrid:
      return "grid";
    case SearchStrategy::kTpe:
      return "tpe";
  }
  return "unknown";
}

std::optional<json::Value> RandomSampler::Suggest(int trial_number,
                                                  const std::vector<Observation>& history) const {
  Rng rng(seed_, static_cast<uint64_t>(trial_number), kRandomStream);
  json::Value config = json::Value::MakeObject();
  for (const ParamSpec& param : space_.params)
    config.Set(param.name, SampleUniformParam(param, &rng));
  return config;
}

Result<std::unique_ptr<GridSampler>> GridSampler::Make(const SearchSpace& space, int grid_points) {
  if (grid_points < 1 || grid_points > kMaxGridPointsPerParam) {
    return Status::InvalidArgument("grid_points must be between 1 and " +
                                   std::to_string(kMaxGridPointsPerParam) + ", not " +
                                   std::to_string(grid_points));
  }
  const int k = grid_points;
  std::vector<std::vector<json::Value>> axes;
  int64_t size = 1;
  for (const ParamSpec& param : space.params) {
    std::vector<json::Value> axis;
    switch (param.kind) {
      case ParamKind::kUniform:
        if (param.low == param.high) {
          axis.emplace_back(param.low);
        } else if (k == 1) {
          axis.emplace_back(0.5 * (param.low + param.high));
        } else {
          for (int i = 0; i < k; ++i) {
            double v = i == k - 1 ? param.high : param.low + (param.high - param.low) * i / (k - 1);
            axis.emplace_back(v);
          }
        }
        break;
      case ParamKind::kLogUniform: {
        const double lo = std::log(param.low), hi = std::log(param.high);
        if (param.low == param.high) {
          axis.emplace_back(param.low);
        } else if (k == 1) {
          axis.emplace_back(std::exp(0.5 * (lo + hi)));
        } else {
          for (int i = 0; i < k; ++i) {
            double v = i == 0       ? param.low
                       : i == k - 1 ? param.high
                                    : std::exp(lo + (hi - lo) * i / (k - 1));
            axis.emplace_back(v);
          }
        }
        break;
      }
      case ParamKind::kInt: {
        const double count = param.high - param.low + 1;
        if (count <= k) {
          for (double v = param.low; v <= param.high; v += 1) axis.push_back(IntValue(v));
        } else if (k == 1) {
          axis.push_back(IntValue(std::floor(0.5 * (param.low + param.high))));
        } else {
          // Steps are >= 1 since count > k, so the values are distinct.
          for (int i = 0; i < k; ++i) {
            axis.push_back(
                IntValue(param.low + std::round((param.high - param.low) * i / (k - 1))));
          }
        }
        break;
      }
      case ParamKind::kChoice:
        axis = param.choices;
        break;
    }
    const int64_t n = static_cast<int64_t>(axis.size());
    size = size > kMaxGridSize / n ? kMaxGridSize : std::min(kMaxGridSize, size * n);
    axes.push_back(std::move(axis));
  }
  return std::unique_ptr<GridSampler>(new GridSampler(space, std::move(axes), size));
}

std::optional<json::Value> GridSampler::Suggest(int trial_number,
                                                const std::vector<Observation>& history) const {
  if (trial_number < 0 || trial_number >= size_) return std::nullopt;
  // Mixed-radix digits of the trial number, the last parameter the least significant.
  std::vector<size_t> digits(axes_.size());
  int64_t rest = trial_number;
  for (size_t param_idx = axes_.size(); param_idx-- > 0;) {
    const int64_t n = static_cast<int64_t>(axes_[param_idx].size());
    digits[param_idx] = static_cast<size_t>(rest % n);
    rest /= n;
  }
  json::Value config = json::Value::MakeObject();
  for (size_t param_idx = 0; param_idx < axes_.size(); ++param_idx) {
    config.Set(space_.params[param_idx].name, axes_[param_idx][digits[param_idx]]);
  }
  return config;
}

Result<std::unique_ptr<TpeSampler>> TpeSampler::Make(SearchSpace space, uint64_t seed,
                                                     TpeOptions options) {
  if (options.startup_trials < 0) {
    return Status::InvalidArgument("tpe_startup_trials must be >= 0, not " +
                                   std::to_string(options.startup_trials));
  }
  if (!(options.gamma > 0 && options.gamma <= 1)) {
    return Status::InvalidArgument("TPE gamma must be in (0, 1], not " +
                                   json::Value(options.gamma).Dump());
  }
  if (options.candidates < 1 || options.candidates > kMaxTpeCandidates) {
    return Status::InvalidArgument("TPE candidates must be between 1 and " +
                                   std::to_string(kMaxTpeCandidates) + ", not " +
                                   std::to_string(options.candidates));
  }
  return std::unique_ptr<TpeSampler>(new TpeSampler(std::move(space), seed, options));
}

std::optional<json::Value> TpeSampler::Suggest(int trial_number,
                                               const std::vector<Observation>& history) const {
  if (history.empty() || history.size() < static_cast<size_t>(options_.startup_trials)) {
    return random_.Suggest(trial_number, history);
  }
  // Split the observations: the best ceil(gamma * n) (ties by order) are "good".
  std::vector<size_t> order(history.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return history[a].loss < history[b].loss; });
  const size_t n = history.size();
  size_t n_good = static_cast<size_t>(std::ceil(options_.gamma * static_cast<double>(n)));
  n_good = std::clamp<size_t>(n_good, 1, n);
  std::vector<const json::Value*> good, bad;
  for (size_t i = 0; i < n; ++i) {
    (i < n_good ? good : bad).push_back(&history[order[i]].params);
  }

  Rng rng(seed_, static_cast<uint64_t>(trial_number), kTpeStream);
  json::Value config = json::Value::MakeObject();
  for (const ParamSpec& param : space_.params) {
    json::Value v = param.kind == ParamKind::kChoice
                        ? SuggestChoice(param, good, bad, options_.candidates, &rng)
                        : SuggestNumeric(param, good, bad, options_.candidates, &rng);
    config.Set(param.name, std::move(v));
  }
  return config;
}

}  // namespace keel::ml
