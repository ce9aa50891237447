#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "jobs/schedule/time_zone.h"

namespace keel::jobs {

// A Quartz cron expression, the syntax of Databricks job schedules:
//   seconds minutes hours day-of-month month day-of-week [year]
// with `*`, `?`, ranges `a-b`, lists `a,b`, steps `a/n` and `*/n`, month names JAN-DEC,
// day names SUN-SAT (day-of-week 1 = Sunday ... 7 = Saturday, as Quartz), `L` (last day of
// month, `L-3`, and `6L` last Friday), `W` (nearest weekday, `15W`, `LW`) and `#` (`6#3` third
// Friday). Exactly one of day-of-month and day-of-week must be `?`, as Quartz requires.
class QuartzCron {
 public:
  // Errors: kInvalidParameterValue saying which field is wrong and why, e.g.
  // "cron field 3 (hours) '25': value out of range 0-23".
  static Result<QuartzCron> Parse(std::string_view expression);

  const std::string& expression() const { return expression_; }

  // The first fire time strictly after `after_utc_millis`, in UTC milliseconds, evaluating the
  // expression in wall-clock time of `zone`. DST, as Quartz does it:
  //  - a wall time that does not exist (spring-forward gap) fires at the first instant after
  //    the gap (02:30 on the night clocks jump 02:00 -> 03:00 fires at 03:00 local);
  //  - a wall time that happens twice (fall-back overlap) fires once, at the first occurrence.
  // nullopt when there is none (e.g. a past year): fire times lie in 1970-2199, and the search
  // gives up after 10 candidate years (years the year field allows) without a match, which is
  // enough for February 29 across 2100.
  std::optional<int64_t> NextAfter(int64_t after_utc_millis, const TimeZone& zone) const;

 private:
  struct Fields;
  std::string expression_;
  std::shared_ptr<const Fields> fields_;
};

}  // namespace keel::jobs
