// Quartz cron parsing and next-fire-time search. Expected instants were computed independently
// with a brute-force Python reference over zoneinfo (every wall time of every day, mapped with
// the documented DST rules), not with this code.

#include "jobs/schedule/quartz_cron.h"

#include <gtest/gtest.h>

#include <ctime>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace keel::jobs {
namespace {

// Milliseconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ" (timegm: independent of the code).
int64_t Ms(const char* iso) {
  std::tm tm{};
  const char* end = strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
  EXPECT_TRUE(end != nullptr && *end == '\0') << iso;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::string Iso(std::optional<int64_t> millis) {
  if (!millis) return "none";
  std::time_t t = static_cast<std::time_t>(*millis / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf) + (*millis % 1000 != 0 ? "+millis" : "");
}

QuartzCron MustParse(const char* expression) {
  Result<QuartzCron> cron = QuartzCron::Parse(expression);
  EXPECT_TRUE(cron.ok()) << expression << ": " << cron.status().ToString();
  return cron.ok() ? *cron : *QuartzCron::Parse("0 0 0 1 1 ? 2199");
}

TimeZone Zone(const char* name) {
  Result<TimeZone> zone = TimeZone::Load(name);
  EXPECT_TRUE(zone.ok()) << name << ": " << zone.status().ToString();
  return zone.ok() ? *zone : TimeZone::Utc();
}

// The first `expected.size()` fire times after `after`, as ISO strings (readable failures).
void ExpectFires(const char* expression, const char* after, const char* zone,
                 const std::vector<std::string>& expected) {
  QuartzCron cron = MustParse(expression);
  TimeZone tz = Zone(zone);
  std::vector<std::string> got;
  int64_t t = Ms(after);
  for (size_t i = 0; i < expected.size(); ++i) {
    std::optional<int64_t> next = cron.NextAfter(t, tz);
    got.push_back(Iso(next));
    if (!next) break;
    t = *next;
  }
  EXPECT_EQ(got, expected) << "'" << expression << "' after " << after << " in " << zone;
}

// ---------------------------------------------------------------------------------------------
// The Quartz documentation's examples, in UTC.

TEST(QuartzCronTest, NoonEveryDay) {
  ExpectFires("0 0 12 * * ?", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z", "2026-01-03T12:00:00Z"});
}

TEST(QuartzCronTest, WeekdaysSkipTheWeekend) {
  // 2026-01-01 is a Thursday.
  ExpectFires("0 15 10 ? * MON-FRI", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-01T10:15:00Z", "2026-01-02T10:15:00Z", "2026-01-05T10:15:00Z",
               "2026-01-06T10:15:00Z"});
}

TEST(QuartzCronTest, EveryFiveMinutesInTwoHours) {
  ExpectFires("0 0/5 14,18 * * ?", "2026-01-01T14:50:00Z", "UTC",
              {"2026-01-01T14:55:00Z", "2026-01-01T18:00:00Z", "2026-01-01T18:05:00Z",
               "2026-01-01T18:10:00Z"});
}

TEST(QuartzCronTest, LastDayOfTheMonthFollowsMonthLengthAndLeapYears) {
  ExpectFires("0 15 10 L * ?", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-31T10:15:00Z", "2026-02-28T10:15:00Z", "2026-03-31T10:15:00Z"});
  ExpectFires("0 15 10 L * ?", "2028-02-01T00:00:00Z", "UTC", {"2028-02-29T10:15:00Z"});
  ExpectFires("0 0 0 L-2 * ?", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-29T00:00:00Z", "2026-02-26T00:00:00Z"});
}

TEST(QuartzCronTest, LastFridayOfTheMonth) {
  ExpectFires("0 15 10 ? * 6L", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-30T10:15:00Z", "2026-02-27T10:15:00Z", "2026-03-27T10:15:00Z"});
}

TEST(QuartzCronTest, ThirdFridayOfTheMonth) {
  ExpectFires("0 15 10 ? * 6#3", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-16T10:15:00Z", "2026-02-20T10:15:00Z", "2026-03-20T10:15:00Z"});
  ExpectFires("0 15 10 ? * FRI#3", "2026-01-01T00:00:00Z", "UTC", {"2026-01-16T10:15:00Z"});
}

TEST(QuartzCronTest, EveryFifthDayStartingOnTheFirstRestartsEachMonth) {
  ExpectFires("0 0 12 1/5 * ?", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-01T12:00:00Z", "2026-01-06T12:00:00Z", "2026-01-11T12:00:00Z",
               "2026-01-16T12:00:00Z", "2026-01-21T12:00:00Z", "2026-01-26T12:00:00Z",
               "2026-01-31T12:00:00Z", "2026-02-01T12:00:00Z"});
}

TEST(QuartzCronTest, OnceAYearOnNovemberEleventh) {
  ExpectFires("0 11 11 11 11 ?", "2026-01-01T00:00:00Z", "UTC",
              {"2026-11-11T11:11:00Z", "2027-11-11T11:11:00Z"});
}

TEST(QuartzCronTest, LastWeekdayOfTheMonth) {
  // Jan 31 and Feb 28 2026 are Saturdays, May 31 a Sunday.
  ExpectFires("0 0 0 LW * ?", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-31T00:00:00Z",
               "2026-04-30T00:00:00Z", "2026-05-29T00:00:00Z"});
}

TEST(QuartzCronTest, NearestWeekdayToTheFifteenth) {
  // Feb 15 and Mar 15 2026 are Sundays (-> Monday), Aug 15 a Saturday (-> Friday).
  ExpectFires("0 0 0 15W * ?", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-15T00:00:00Z", "2026-02-16T00:00:00Z", "2026-03-16T00:00:00Z",
               "2026-04-15T00:00:00Z", "2026-05-15T00:00:00Z", "2026-06-15T00:00:00Z",
               "2026-07-15T00:00:00Z", "2026-08-14T00:00:00Z"});
}

TEST(QuartzCronTest, NearestWeekdayNeverLeavesTheMonth) {
  // Aug 1 2026 is a Saturday: the nearest weekday in August is Monday the 3rd, not July 31.
  ExpectFires("0 0 0 1W * ?", "2026-07-15T00:00:00Z", "UTC",
              {"2026-08-03T00:00:00Z", "2026-09-01T00:00:00Z"});
}

TEST(QuartzCronTest, TenConsecutiveFireTimes) {
  ExpectFires("0 0/20 9-10 ? * MON,WED", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-05T09:00:00Z", "2026-01-05T09:20:00Z", "2026-01-05T09:40:00Z",
               "2026-01-05T10:00:00Z", "2026-01-05T10:20:00Z", "2026-01-05T10:40:00Z",
               "2026-01-07T09:00:00Z", "2026-01-07T09:20:00Z", "2026-01-07T09:40:00Z",
               "2026-01-07T10:00:00Z"});
}

TEST(QuartzCronTest, RangesMayWrapAroundTheEndOfTheField) {
  ExpectFires("0 0 22-2 * * ?", "2026-01-01T03:00:00Z", "UTC",
              {"2026-01-01T22:00:00Z", "2026-01-01T23:00:00Z", "2026-01-02T00:00:00Z",
               "2026-01-02T01:00:00Z", "2026-01-02T02:00:00Z", "2026-01-02T22:00:00Z"});
  // FRI-MON: Fri, Sat, Sun, Mon. 2026-01-01 is a Thursday.
  ExpectFires("0 0 8 ? * FRI-MON", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-02T08:00:00Z", "2026-01-03T08:00:00Z", "2026-01-04T08:00:00Z",
               "2026-01-05T08:00:00Z", "2026-01-09T08:00:00Z"});
}

TEST(QuartzCronTest, NamesAreCaseInsensitive) {
  ExpectFires("0 0 8 ? jan,Mar sun", "2026-01-01T00:00:00Z", "UTC",
              {"2026-01-04T08:00:00Z", "2026-01-11T08:00:00Z"});
  ExpectFires("0 0 8 ? feb-mar sun#1", "2026-01-01T00:00:00Z", "UTC",
              {"2026-02-01T08:00:00Z", "2026-03-01T08:00:00Z", "2027-02-07T08:00:00Z"});
}

TEST(QuartzCronTest, FebruaryTwentyNinthWaitsForALeapYear) {
  ExpectFires("0 0 0 29 2 ?", "2026-01-01T00:00:00Z", "UTC",
              {"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"});
  // 2100 is not a leap year: eight years between February 29ths.
  ExpectFires("0 0 0 29 2 ?", "2096-03-01T00:00:00Z", "UTC", {"2104-02-29T00:00:00Z"});
}

TEST(QuartzCronTest, TheYearFieldEndsTheSchedule) {
  ExpectFires("0 0 0 1 1 ? 2030", "2026-01-01T00:00:00Z", "UTC", {"2030-01-01T00:00:00Z", "none"});
  ExpectFires("0 0 0 1 1 ? 2020", "2026-01-01T00:00:00Z", "UTC", {"none"});
  ExpectFires("0 0 12 1 JAN ? 2026-2034/4", "2026-06-01T00:00:00Z", "UTC",
              {"2030-01-01T12:00:00Z", "2034-01-01T12:00:00Z", "none"});
  // A far year is found directly, not by walking the years in between.
  ExpectFires("0 0 0 1 1 ? 2150", "2026-01-01T00:00:00Z", "UTC", {"2150-01-01T00:00:00Z"});
}

TEST(QuartzCronTest, ImpossibleDatesHaveNoFireTime) {
  ExpectFires("0 0 0 30 2 ?", "2026-01-01T00:00:00Z", "UTC", {"none"});
  ExpectFires("0 0 0 31 4,6,9,11 ?", "2026-01-01T00:00:00Z", "UTC", {"none"});
}

TEST(QuartzCronTest, NextAfterIsStrictlyAfterAndWorksToTheMillisecond) {
  QuartzCron cron = MustParse("*/15 * * * * ?");
  TimeZone utc = TimeZone::Utc();
  EXPECT_EQ(Iso(cron.NextAfter(Ms("2026-01-01T12:00:00Z"), utc)), "2026-01-01T12:00:15Z");
  EXPECT_EQ(Iso(cron.NextAfter(Ms("2026-01-01T12:00:00Z") - 1, utc)), "2026-01-01T12:00:00Z");
  EXPECT_EQ(Iso(cron.NextAfter(Ms("2026-01-01T12:00:07Z") + 500, utc)), "2026-01-01T12:00:15Z");
  EXPECT_EQ(Iso(cron.NextAfter(Ms("2026-01-01T23:59:59Z") + 999, utc)), "2026-01-02T00:00:00Z");
}

TEST(QuartzCronTest, ExtremeStartTimesNeverCrash) {
  QuartzCron cron = MustParse("0 0 12 * * ?");
  TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(Iso(cron.NextAfter(std::numeric_limits<int64_t>::max(), ny)), "none");
  EXPECT_EQ(Iso(cron.NextAfter(Ms("2200-01-01T00:00:00Z"), ny)), "none");
  // Fire times start in 1970, whatever the year field allows.
  EXPECT_EQ(Iso(cron.NextAfter(std::numeric_limits<int64_t>::min(), ny)), "1970-01-01T17:00:00Z");
  EXPECT_EQ(Iso(cron.NextAfter(-1, TimeZone::Utc())), "1970-01-01T12:00:00Z");
}

TEST(QuartzCronTest, ScheduleInAZoneWithAHalfHourOffset) {
  ExpectFires("0 0 9 * * ?", "2026-01-01T00:00:00Z", "Asia/Kolkata",
              {"2026-01-01T03:30:00Z", "2026-01-02T03:30:00Z"});
}

TEST(QuartzCronTest, ScheduleInTheSouthernHemisphereFarInTheFuture) {
  // Sydney is on daylight time (+11) at New Year.
  ExpectFires("0 0 12 ? * SUN", "2045-12-31T00:00:00Z", "Australia/Sydney",
              {"2045-12-31T01:00:00Z", "2046-01-07T01:00:00Z"});
}

// ---------------------------------------------------------------------------------------------
// Daylight saving time.

TEST(QuartzCronTest, SpringForwardFiresAMissingWallTimeAtTheEndOfTheGapInNewYork) {
  // 2026-03-08: 02:00 EST -> 03:00 EDT (07:00Z). 02:30 does not exist; it fires at 03:00 EDT.
  ExpectFires("0 30 2 * * ?", "2026-03-07T12:00:00Z", "America/New_York",
              {"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"});
  ExpectFires("0 30 1 * * ?", "2026-03-07T12:00:00Z", "America/New_York",
              {"2026-03-08T06:30:00Z", "2026-03-09T05:30:00Z", "2026-03-10T05:30:00Z"});
}

TEST(QuartzCronTest, SpringForwardFiresSkippedQuarterHoursOnceInNewYork) {
  // 02:00, 02:15, 02:30 and 02:45 are all missing; together they fire once, at 03:00 EDT.
  ExpectFires("0 0/15 * * * ?", "2026-03-08T06:30:00Z", "America/New_York",
              {"2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z",
               "2026-03-08T07:30:00Z"});
}

TEST(QuartzCronTest, SpringForwardInBerlin) {
  // 2026-03-29: 02:00 CET -> 03:00 CEST (01:00Z).
  ExpectFires("0 30 2 * * ?", "2026-03-28T00:00:00Z", "Europe/Berlin",
              {"2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"});
  ExpectFires("0 0/15 * * * ?", "2026-03-29T00:30:00Z", "Europe/Berlin",
              {"2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z"});
}

TEST(QuartzCronTest, FallBackFiresARepeatedWallTimeOnlyAtItsFirstOccurrenceInNewYork) {
  // 2026-11-01: 02:00 EDT -> 01:00 EST (06:00Z); 01:30 happens at 05:30Z and again at 06:30Z.
  ExpectFires("0 30 1 * * ?", "2026-10-31T12:00:00Z", "America/New_York",
              {"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z", "2026-11-03T06:30:00Z"});
  // Asked again from the first firing, the second 01:30 is not returned.
  QuartzCron cron = MustParse("0 30 1 * * ?");
  EXPECT_EQ(Iso(cron.NextAfter(Ms("2026-11-01T05:30:00Z"), Zone("America/New_York"))),
            "2026-11-02T06:30:00Z");
  // ...nor from inside the second hour.
  EXPECT_EQ(Iso(cron.NextAfter(Ms("2026-11-01T06:10:00Z"), Zone("America/New_York"))),
            "2026-11-02T06:30:00Z");
  ExpectFires("0 30 2 * * ?", "2026-10-31T12:00:00Z", "America/New_York",
              {"2026-11-01T07:30:00Z", "2026-11-02T07:30:00Z", "2026-11-03T07:30:00Z"});
}

TEST(QuartzCronTest, FallBackPausesSubHourlySchedulesDuringTheRepeatedHourInNewYork) {
  ExpectFires("0 0/15 * * * ?", "2026-11-01T05:20:00Z", "America/New_York",
              {"2026-11-01T05:30:00Z", "2026-11-01T05:45:00Z", "2026-11-01T07:00:00Z",
               "2026-11-01T07:15:00Z", "2026-11-01T07:30:00Z"});
  ExpectFires("0 0 * * * ?", "2026-11-01T03:30:00Z", "America/New_York",
              {"2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z",
               "2026-11-01T08:00:00Z"});
}

TEST(QuartzCronTest, FallBackInBerlin) {
  // 2026-10-25: 03:00 CEST -> 02:00 CET (01:00Z); 02:00-02:59 happens twice.
  ExpectFires("0 30 2 * * ?", "2026-10-24T00:00:00Z", "Europe/Berlin",
              {"2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"});
  ExpectFires("0 30 1 * * ?", "2026-10-24T00:00:00Z", "Europe/Berlin",
              {"2026-10-24T23:30:00Z", "2026-10-26T00:30:00Z", "2026-10-27T00:30:00Z"});
  ExpectFires("0 0/15 * * * ?", "2026-10-24T23:50:00Z", "Europe/Berlin",
              {"2026-10-25T00:00:00Z", "2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z",
               "2026-10-25T00:45:00Z", "2026-10-25T02:00:00Z", "2026-10-25T02:15:00Z"});
}

TEST(QuartzCronTest, DaylightTimeRulesApplyBeyondTheZoneFileTable) {
  // 2050-03-13 is the second Sunday of March: only the TZif footer rule knows about it.
  ExpectFires("0 30 2 * * ?", "2050-03-12T12:00:00Z", "America/New_York",
              {"2050-03-13T07:00:00Z", "2050-03-14T06:30:00Z"});
}

TEST(QuartzCronTest, ManyConsecutiveCallsStayFast) {
  // An every-second schedule walked across a whole fall-back night, one call per fire.
  QuartzCron cron = MustParse("* * * * * ?");
  TimeZone ny = Zone("America/New_York");
  int64_t t = Ms("2026-11-01T04:00:00Z");
  int fires = 0;
  while (t < Ms("2026-11-01T08:00:00Z")) {
    std::optional<int64_t> next = cron.NextAfter(t, ny);
    ASSERT_TRUE(next.has_value());
    ASSERT_GT(*next, t);
    t = *next;
    ++fires;
  }
  // Four hours of seconds, less the repeated hour.
  EXPECT_EQ(fires, 3 * 3600);
}

// ---------------------------------------------------------------------------------------------
// Parse errors.

void ExpectError(const char* expression, const std::string& fragment) {
  Result<QuartzCron> cron = QuartzCron::Parse(expression);
  ASSERT_FALSE(cron.ok()) << "'" << expression << "' parsed";
  EXPECT_EQ(cron.status().code(), ErrorCode::kInvalidParameterValue) << expression;
  EXPECT_NE(cron.status().message().find(fragment), std::string::npos)
      << "'" << expression << "': " << cron.status().message();
}

TEST(QuartzCronTest, RejectsTheWrongNumberOfFields) {
  ExpectError("", "has 0 fields; Quartz needs 6 or 7");
  ExpectError("   ", "has 0 fields");
  ExpectError("* * * * *", "has 5 fields");
  ExpectError("0 0 0 * * ? 2030 1", "has 8 fields");
}

TEST(QuartzCronTest, ErrorsNameTheFieldAndItsRange) {
  ExpectError("0 0 25 * * ?", "cron field 3 (hours) '25': value out of range 0-23");
  ExpectError("60 0 0 * * ?", "cron field 1 (seconds) '60': value out of range 0-59");
  ExpectError("0 60 0 * * ?", "cron field 2 (minutes) '60'");
  ExpectError("0 0 0 32 * ?", "cron field 4 (day-of-month) '32': value out of range 1-31");
  ExpectError("0 0 0 0 * ?", "cron field 4 (day-of-month) '0'");
  ExpectError("0 0 0 ? 13 *", "cron field 5 (month) '13': value out of range 1-12 or JAN-DEC");
  ExpectError("0 0 0 ? FOO *", "cron field 5 (month) 'FOO': not a month");
  ExpectError("0 0 0 ? * 8", "cron field 6 (day-of-week) '8': value out of range 1-7");
  ExpectError("0 0 0 ? * 0", "cron field 6 (day-of-week) '0'");
  ExpectError("0 0 0 ? * FUN", "cron field 6 (day-of-week) 'FUN': not a day");
  ExpectError("0 0 0 * * ? 1969", "cron field 7 (year) '1969': value out of range 1970-2199");
  ExpectError("0 0 0 1,25,99 * ?", "cron field 4 (day-of-month) '99'");
}

TEST(QuartzCronTest, RejectsSettingBothOrNeitherDayField) {
  ExpectError("0 0 0 * * MON", "cron fields 4 (day-of-month) and 6 (day-of-week)");
  ExpectError("0 0 0 * * *", "got both set");
  ExpectError("0 0 0 ? * ?", "got both '?'");
  ExpectError("0 ? 0 * * ?", "cron field 2 (minutes) '?': '?' is allowed only in");
}

TEST(QuartzCronTest, RejectsBadSpecialCharacters) {
  ExpectError("0 0 0 ? * 6#6", "cron field 6 (day-of-week) '6#6': '#' must be followed by a week");
  ExpectError("0 0 0 ? * 6#0", "'#' must be followed by a week number between 1 and 5");
  ExpectError("0 0 0 ? * 6#", "'#' must be followed");
  ExpectError("0 0 0 ? * 9L", "cron field 6 (day-of-week) '9'");
  ExpectError("0 0 0 ? * 1-3L", "cannot be combined");
  ExpectError("0 0 0 L,5 * ?", "cron field 4 (day-of-month) 'L,5': 'L' and 'W' cannot be");
  ExpectError("0 0 0 W * ?", "cron field 4 (day-of-month) 'W'");
  ExpectError("0 0 0 32W * ?", "cron field 4 (day-of-month) '32'");
  ExpectError("0 0 0 L-31 * ?", "'L-n' needs an offset between 0 and 30");
  ExpectError("0 0 0 3L * ?", "cron field 4 (day-of-month) '3L'");
}

TEST(QuartzCronTest, RejectsGarbageHugeNumbersAndZeroSteps) {
  ExpectError("a b c d e f", "cron field 1 (seconds) 'a': not a number");
  ExpectError("99999999999999999999999 0 0 * * ?",
              "cron field 1 (seconds) '99999999999999999999999': value out of range 0-59");
  ExpectError("0 0 0 * * ? 99999999999", "cron field 7 (year)");
  ExpectError("0/0 * * * * ?", "cron field 1 (seconds) '0/0': step must be between 1 and 60");
  ExpectError("0/99999999999999 * * * * ?", "step must be between 1 and 60");
  ExpectError("0/x * * * * ?", "the step after '/' must be a number");
  ExpectError("0/ * * * * ?", "a step is missing");
  ExpectError("1-/2 * * * * ?", "cron field 1 (seconds)");
  ExpectError("-1 * * * * ?", "cron field 1 (seconds)");
  ExpectError("1,,2 * * * * ?", "empty list item");
  ExpectError("1-2-3 * * * * ?", "cron field 1 (seconds)");
  ExpectError(std::string(2000, '1').c_str(), "longer than 1024 bytes");
}

TEST(QuartzCronTest, AcceptsTheWholeSyntax) {
  for (const char* ok : {"0 0 12 * * ?",
                         "0 15 10 ? * *",
                         "0 15 10 * * ? 2026",
                         "0 * 14 * * ?",
                         "0 0/5 14 * * ?",
                         "0 0/5 14,18 * * ?",
                         "0 0-5 14 * * ?",
                         "0 10,44 14 ? 3 WED",
                         "0 15 10 ? * MON-FRI",
                         "0 15 10 15 * ?",
                         "0 15 10 L * ?",
                         "0 15 10 L-2 * ?",
                         "0 15 10 ? * 6L",
                         "0 15 10 ? * 6L 2026-2028",
                         "0 15 10 ? * 6#3",
                         "0 0 12 1/5 * ?",
                         "0 11 11 11 11 ?",
                         "0 0 0 LW * ?",
                         "0 0 0 15W * ?",
                         "*/5 * * * * ?",
                         "/5 * * * * ?",
                         "0 0 0 ? * L",
                         "0 0 0 ? * FRIL",
                         "0 0 0 ? * fri#2",
                         "0 0 0 lw * ?",
                         "\t0  0 0 * * ?\n",
                         "0 0 0 1-31/2 JAN-DEC/3 ? */2",
                         "59 59 23 31 12 ? 2199"}) {
    Result<QuartzCron> cron = QuartzCron::Parse(ok);
    EXPECT_TRUE(cron.ok()) << "'" << ok << "': " << cron.status().ToString();
    if (cron.ok()) {
      EXPECT_EQ(cron->expression(), ok);
    }
  }
}

TEST(QuartzCronTest, RandomInputNeverCrashes) {
  // Each field is either a valid value for its position or random grammar tokens, so that both
  // the error paths and the search over odd but valid expressions get exercised.
  const std::vector<std::vector<std::string>> valid = {
      {"0", "*/20", "5,10", "59"},      {"0", "*/15", "10-50/7", "59"},
      {"*", "22-2", "0/5", "3"},        {"?", "L", "LW", "15W", "31", "1/10", "L-30", "*"},
      {"*", "FEB", "2/5", "NOV-JAN"},   {"?", "6L", "1#5", "MON-FRI", "SAT,SUN", "*"},
      {"", "2026-2199/50", "2199", "*"}};
  const std::vector<std::string> pieces = {"0", "5", "59", "*",   "?",   "/",    "-",   ",",
                                           "L", "W", "#",  "MON", "JAN", "99",   "2",   "x",
                                           "1", "*", "*",  "?",   "L-3", "2030", "6#3", "15W"};
  std::mt19937 rng(42);
  TimeZone ny = Zone("America/New_York");
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string expression;
    for (size_t f = 0; f < valid.size(); ++f) {
      if (rng() % 4 != 0) {
        expression += valid[f][rng() % valid[f].size()];
      } else {
        int n = static_cast<int>(rng() % 4);
        for (int j = 0; j < n; ++j) expression += pieces[rng() % pieces.size()];
      }
      expression += ' ';
    }
    Result<QuartzCron> cron = QuartzCron::Parse(expression);
    if (!cron.ok()) {
      EXPECT_EQ(cron.status().code(), ErrorCode::kInvalidParameterValue);
      continue;
    }
    ++parsed;
    std::optional<int64_t> next = cron->NextAfter(Ms("2026-11-01T05:00:00Z"), ny);
    if (next) {
      EXPECT_GT(*next, Ms("2026-11-01T05:00:00Z"));
    }
  }
  EXPECT_GT(parsed, 500);
}

}  // namespace
}  // namespace keel::jobs
