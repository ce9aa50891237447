// Issue 7 benchmarks: what Keel adds around XGBoost, on generated data (10 numeric features, two
// of them long, three with nulls, a binary label from a noisy non-linear function of them).
//  (a) in process, on the same in-memory rows: Keel's training path from a RecordBatch
//      (FeatureEncoding::Fit, EncodeDense and EncodeLabels of the train and validation rows,
//      TrainXgboost) vs the XGBoost C API called directly on the already-encoded float matrix
//      (XGDMatrixCreateFromMat, XGBoosterCreate, SetParam, UpdateOneIter + EvalOneIter). Same
//      parameters (binary:logistic, hist, max_depth 6, eta 0.1, nthread 0 = every core, eval
//      logloss and auc on train and validation every round, as `keel train` does). Run
//      alternately --repeats times (which side goes first swaps each time); medians, best runs
//      and the overhead Keel/direct - 1 (target: under 5%). Both boosters must predict the test
//      rows identically, else the bench fails.
//  (b) end to end: the same rows written as CSV, ingested as a Delta table by `keel tables
//      ingest` into a fresh workspace, then `keel train SPEC` (read the table, split 0.8/0.1/0.1,
//      train, evaluate, explain, log the run and model) vs bench/ml_bench_xgboost.py under
//      /usr/bin/python3 (interpreter start and imports included): pandas reads the same CSV,
//      the same split sizes, xgboost.train with the same parameters and evals, AUC on the test
//      rows. Python reads CSV, not Parquet: Debian's Python has no Parquet reader (no pyarrow or
//      fastparquet).
// Usage: ml_bench [--rows N] [--rounds N] [--repeats N] [--nthread N] [--part a|b|all]
//                 [--keel PATH] [--python PATH] [--script PATH] [--keep 1]
//        (defaults: 1,000,000 rows, 100 rounds, 3 repeats, nthread 0 = every core (part a only),
//        all, build/bin/keel (else the keel next to this binary), /usr/bin/python3, and
//        bench/ml_bench_xgboost.py of the source tree)

#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "ml/feature_encoding.h"
#include "ml/xgboost/xgboost_model.h"
#include "storage/batch/column_ops.h"
#include "storage/batch/record_batch.h"
#include "storage/csv/text_ingest.h"

using namespace keel;
using BenchClock = std::chrono::steady_clock;
using bench::Check;
using bench::Must;
using bench::Median;

namespace {

constexpr int kNumFeatures = 10;
#ifdef KEEL_SOURCE_DIR
constexpr const char* kDefaultScript = KEEL_SOURCE_DIR "/bench/ml_bench_xgboost.py";
#else
constexpr const char* kDefaultScript = "bench/ml_bench_xgboost.py";
#endif

double Seconds(BenchClock::time_point start) {
  return std::chrono::duration<double>(BenchClock::now() - start).count();
}

void XgbCheck(int rc, const char* what) {
  if (rc != 0) {
    std::fprintf(stderr, "%s: %s\n", what, XGBGetLastError());
    std::exit(1);
  }
}

// CPU seconds of the whole process (every thread): less disturbed than wall time by other jobs
// on a shared machine.
double CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Data generation ------------------------------------------------------------------------------

// SplitMix64: the same rows on every build (the standard distributions may differ).
struct Rng {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Normal() {
    double u = std::max(Uniform(), 1e-300), v = Uniform();
    return std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v);
  }
};

// Four decimals, like measured values (and a CSV half the size of full doubles).
double Round4(double v) { return std::round(v * 1e4) / 1e4; }

// f0 tenure-like long 0..72, f1 count-like long 1..5, f2..f9 doubles; f3 (5%), f6 (10%) and f9
// (20%) have nulls. label is 0/1 (long), drawn from sigmoid of a non-linear score.
batch::RecordBatch Generate(int64_t rows, uint64_t seed) {
  batch::RecordBatch out;
  const batch::DataType long_type = batch::DataType::Primitive(batch::TypeId::kLong);
  const batch::DataType double_type = batch::DataType::Primitive(batch::TypeId::kDouble);
  for (int f = 0; f < kNumFeatures; ++f) {
    const batch::DataType& type = f < 2 ? long_type : double_type;
    out.schema.fields.push_back(batch::Field{"f" + std::to_string(f), type, true});
    out.columns.push_back(batch::Column::Make(type));
  }
  out.schema.fields.push_back(batch::Field{"label", long_type, true});
  out.columns.push_back(batch::Column::Make(long_type));
  const double null_rate[kNumFeatures] = {0, 0, 0, 0.05, 0, 0, 0.10, 0, 0, 0.20};
  Rng rng{seed};
  double x[kNumFeatures];
  bool present[kNumFeatures];
  for (int64_t r = 0; r < rows; ++r) {
    x[0] = std::floor(rng.Uniform() * 73);
    x[1] = 1 + std::floor(rng.Uniform() * 5);
    x[2] = Round4(std::exp(rng.Normal() * 0.5 + 3.5));  // charges-like, log-normal
    for (int f = 3; f < kNumFeatures; ++f) x[f] = Round4(rng.Normal());
    for (int f = 0; f < kNumFeatures; ++f) present[f] = rng.Uniform() >= null_rate[f];
    double z = 0.04 * (x[0] - 36) + 0.5 * (x[1] - 3) * (x[2] > 33 ? 1.0 : -0.6) +
               (present[3] ? 1.2 * std::sin(2 * x[3]) : 0.7) - 0.8 * x[4] * x[4] + 0.9 * x[5] +
               (present[6] ? 0.6 * x[6] : -0.4) + 0.5 * x[7] * x[8] +
               (present[9] ? 0.3 * std::abs(x[9]) : 0.2) + 0.5 + 0.8 * rng.Normal();
    int64_t label = rng.Uniform() < 1 / (1 + std::exp(-z)) ? 1 : 0;
    for (int f = 0; f < kNumFeatures; ++f) {
      batch::Column& c = out.columns[f];
      if (!present[f]) {
        c.AppendNull();
        continue;
      }
      if (f < 2) {
        c.i64.push_back(static_cast<int64_t>(x[f]));
      } else {
        c.f64.push_back(x[f]);
      }
      c.MarkAppendedValid();
    }
    out.columns[kNumFeatures].i64.push_back(label);
    out.columns[kNumFeatures].MarkAppendedValid();
  }
  out.num_rows = rows;
  return out;
}

std::vector<std::string> FeatureNames() {
  std::vector<std::string> names;
  for (int f = 0; f < kNumFeatures; ++f) names.push_back("f" + std::to_string(f));
  return names;
}

// The spec's XGBoost parameters. Both sides set them after TrainXgboost's defaults (objective,
// seed, nthread, verbosity) and before the eval metrics `keel train` picks for roc_auc, in that
// order.
const std::vector<std::pair<std::string, std::string>> kUserParams = {
    {"max_depth", "6"}, {"eta", "0.1"}, {"tree_method", "hist"}};

// (a) ------------------------------------------------------------------------------------------

struct Parts {
  batch::RecordBatch train, validation, test;
};

// What a Keel training returns that the check needs.
struct KeelRun {
  double seconds = 0;
  double cpu_seconds = 0;
  double prepare_seconds = 0;  // Fit, EncodeDense, EncodeLabels: before TrainXgboost
  std::unique_ptr<ml::XgboostModel> model;
  double last_validation_auc = 0;
};

// Keel's in-process path from a batch: fit the encoding on the train rows, encode both parts and
// their labels, train with per-round evaluation.
KeelRun RunKeel(const Parts& parts, int rounds, int nthread) {
  KeelRun run;
  double cpu_start = CpuNow();
  auto start = BenchClock::now();
  ml::FeatureEncoding encoding = Must(ml::FeatureEncoding::Fit(parts.train, FeatureNames()), "fit");
  std::vector<float> x = Must(encoding.EncodeDense(parts.train), "encode train");
  std::vector<float> vx = Must(encoding.EncodeDense(parts.validation), "encode validation");
  ml::EncodedLabels y = Must(
      ml::EncodeLabels(parts.train, "label", ml::ProblemType::kClassification), "train labels");
  ml::EncodedLabels vy = Must(
      ml::EncodeLabels(parts.validation, "label", ml::ProblemType::kClassification, &y.classes),
      "validation labels");
  run.prepare_seconds = Seconds(start);
  ml::XgboostTrainOptions options;
  options.problem = ml::ProblemType::kClassification;
  options.params = kUserParams;
  options.num_boost_round = rounds;
  options.eval_metrics = {"logloss", "auc"};
  options.nthread = nthread;
  std::vector<ml::IterationMetrics> history;
  history.reserve(rounds);
  options.on_iteration = [&](int, const ml::IterationMetrics& m) { history.push_back(m); };
  run.model = Must(ml::TrainXgboost(encoding, y.classes, {&x, &y.values, parts.train.num_rows},
                                    {&vx, &vy.values, parts.validation.num_rows}, options),
                   "TrainXgboost");
  run.seconds = Seconds(start);
  run.cpu_seconds = CpuNow() - cpu_start;
  if (!history.empty()) run.last_validation_auc = history.back().back().second;
  return run;
}

// The rows already encoded, as the direct C API run starts from.
struct Dense {
  std::vector<float> x, vx, tx;
  std::vector<float> y, vy;
};

std::vector<float> LabelFloats(const batch::RecordBatch& b) {
  const batch::Column& c = b.columns[kNumFeatures];
  return std::vector<float>(c.i64.begin(), c.i64.end());
}

struct DirectRun {
  double seconds = 0;
  double cpu_seconds = 0;
  BoosterHandle booster = nullptr;
  double last_validation_auc = 0;
};

DirectRun RunDirect(const Dense& d, int64_t train_rows, int64_t validation_rows, int rounds,
                    int nthread) {
  DirectRun run;
  double cpu_start = CpuNow();
  auto start = BenchClock::now();
  DMatrixHandle dtrain = nullptr, dvalid = nullptr;
  XgbCheck(XGDMatrixCreateFromMat(d.x.data(), train_rows, kNumFeatures, std::nanf(""), &dtrain),
           "train matrix");
  XgbCheck(XGDMatrixSetFloatInfo(dtrain, "label", d.y.data(), d.y.size()), "train labels");
  XgbCheck(
      XGDMatrixCreateFromMat(d.vx.data(), validation_rows, kNumFeatures, std::nanf(""), &dvalid),
      "validation matrix");
  XgbCheck(XGDMatrixSetFloatInfo(dvalid, "label", d.vy.data(), d.vy.size()), "validation labels");
  DMatrixHandle cache[] = {dtrain, dvalid};
  XgbCheck(XGBoosterCreate(cache, 2, &run.booster), "booster");
  std::vector<std::pair<std::string, std::string>> params = {{"objective", "binary:logistic"},
                                                             {"seed", "0"},
                                                             {"nthread", std::to_string(nthread)},
                                                             {"verbosity", "0"}};
  params.insert(params.end(), kUserParams.begin(), kUserParams.end());
  params.emplace_back("eval_metric", "logloss");
  params.emplace_back("eval_metric", "auc");
  for (const auto& [key, value] : params) {
    XgbCheck(XGBoosterSetParam(run.booster, key.c_str(), value.c_str()), key.c_str());
  }
  const char* names[] = {"train", "validation"};
  const char* last = nullptr;
  for (int round = 0; round < rounds; ++round) {
    XgbCheck(XGBoosterUpdateOneIter(run.booster, round, dtrain), "update");
    XgbCheck(XGBoosterEvalOneIter(run.booster, round, cache, names, 2, &last), "eval");
  }
  run.seconds = Seconds(start);
  run.cpu_seconds = CpuNow() - cpu_start;
  if (last != nullptr) {
    std::string text(last);
    run.last_validation_auc = std::strtod(text.substr(text.rfind(':') + 1).c_str(), nullptr);
  }
  XGDMatrixFree(dtrain);
  XGDMatrixFree(dvalid);
  return run;
}

std::vector<float> PredictDirect(BoosterHandle booster, const std::vector<float>& x, int64_t rows) {
  DMatrixHandle m = nullptr;
  XgbCheck(XGDMatrixCreateFromMat(x.data(), rows, kNumFeatures, std::nanf(""), &m), "test matrix");
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  XgbCheck(XGBoosterPredictFromDMatrix(
               booster, m,
               R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, )"
               R"("strict_shape": false})",
               &shape, &dim, &out),
           "predict");
  std::vector<float> values(out, out + rows);
  XGDMatrixFree(m);
  return values;
}

void BenchInProcess(const Parts& parts, int rounds, int repeats, int nthread) {
  // The direct run's input: the same rows encoded once, outside the timing.
  ml::FeatureEncoding encoding = Must(ml::FeatureEncoding::Fit(parts.train, FeatureNames()), "fit");
  Dense d;
  d.x = Must(encoding.EncodeDense(parts.train), "encode");
  d.vx = Must(encoding.EncodeDense(parts.validation), "encode");
  d.tx = Must(encoding.EncodeDense(parts.test), "encode");
  d.y = LabelFloats(parts.train);
  d.vy = LabelFloats(parts.validation);

  std::vector<double> keel_secs, direct_secs, keel_cpu, direct_cpu, prepare_secs;
  KeelRun keel;
  DirectRun direct;
  // Alternating, and swapping which goes first each repeat, so neither side always runs on a
  // cold (or warm) cache.
  for (int i = 0; i < repeats; ++i) {
    for (int side = 0; side < 2; ++side) {
      if ((side == 0) == (i % 2 == 0)) {
        keel = RunKeel(parts, rounds, nthread);
        keel_secs.push_back(keel.seconds);
        keel_cpu.push_back(keel.cpu_seconds);
        prepare_secs.push_back(keel.prepare_seconds);
      } else {
        if (direct.booster != nullptr) XGBoosterFree(direct.booster);
        direct = RunDirect(d, parts.train.num_rows, parts.validation.num_rows, rounds, nthread);
        direct_secs.push_back(direct.seconds);
        direct_cpu.push_back(direct.cpu_seconds);
      }
    }
    std::printf(
        "(a) repeat %d (%s first): keel %.3f s (cpu %.3f s; encoding %.3f s), direct "
        "%.3f s (cpu %.3f s)\n",
        i + 1, i % 2 == 0 ? "keel" : "direct", keel.seconds, keel.cpu_seconds, keel.prepare_seconds,
        direct.seconds, direct.cpu_seconds);
    std::fflush(stdout);
  }

  // Sanity: the two boosters are the same model.
  ml::ModelOutput keel_out = Must(keel.model->ScoreEncoded(d.tx, parts.test.num_rows), "score");
  std::vector<double> keel_pred = keel_out.Predictions();
  std::vector<float> direct_pred = PredictDirect(direct.booster, d.tx, parts.test.num_rows);
  int64_t differing = 0;
  double max_diff = 0;
  for (int64_t r = 0; r < parts.test.num_rows; ++r) {
    double diff = std::abs(keel_pred[r] - static_cast<double>(direct_pred[r]));
    if (static_cast<float>(keel_pred[r]) != direct_pred[r]) ++differing;
    max_diff = std::max(max_diff, diff);
  }
  XGBoosterFree(direct.booster);
  if (differing != 0) {
    std::fprintf(stderr, "(a) MISMATCH: %lld of %lld test predictions differ (max |diff| %.3g)\n",
                 static_cast<long long>(differing), static_cast<long long>(parts.test.num_rows),
                 max_diff);
    std::exit(1);
  }
  // Other jobs on the machine only ever add time, so the best run of each side is reported
  // beside the median.
  auto best = [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); };
  double k = Median(keel_secs), t = Median(direct_secs);
  double kc = Median(keel_cpu), tc = Median(direct_cpu);
  double kb = best(keel_secs), tb = best(direct_secs);
  std::printf(
      "\n(a) in process, %lld train + %lld validation rows, %d rounds, nthread %d (%u "
      "cores), %d runs each\n",
      static_cast<long long>(parts.train.num_rows),
      static_cast<long long>(parts.validation.num_rows), rounds, nthread,
      std::thread::hardware_concurrency(), repeats);
  std::printf(
      "| | median wall s | best wall s | median cpu s | validation auc |\n"
      "|---|---|---|---|---|\n");
  std::printf(
      "| keel (Fit + EncodeDense + EncodeLabels + TrainXgboost) | %.3f | %.3f | %.3f | "
      "%.6f |\n",
      k, kb, kc, keel.last_validation_auc);
  std::printf("| direct XGBoost C API on the dense matrix | %.3f | %.3f | %.3f | %.6f |\n", t, tb,
              tc, direct.last_validation_auc);
  std::printf("| keel's encoding alone (Fit + EncodeDense + EncodeLabels) | %.3f | %.3f | | |\n",
              Median(prepare_secs), best(prepare_secs));
  std::printf(
      "keel_seconds %.3f direct_seconds %.3f overhead %+.2f%% (best runs %+.2f%%, cpu "
      "%+.2f%%; target < 5%%); test predictions identical: %lld of %lld\n",
      k, t, (k / t - 1) * 100, (kb / tb - 1) * 100, (kc / tc - 1) * 100,
      static_cast<long long>(parts.test.num_rows), static_cast<long long>(parts.test.num_rows));
  // Between the two, Keel's own work is the encoding; the XGBoost calls are the same (plus
  // setting feature names and types, and parsing each round's evaluation line).
  std::printf(
      "keel's encoding is %.2f%% of the direct time (the part of the difference that is "
      "not noise)\n",
      Median(prepare_secs) / t * 100);
  std::fflush(stdout);
}

// (b) ------------------------------------------------------------------------------------------

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Command {
  int exit_code = -1;
  double seconds = 0;
  std::string output;  // stdout and stderr
};

// Runs `cmd` through the shell, its output captured in `log`.
Command RunCommand(const std::string& cmd, const std::string& log) {
  Command c;
  auto start = BenchClock::now();
  int rc = std::system((cmd + " > " + Quote(log) + " 2>&1").c_str());
  c.seconds = Seconds(start);
  c.exit_code = rc == -1 ? -1 : WEXITSTATUS(rc);
  c.output = ReadFile(log);
  return c;
}

Command MustRun(const std::string& cmd, const std::string& log, const char* what) {
  Command c = RunCommand(cmd, log);
  if (c.exit_code != 0) {
    std::fprintf(stderr, "%s failed (exit %d): %s\n%s\n", what, c.exit_code, cmd.c_str(),
                 c.output.c_str());
    std::exit(1);
  }
  return c;
}

// The number after "roc_auc=" on the line of `keel train`'s output that starts with `part`
// ("test:"), or NaN.
double KeelAuc(const std::string& output, const std::string& part) {
  size_t line = output.find("\n" + part);
  if (line == std::string::npos) return std::nan("");
  size_t end = output.find('\n', line + 1);
  size_t pos = output.find("roc_auc=", line);
  if (pos == std::string::npos || pos > end) return std::nan("");
  return std::strtod(output.c_str() + pos + 8, nullptr);
}

// The value after `"key":` in a one-line JSON object, or NaN.
double JsonNumber(const std::string& text, const std::string& key) {
  size_t pos = text.find("\"" + key + "\":");
  if (pos == std::string::npos) return std::nan("");
  return std::strtod(text.c_str() + pos + key.size() + 3, nullptr);
}

void BenchEndToEnd(const batch::RecordBatch& all, int rounds, const std::string& dir,
                   const std::string& keel, const std::string& python, const std::string& script) {
  const std::string csv_path = dir + "/rows.csv", home = dir + "/home";
  auto start = BenchClock::now();
  {
    std::string text = csv::FormatText(all, csv::TextFormat::kCsv);
    std::ofstream out(csv_path, std::ios::binary);
    out << text;
    if (!out) {
      std::fprintf(stderr, "writing %s failed\n", csv_path.c_str());
      std::exit(1);
    }
  }
  std::printf("\n(b) wrote %lld rows as CSV in %.2f s\n", static_cast<long long>(all.num_rows),
              Seconds(start));
  const std::string log = dir + "/command.log";
  MustRun(Quote(keel) + " init --home " + Quote(home), log, "keel init");
  MustRun(Quote(keel) + " schemas create dev.bench --home " + Quote(home), log,
          "keel schemas create");
  Command ingest = MustRun(Quote(keel) + " tables ingest dev.bench.rows --from " + Quote(csv_path) +
                               " --home " + Quote(home),
                           log, "keel tables ingest");
  std::printf("(b) keel tables ingest dev.bench.rows: %.2f s\n", ingest.seconds);

  const std::string spec_path = dir + "/spec.yaml";
  {
    std::ofstream spec(spec_path);
    spec << "table: dev.bench.rows\n"
         << "label: label\n"
         << "problem: classification\n"
         << "algorithm: xgboost\n"
         << "params: {max_depth: 6, eta: 0.1, num_boost_round: " << rounds
         << ", tree_method: hist}\n"
         << "split: {train: 0.8, validation: 0.1, test: 0.1, seed: 1}\n"
         << "experiment: /Shared/bench\n";
  }
  Command train =
      RunCommand(Quote(keel) + " train " + Quote(spec_path) + " --home " + Quote(home), log);
  bool have_train = train.exit_code == 0;
  if (!have_train) {
    std::printf(
        "(b) keel train failed (exit %d); the end-to-end comparison has no Keel side:\n%s\n",
        train.exit_code, train.output.c_str());
  } else {
    std::printf("(b) keel train output:\n%s\n", train.output.c_str());
  }

  Command py =
      MustRun(Quote(python) + " " + Quote(script) + " " + Quote(csv_path) + " --rounds " +
                  std::to_string(rounds) + " --train 0.8 --validation 0.1 --test 0.1 --seed 1",
              dir + "/python.log", "python");
  std::string py_line = py.output.substr(py.output.rfind('{'));
  std::printf("(b) python: %s", py_line.c_str());
  std::printf(
      "\n(b) end to end, %lld rows, %d rounds. Python reads CSV: Debian's Python has no "
      "Parquet reader (no pyarrow/fastparquet)\n",
      static_cast<long long>(all.num_rows), rounds);
  std::printf("| | seconds |\n|---|---|\n");
  if (have_train) std::printf("| keel train (Delta table) | %.2f |\n", train.seconds);
  std::printf(
      "| python total (/usr/bin/python3: start, imports, read CSV, train, predict) | "
      "%.2f |\n",
      py.seconds);
  std::printf(
      "| python imports | %.2f |\n| python read_csv | %.2f |\n"
      "| python xgboost.train only | %.2f |\n",
      JsonNumber(py_line, "import_seconds"), JsonNumber(py_line, "read_seconds"),
      JsonNumber(py_line, "train_seconds"));
  if (have_train) {
    std::printf(
        "keel_train_seconds %.2f python_seconds %.2f ratio %.2f (test auc: keel %.4f, "
        "python %.4f; the splits differ)\n",
        train.seconds, py.seconds, train.seconds / py.seconds, KeelAuc(train.output, "test:"),
        JsonNumber(py_line, "test_auc"));
  } else {
    std::printf("keel_train_seconds n/a python_seconds %.2f (python test auc %.6f)\n", py.seconds,
                JsonNumber(py_line, "test_auc"));
  }
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 1'000'000;
  int rounds = 100, repeats = 3, nthread = 0;
  bool keep = false;
  std::string part = "all", keel = "build/bin/keel", python = "/usr/bin/python3",
              script = kDefaultScript;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::atoll(argv[i + 1]);
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--repeats") == 0) repeats = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--nthread") == 0) nthread = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--part") == 0) part = argv[i + 1];
    if (std::strcmp(argv[i], "--keel") == 0) keel = argv[i + 1];
    if (std::strcmp(argv[i], "--python") == 0) python = argv[i + 1];
    if (std::strcmp(argv[i], "--script") == 0) script = argv[i + 1];
    if (std::strcmp(argv[i], "--keep") == 0) keep = std::atoi(argv[i + 1]) != 0;
  }
  if (rows < 100 || rounds < 1 || repeats < 1 || (part != "a" && part != "b" && part != "all")) {
    std::fprintf(stderr,
                 "usage: ml_bench [--rows N>=100] [--rounds N] [--repeats N] "
                 "[--part a|b|all] [--keel PATH] [--python PATH] [--script PATH]\n");
    return 2;
  }
  auto start = BenchClock::now();
  batch::RecordBatch all = Generate(rows, 20261205);
  std::printf("generated %lld rows x %d features in %.2f s\n", static_cast<long long>(rows),
              kNumFeatures, Seconds(start));
  if (part != "b") {
    // Rows are independent draws, so contiguous parts are random ones.
    int64_t n_validation = static_cast<int64_t>(std::llround(rows * 0.1));
    int64_t n_test = n_validation, n_train = rows - n_validation - n_test;
    Parts parts{batch::Slice(all, 0, n_train), batch::Slice(all, n_train, n_validation),
                batch::Slice(all, n_train + n_validation, n_test)};
    BenchInProcess(parts, rounds, repeats, nthread);
  }
  if (part != "a") {
    // Not run from the source tree: the keel built next to this binary.
    std::string own_dir = argv[0];
    own_dir = own_dir.find('/') == std::string::npos ? "." : own_dir.substr(0, own_dir.rfind('/'));
    if (access(keel.c_str(), X_OK) != 0 && access((own_dir + "/keel").c_str(), X_OK) == 0) {
      keel = own_dir + "/keel";
    }
    char tmpl[] = "/tmp/keel-ml-bench-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    BenchEndToEnd(all, rounds, dir, keel, python, script);
    if (keep) {
      std::printf("kept %s\n", dir.c_str());
    } else {
      std::string cleanup = "rm -rf " + Quote(dir);
      if (std::system(cleanup.c_str()) != 0) return 1;
    }
  }
  return 0;
}
