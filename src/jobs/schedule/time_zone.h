#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace keel::jobs {

// An IANA time zone read from the system's compiled tz database (TZif files under
// /usr/share/zoneinfo, Debian's `tzdata`), so schedules follow the same DST rules as the OS.
// Immutable after Load; thread-safe.
class TimeZone {
 public:
  // "UTC", "Europe/Berlin", "America/New_York", ... Names are validated (no "..", no leading
  // "/", only [A-Za-z0-9_+-/]) before any file is opened. Errors: kInvalidParameterValue naming
  // the zone for unknown names or a corrupt file. Zones loaded successfully are kept for the
  // life of the process.
  static Result<TimeZone> Load(std::string_view name);
  // The same, with the zoneinfo directory given (tests).
  static Result<TimeZone> LoadFrom(std::string_view name, const std::string& zoneinfo_dir);
  static TimeZone Utc();

  const std::string& name() const { return name_; }

  // Offset from UTC in seconds in effect at the instant `utc_seconds`.
  int32_t OffsetAt(int64_t utc_seconds) const;

  // The instants whose local wall-clock time is `local_seconds` (seconds since 1970-01-01T00:00
  // local): none in a spring-forward gap, two in a fall-back overlap (earlier first), else one.
  // Wall times beyond +-1e14 seconds (about three million years) have none.
  std::vector<int64_t> ToUtc(int64_t local_seconds) const;

  // Local wall-clock seconds at the instant `utc_seconds`.
  int64_t ToLocal(int64_t utc_seconds) const { return utc_seconds + OffsetAt(utc_seconds); }

  // The one instant a schedule uses for the wall time `local_seconds`: the earliest of ToUtc(),
  // or, for a wall time skipped by a spring-forward gap, the end of the gap (the transition
  // instant, when the clocks show the first time after the gap). Non-decreasing in
  // `local_seconds`, which is what lets a cron search walk wall times in order.
  int64_t ToUtcEarliestOrGapEnd(int64_t local_seconds) const;

 private:
  struct Data;
  std::string name_;
  std::shared_ptr<const Data> data_;
};

}  // namespace keel::jobs
