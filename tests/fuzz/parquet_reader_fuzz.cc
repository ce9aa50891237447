// Fuzz target for the Parquet reader: any byte string must give a batch or a clean error, never
// a crash, hang, leak or unbounded allocation.
//
// Built two ways (see tests/fuzz/README.md):
//  * with libFuzzer (clang, -DKEEL_FUZZ=ON): LLVMFuzzerTestOneInput is the entry point;
//  * otherwise: a standalone driver that mutates seed files (bit flips, byte stores,
//    truncations, splices, length-field tweaks) for a bounded number of runs. ctest runs it as
//    parquet_reader_fuzz_bounded, so `make test` always fuzzes a little.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "storage/batch/value_format.h"
#include "storage/parquet/file_reader.h"
#include "storage/parquet/row_group_filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using keel::parquet::FileReader;
  auto reader = FileReader::OpenBuffer(std::string(reinterpret_cast<const char*>(data), size),
                                       "fuzz.parquet");
  if (!reader.ok()) return 0;
  // Exercise metadata-only paths too: statistics decoding for row-group skipping.
  for (const auto& f : (*reader)->schema().fields) {
    (void)keel::parquet::SelectRowGroups(**reader, {{f.name, std::nullopt, std::nullopt}});
  }
  auto batch = (*reader)->ReadAll();
  if (!batch.ok()) return 0;
  if (!batch->Validate().ok()) std::abort();  // a decoded batch must be well formed
  for (int64_t r = 0; r < batch->num_rows && r < 64; ++r) {
    (void)keel::batch::RowToJson(*batch, r);
  }
  return 0;
}

#ifndef KEEL_LIBFUZZER

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Mutate(const std::string& seed, const std::vector<std::string>& seeds,
                   std::mt19937_64& rng) {
  std::string v = seed;
  if (v.empty()) return v;
  int rounds = 1 + static_cast<int>(rng() % 6);
  for (int k = 0; k < rounds; ++k) {
    size_t at = rng() % v.size();
    switch (rng() % 7) {
      case 0:
        v[at] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:
        v[at] = static_cast<char>(rng());
        break;
      case 2:
        v.resize(at);
        break;
      case 3: {  // interesting values at a random offset (lengths, counts)
        static const uint32_t kValues[] = {0,      1,          0x7f,        0x80,       0xff,
                                           0xffff, 0x7fffffff, 0x80000000u, 0xffffffffu};
        uint32_t x = kValues[rng() % 9];
        size_t n = std::min<size_t>(4, v.size() - at);
        std::memcpy(&v[at], &x, n);
        break;
      }
      case 4: {  // splice from another seed
        const std::string& other = seeds[rng() % seeds.size()];
        if (other.empty()) break;
        size_t from = rng() % other.size();
        size_t n = std::min<size_t>(1 + rng() % 64, std::min(other.size() - from, v.size() - at));
        std::memcpy(&v[at], other.data() + from, n);
        break;
      }
      case 5:  // damage the footer, where Thrift lives
        if (v.size() > 16) v[v.size() - 9 - rng() % std::min<size_t>(v.size() - 12, 512)] ^= 0x41;
        break;
      default:  // duplicate a chunk
        v.insert(at, v.substr(at, std::min<size_t>(16, v.size() - at)));
        break;
    }
    if (v.empty()) break;
  }
  return v;
}

}  // namespace

// parquet_reader_fuzz [--runs=N] [--seed=S] DIR_OR_FILE...
int main(int argc, char** argv) {
  long runs = 20000;
  uint64_t seed = 1;
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--runs=", 0) == 0) {
      runs = std::atol(a.c_str() + 7);
    } else if (a.rfind("--seed=", 0) == 0) {
      seed = std::strtoull(a.c_str() + 7, nullptr, 10);
    } else if (std::filesystem::is_directory(a)) {
      for (auto& e : std::filesystem::directory_iterator(a)) {
        if (e.path().extension() == ".parquet" && e.file_size() < (1 << 20)) {
          seeds.push_back(Slurp(e.path().string()));
        }
      }
    } else if (std::filesystem::exists(a)) {
      seeds.push_back(Slurp(a));
    }
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "parquet_reader_fuzz: no seed files given; nothing to do\n");
    return 0;
  }
  std::mt19937_64 rng(seed);
  for (const std::string& s : seeds) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  for (long i = 0; i < runs; ++i) {
    std::string input = Mutate(seeds[rng() % seeds.size()], seeds, rng);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  }
  std::printf("parquet_reader_fuzz: %zu seeds, %ld mutated inputs, no crash\n", seeds.size(), runs);
  return 0;
}

#endif  // KEEL_LIBFUZZER
