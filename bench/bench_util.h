#pragma once

// What every benchmark under bench/ needs: stop at the first error with a message, and the
// median of repeated timings.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "common/result.h"

namespace keel::bench {

// Prints "<what>: <error>" and exits 1 unless `s` is OK.
inline void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

// The value of `r`, or exit as Check does.
template <typename T>
T Must(Result<T> r, const char* what) {
  Check(r.status(), what);
  return std::move(r).value();
}

// The middle element (the upper one of an even count).
inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace keel::bench
