#pragma once

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "ml/feature_encoding.h"
#include "ml/ml_test_util.h"
#include "ml/train/data_split.h"
#include "storage/batch/column_ops.h"
#include "storage/batch/record_batch.h"

// Shared by the quality-parity tests (tests/ml/xgboost/xgboost_parity_test.cc and
// tests/ml/linear/linear_parity_test.cc), which train Keel's models and the Python reference
// implementations (Debian's python3-xgboost and python3-sklearn) on the same rows and compare
// the test metrics: a synthetic churn-like table, its train / validation / test split, CSV
// writing in the exact values Keel trains on, and running /usr/bin/python3.
namespace keel::ml::parity {

inline constexpr const char* kPython = "/usr/bin/python3";

// The numeric feature columns of the table (score has ~5% nulls, usage is a float column,
// visits a long one), and its string categorical column.
inline const std::vector<std::string>& NumericFeatures() {
  static const std::vector<std::string> names = {"income", "tenure", "usage", "score", "visits"};
  return names;
}
inline constexpr const char* kPlanColumn = "plan";
// Labels: churned (int 0/1), spend (double, regression), segment (string, 3 classes).
inline constexpr const char* kBinaryLabel = "churned";
inline constexpr const char* kRegressionLabel = "spend";
inline constexpr const char* kMulticlassLabel = "segment";

// SplitMix64 with Box-Muller normals: a generator whose output does not depend on the standard
// library's distribution implementations, so the table is the same on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in (0, 1).
  double Uniform() { return (static_cast<double>(Next() >> 11) + 0.5) * 0x1.0p-53; }
  double Normal() {
    double u1 = Uniform(), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

 private:
  uint64_t state_;
};

// A customer table of `rows` rows: features on a scale of about 1 (so sklearn's lbfgs converges)
// and three labels that depend on them non-linearly, with noise.
inline batch::RecordBatch MakeChurnTable(int rows, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::optional<double>> income, tenure, usage, score, visits, churned, spend;
  std::vector<std::string> plan, segment;
  const double plan_churn[] = {0.4, 0.0, -0.6};
  const double plan_spend[] = {0.0, 3.0, 6.0};
  const char* plans[] = {"basic", "plus", "pro"};
  const char* segments[] = {"bronze", "silver", "gold"};
  for (int i = 0; i < rows; ++i) {
    double inc = std::max(0.5, 5.5 + 1.5 * rng.Normal());  // tens of thousands
    double ten = 6.0 * rng.Uniform();                      // years
    // Stored in a float column: the value Keel and Python see is the float.
    double use = static_cast<float>(std::exp(0.5 * rng.Normal()));
    double sc = rng.Normal();
    bool score_missing = rng.Uniform() < 0.05;
    double vis = std::min(15.0, std::floor(-3.0 * std::log(rng.Uniform())));
    double u = rng.Uniform();
    int p = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    double sc_or_zero = score_missing ? 0.0 : sc;

    double logit = -0.3 + 0.6 * (inc - 5.5) / 1.5 - 0.5 * (ten - 3.0) + 0.8 * (use - 1.0) +
                   0.9 * sc_or_zero + 0.15 * (vis - 3.0) + plan_churn[p] +
                   (score_missing ? 0.7 : 0.0);
    double churn = rng.Uniform() < 1.0 / (1.0 + std::exp(-logit)) ? 1 : 0;
    double sp = 20.0 + 3.0 * inc + 4.0 * std::sin(ten) + 5.0 * use * use + 2.0 * sc_or_zero +
                0.5 * vis + plan_spend[p] + 2.0 * rng.Normal();
    // Segment: the largest of three noisy scores.
    double s[3] = {0.0, 0.8 * (inc - 5.5) + 0.5 * sc_or_zero,
                   1.2 * (use - 1.0) + 0.4 * (ten - 3.0) - 0.3 * (vis - 3.0)};
    int best = 0;
    for (int c = 0; c < 3; ++c) {
      s[c] += 0.8 * rng.Normal();
      if (s[c] > s[best]) best = c;
    }

    income.push_back(inc);
    tenure.push_back(ten);
    usage.push_back(use);
    score.push_back(score_missing ? std::nullopt : std::optional<double>(sc));
    visits.push_back(vis);
    plan.push_back(plans[p]);
    churned.push_back(churn);
    spend.push_back(sp);
    segment.push_back(segments[best]);
  }
  batch::RecordBatch table;
  testing::AddNumericColumn(&table, "income", batch::TypeId::kDouble, income);
  testing::AddNumericColumn(&table, "tenure", batch::TypeId::kDouble, tenure);
  testing::AddNumericColumn(&table, "usage", batch::TypeId::kFloat, usage);
  testing::AddNumericColumn(&table, "score", batch::TypeId::kDouble, score);
  testing::AddNumericColumn(&table, "visits", batch::TypeId::kLong, visits);
  testing::AddStringColumn(&table, kPlanColumn, plan);
  testing::AddNumericColumn(&table, kBinaryLabel, batch::TypeId::kInt, churned);
  testing::AddNumericColumn(&table, kRegressionLabel, batch::TypeId::kDouble, spend);
  testing::AddStringColumn(&table, kMulticlassLabel, segment);
  return table;
}

struct SplitTable {
  batch::RecordBatch train, validation, test;
};

// Splits `table` 0.7 / 0.15 / 0.15 with SplitRows, stratified on the binary label, as `keel
// train` splits a classification table.
inline Result<SplitTable> SplitChurnTable(const batch::RecordBatch& table, uint64_t seed) {
  KEEL_ASSIGN_OR_RETURN(EncodedLabels labels,
                        EncodeLabels(table, kBinaryLabel, ProblemType::kClassification));
  SplitSpec spec;
  spec.train = 0.7;
  spec.validation = 0.15;
  spec.test = 0.15;
  spec.seed = seed;
  spec.stratify = true;
  KEEL_ASSIGN_OR_RETURN(RowSplit split, SplitRows(table, spec, &labels.values));
  SplitTable out;
  out.train = batch::Take(table, split.train);
  out.validation = batch::Take(table, split.validation);
  out.test = batch::Take(table, split.test);
  return out;
}

// "%.9g" of a float (round-trips exactly through float32), "" for NaN (pandas reads it as NaN).
inline std::string FloatCell(float v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", static_cast<double>(v));
  return buf;
}
// "%.17g" of a double (round-trips exactly).
inline std::string DoubleCell(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

// A CSV file built column by column: every column the same length.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> columns;

  void Add(const std::string& name, std::vector<std::string> cells) {
    header.push_back(name);
    columns.push_back(std::move(cells));
  }
  Status Write(const std::string& path) const {
    std::ofstream out(path);
    for (size_t c = 0; c < header.size(); ++c) out << (c ? "," : "") << header[c];
    out << "\n";
    const size_t rows = columns.empty() ? 0 : columns[0].size();
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < columns.size(); ++c) out << (c ? "," : "") << columns[c][r];
      out << "\n";
    }
    out.close();
    if (!out) return Status::IOError("cannot write " + path);
    return Status::OK();
  }
};

// Empty when /usr/bin/python3 exists, else a message for GTEST_SKIP naming the Debian packages
// to install. (Whether it has the modules is found out by the script itself, see
// MissingModule: a separate `python3 -c 'import ...'` would cost another second or two.)
inline std::string PythonNotFound(const std::string& packages) {
  if (::access(kPython, X_OK) != 0) {
    return std::string(kPython) + " not found; install " + packages +
           " to run the Python parity comparison";
  }
  return "";
}

// What a reference script printed: lines "key v1 v2 ..." (numbers) or "key text".
struct PythonOutput {
  std::map<std::string, std::vector<double>> numbers;
  std::map<std::string, std::string> text;

  // The single number under `key`, or NaN (so a comparison against it fails loudly).
  double Number(const std::string& key) const {
    auto it = numbers.find(key);
    return it == numbers.end() || it->second.size() != 1 ? NAN : it->second[0];
  }
};

// The head of a reference script: `imports` (Python import statements, e.g. "import numpy as
// np") wrapped so that a missing module makes the script print "missing_module NAME" and exit 0
// instead of failing; MissingModule turns that into a skip.
inline std::string GuardedImports(const std::vector<std::string>& imports) {
  std::string out = "import sys\ntry:\n";
  for (const std::string& statement : imports) out += "    " + statement + "\n";
  out +=
      "except ImportError as error:\n    print(\"missing_module\", error.name)\n    sys.exit(0)\n";
  return out;
}

// Empty when the script ran with every module, else a message for GTEST_SKIP.
inline std::string MissingModule(const PythonOutput& out, const std::string& packages) {
  auto it = out.text.find("missing_module");
  if (it == out.text.end()) return "";
  return std::string(kPython) + " cannot import " + it->second + "; install " + packages +
         " to run the Python parity comparison";
}

inline PythonOutput ParsePythonOutput(const std::string& out) {
  PythonOutput parsed;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    size_t space = line.find(' ');
    std::string key = line.substr(0, space);
    std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
    std::istringstream tokens(rest);
    std::vector<double> values;
    std::string token;
    bool numeric = true;
    while (tokens >> token) {
      char* end = nullptr;
      double v = std::strtod(token.c_str(), &end);
      if (end == token.c_str() || *end != '\0') {
        numeric = false;
        break;
      }
      values.push_back(v);
    }
    if (numeric && !values.empty()) {
      parsed.numbers[key] = std::move(values);
    } else {
      parsed.text[key] = rest;
    }
  }
  return parsed;
}

// Writes GuardedImports(imports) and `script` to `dir`/`name` and runs it with /usr/bin/python3 and
// `args` (no shell quoting needed: Keel's temp paths have no spaces or quotes); its stderr goes to
// a file that the error quotes when the script fails.
inline Result<PythonOutput> RunPython(const std::string& dir, const std::string& name,
                                      const std::vector<std::string>& imports,
                                      const std::string& script,
                                      const std::vector<std::string>& args) {
  const std::string script_path = dir + "/" + name;
  const std::string stderr_path = script_path + ".stderr";
  {
    std::ofstream out(script_path);
    out << GuardedImports(imports) << script;
    if (!out) return Status::IOError("cannot write " + script_path);
  }
  std::string command = std::string(kPython) + " '" + script_path + "'";
  for (const std::string& arg : args) command += " '" + arg + "'";
  command += " 2>'" + stderr_path + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return Status::IOError("cannot run " + command);
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  int rc = pclose(pipe);
  if (rc != 0) {
    std::ifstream err(stderr_path);
    std::stringstream text;
    text << err.rdbuf();
    return Status::Internal("python reference script " + name + " failed (status " +
                            std::to_string(rc) + "): " + text.str());
  }
  return ParsePythonOutput(out);
}

inline double MaxAbsDiff(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

}  // namespace keel::ml::parity
