// TimeZone over the system tz database and over hand-built TZif files. Expected offsets were
// computed independently with Python's zoneinfo and glibc's POSIX TZ support, not with this code.

#include "jobs/schedule/time_zone.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace keel::jobs {
namespace {

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ" (timegm: independent of the code under test).
int64_t Utc(const char* iso) {
  std::tm tm{};
  const char* end = strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
  EXPECT_TRUE(end != nullptr && *end == '\0') << iso;
  return static_cast<int64_t>(timegm(&tm));
}

// Wall-clock seconds of a local "YYYY-MM-DDTHH:MM:SS", counted as if it were UTC.
int64_t Local(const char* iso) { return Utc((std::string(iso) + "Z").c_str()); }

TimeZone MustLoad(const char* name) {
  Result<TimeZone> zone = TimeZone::Load(name);
  EXPECT_TRUE(zone.ok()) << name << ": " << zone.status().ToString();
  return zone.ok() ? *zone : TimeZone::Utc();
}

struct OffsetCase {
  const char* utc;
  int32_t offset;
};

void ExpectOffsets(const TimeZone& zone, const std::vector<OffsetCase>& cases) {
  for (const OffsetCase& c : cases) {
    EXPECT_EQ(zone.OffsetAt(Utc(c.utc)), c.offset) << zone.name() << " at " << c.utc;
  }
}

TEST(TimeZoneTest, UtcIsBuiltInAndNeedsNoZoneFile) {
  Result<TimeZone> zone = TimeZone::LoadFrom("UTC", "/nonexistent-zoneinfo");
  ASSERT_TRUE(zone.ok()) << zone.status().ToString();
  EXPECT_EQ(zone->name(), "UTC");
  EXPECT_EQ(zone->OffsetAt(Utc("2026-07-01T00:00:00Z")), 0);
  EXPECT_EQ(zone->ToUtc(12345), std::vector<int64_t>{12345});
  EXPECT_EQ(zone->ToLocal(12345), 12345);
  EXPECT_EQ(TimeZone::Utc().OffsetAt(0), 0);
}

TEST(TimeZoneTest, BerlinIsOneHourAheadInWinterAndTwoInSummer) {
  ExpectOffsets(MustLoad("Europe/Berlin"), {{"2026-01-15T12:00:00Z", 3600},
                                            {"2026-07-15T12:00:00Z", 7200},
                                            {"2026-03-29T00:59:59Z", 3600},
                                            {"2026-03-29T01:00:00Z", 7200},
                                            {"2026-10-25T00:59:59Z", 7200},
                                            {"2026-10-25T01:00:00Z", 3600}});
}

TEST(TimeZoneTest, NewYorkSwitchesOnTheSecondSundayOfMarchAndFirstOfNovember) {
  ExpectOffsets(MustLoad("America/New_York"), {{"2026-01-15T12:00:00Z", -18000},
                                               {"2026-07-15T12:00:00Z", -14400},
                                               {"2026-03-08T06:59:59Z", -18000},
                                               {"2026-03-08T07:00:00Z", -14400},
                                               {"2026-11-01T05:59:59Z", -14400},
                                               {"2026-11-01T06:00:00Z", -18000}});
}

TEST(TimeZoneTest, SydneyKeepsDaylightTimeDuringTheSouthernSummer) {
  ExpectOffsets(MustLoad("Australia/Sydney"), {{"2026-01-15T00:00:00Z", 39600},
                                               {"2026-07-15T00:00:00Z", 36000},
                                               {"2026-04-04T15:59:59Z", 39600},
                                               {"2026-04-04T16:00:00Z", 36000},
                                               {"2026-10-03T15:59:59Z", 36000},
                                               {"2026-10-03T16:00:00Z", 39600},
                                               {"2045-01-01T00:00:00Z", 39600},
                                               {"2045-06-01T00:00:00Z", 36000}});
}

TEST(TimeZoneTest, KolkataIsFiveAndAHalfHoursAheadAllYear) {
  ExpectOffsets(MustLoad("Asia/Kolkata"), {{"2026-01-15T00:00:00Z", 19800},
                                           {"2026-07-15T00:00:00Z", 19800},
                                           {"2090-01-01T00:00:00Z", 19800}});
  EXPECT_EQ(MustLoad("Asia/Kolkata").ToUtc(Local("2026-05-01T09:00:00")),
            std::vector<int64_t>{Utc("2026-05-01T03:30:00Z")});
}

TEST(TimeZoneTest, DatesPastTheTransitionTableFollowTheFooterRule) {
  ExpectOffsets(MustLoad("America/New_York"), {{"2050-03-13T06:59:59Z", -18000},
                                               {"2050-03-13T07:00:00Z", -14400},
                                               {"2050-11-06T05:59:59Z", -14400},
                                               {"2050-11-06T06:00:00Z", -18000}});
  ExpectOffsets(MustLoad("Europe/Berlin"),
                {{"2061-07-01T00:00:00Z", 7200}, {"2099-12-01T00:00:00Z", 3600}});
}

TEST(TimeZoneTest, ASpringForwardGapHasNoInstantAndEndsAtTheTransition) {
  TimeZone ny = MustLoad("America/New_York");
  EXPECT_TRUE(ny.ToUtc(Local("2026-03-08T02:30:00")).empty());
  EXPECT_TRUE(ny.ToUtc(Local("2026-03-08T02:00:00")).empty());
  EXPECT_EQ(ny.ToUtc(Local("2026-03-08T01:59:59")),
            std::vector<int64_t>{Utc("2026-03-08T06:59:59Z")});
  EXPECT_EQ(ny.ToUtc(Local("2026-03-08T03:00:00")),
            std::vector<int64_t>{Utc("2026-03-08T07:00:00Z")});
  EXPECT_EQ(ny.ToUtcEarliestOrGapEnd(Local("2026-03-08T02:30:00")), Utc("2026-03-08T07:00:00Z"));

  TimeZone berlin = MustLoad("Europe/Berlin");
  EXPECT_TRUE(berlin.ToUtc(Local("2026-03-29T02:30:00")).empty());
  EXPECT_EQ(berlin.ToUtcEarliestOrGapEnd(Local("2026-03-29T02:30:00")),
            Utc("2026-03-29T01:00:00Z"));
}

TEST(TimeZoneTest, AFallBackOverlapHasTwoInstantsEarlierFirst) {
  TimeZone ny = MustLoad("America/New_York");
  EXPECT_EQ(ny.ToUtc(Local("2026-11-01T01:30:00")),
            (std::vector<int64_t>{Utc("2026-11-01T05:30:00Z"), Utc("2026-11-01T06:30:00Z")}));
  EXPECT_EQ(ny.ToUtcEarliestOrGapEnd(Local("2026-11-01T01:30:00")), Utc("2026-11-01T05:30:00Z"));
  EXPECT_EQ(ny.ToUtc(Local("2026-11-01T02:00:00")),
            std::vector<int64_t>{Utc("2026-11-01T07:00:00Z")});

  TimeZone berlin = MustLoad("Europe/Berlin");
  EXPECT_EQ(berlin.ToUtc(Local("2026-10-25T02:30:00")),
            (std::vector<int64_t>{Utc("2026-10-25T00:30:00Z"), Utc("2026-10-25T01:30:00Z")}));

  // Far in the future, where only the footer rule knows the dates.
  EXPECT_EQ(ny.ToUtc(Local("2050-11-06T01:30:00")),
            (std::vector<int64_t>{Utc("2050-11-06T05:30:00Z"), Utc("2050-11-06T06:30:00Z")}));
  EXPECT_TRUE(ny.ToUtc(Local("2050-03-13T02:30:00")).empty());
}

TEST(TimeZoneTest, ToLocalAndToUtcRoundTripOutsideTransitions) {
  TimeZone sydney = MustLoad("Australia/Sydney");
  for (int64_t t = Utc("2026-01-01T00:00:00Z"); t < Utc("2027-01-01T00:00:00Z"); t += 3 * 3601) {
    std::vector<int64_t> back = sydney.ToUtc(sydney.ToLocal(t));
    EXPECT_NE(std::find(back.begin(), back.end(), t), back.end()) << t;
  }
}

TEST(TimeZoneTest, ExtremeInstantsAndWallTimesNeverCrash) {
  TimeZone ny = MustLoad("America/New_York");
  for (int64_t t : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                    int64_t{0}, int64_t{-1}}) {
    (void)ny.OffsetAt(t);
    (void)ny.ToUtc(t);
    (void)ny.ToUtcEarliestOrGapEnd(t);
  }
  EXPECT_TRUE(ny.ToUtc(std::numeric_limits<int64_t>::max()).empty());
}

TEST(TimeZoneTest, RejectsNamesThatAreNotZoneNamesBeforeOpeningAnything) {
  for (const char* name : {"../etc/passwd", "/etc/localtime", "Nope/Zone", "", "Europe/../UTC",
                           "Europe//Berlin", "Europe/Berlin/", "Europe/Ber lin", "Europe/Berlin\n",
                           "America", "localtime", "posixrules", "zone.tab"}) {
    Result<TimeZone> zone = TimeZone::Load(name);
    ASSERT_FALSE(zone.ok()) << name;
    EXPECT_EQ(zone.status().code(), ErrorCode::kInvalidParameterValue) << name;
    EXPECT_NE(zone.status().message().find("time zone"), std::string::npos) << name;
    EXPECT_EQ(zone.status().message().find("/usr/share"), std::string::npos) << name;
  }
  EXPECT_NE(TimeZone::Load("Nope/Zone").status().message().find("'Nope/Zone'"), std::string::npos);
  EXPECT_FALSE(TimeZone::Load(std::string(300, 'A')).ok());
}

TEST(TimeZoneTest, LoadsEveryZoneListedInTheSystemDatabase) {
  std::ifstream tab("/usr/share/zoneinfo/tzdata.zi");
  if (!tab) GTEST_SKIP() << "tzdata.zi not installed";
  int loaded = 0;
  std::string line;
  while (std::getline(tab, line)) {
    // "Z Europe/Berlin ..." declares a zone, "L target Alias/Name" a link.
    std::string name;
    if (line.rfind("Z ", 0) == 0) name = line.substr(2, line.find(' ', 2) - 2);
    if (line.rfind("L ", 0) == 0) name = line.substr(line.rfind(' ') + 1);
    if (name.empty()) continue;
    Result<TimeZone> zone = TimeZone::Load(name);
    EXPECT_TRUE(zone.ok()) << name << ": " << zone.status().ToString();
    ++loaded;
  }
  EXPECT_GT(loaded, 300);
}

// ---------------------------------------------------------------------------------------------
// Hand-built TZif files.

class TzifFileTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "keel_tz_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& bytes) {
    std::filesystem::path path = std::filesystem::path(dir_) / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }

  Result<TimeZone> Load(const std::string& name) { return TimeZone::LoadFrom(name, dir_); }

  std::string dir_;
};

void PutU32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}
void PutU64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

struct TzifSpec {
  char version = '2';
  std::vector<int64_t> times;
  std::vector<uint8_t> types;    // per transition
  std::vector<int32_t> offsets;  // per local time type
  std::string footer;            // v2+ only
};

// RFC 8536 layout: header, data block (32-bit times); for v2+ a second header, data block with
// 64-bit times and the footer.
std::string BuildTzif(const TzifSpec& spec) {
  std::string out;
  auto block = [&](int time_size) {
    out += "TZif";
    out.push_back(spec.version);
    out.append(15, '\0');
    PutU32(&out, 0);  // isutcnt
    PutU32(&out, 0);  // isstdcnt
    PutU32(&out, 0);  // leapcnt
    PutU32(&out, static_cast<uint32_t>(spec.times.size()));
    PutU32(&out, static_cast<uint32_t>(spec.offsets.size()));
    PutU32(&out, 4);  // charcnt
    for (int64_t t : spec.times) {
      if (time_size == 8) {
        PutU64(&out, static_cast<uint64_t>(t));
      } else {
        PutU32(&out, static_cast<uint32_t>(static_cast<int32_t>(t)));
      }
    }
    for (uint8_t type : spec.types) out.push_back(static_cast<char>(type));
    for (int32_t offset : spec.offsets) {
      PutU32(&out, static_cast<uint32_t>(offset));
      out.push_back(0);  // isdst
      out.push_back(0);  // abbreviation index
    }
    out.append("XST\0", 4);
  };
  block(4);
  if (spec.version != 0) {
    block(8);
    out += "\n" + spec.footer + "\n";
  }
  return out;
}

std::string RuleOnlyTzif(const std::string& footer) {
  TzifSpec spec;
  spec.offsets = {0};
  spec.footer = footer;
  return BuildTzif(spec);
}

TEST_F(TzifFileTest, JulianDaysWithoutLeapDaysPutJ60OnMarchFirstEveryYear) {
  Write("Test/Julian", RuleOnlyTzif("XST-1XDT,J60/2,J300/3"));
  Result<TimeZone> zone = Load("Test/Julian");
  ASSERT_TRUE(zone.ok()) << zone.status().ToString();
  ExpectOffsets(*zone, {{"2027-03-01T00:59:59Z", 3600},
                        {"2027-03-01T01:00:00Z", 7200},
                        {"2028-02-29T12:00:00Z", 3600},
                        {"2028-03-01T00:59:59Z", 3600},
                        {"2028-03-01T01:00:00Z", 7200},
                        {"2027-10-27T00:59:59Z", 7200},
                        {"2027-10-27T01:00:00Z", 3600},
                        {"2028-10-27T00:59:59Z", 7200},
                        {"2028-10-27T01:00:00Z", 3600}});
}

TEST_F(TzifFileTest, ZeroBasedDaysCountTheLeapDay) {
  // Checked against glibc (Python's zoneinfo starts these rules a day early).
  Write("Test/ZeroBased", RuleOnlyTzif("XST-1XDT,59/2,299/3"));
  Result<TimeZone> zone = Load("Test/ZeroBased");
  ASSERT_TRUE(zone.ok()) << zone.status().ToString();
  ExpectOffsets(*zone, {{"2027-03-01T00:59:59Z", 3600},
                        {"2027-03-01T01:00:00Z", 7200},
                        {"2028-02-29T00:59:59Z", 3600},
                        {"2028-02-29T01:00:00Z", 7200},
                        {"2027-10-27T00:59:59Z", 7200},
                        {"2027-10-27T01:00:00Z", 3600},
                        {"2028-10-26T00:59:59Z", 7200},
                        {"2028-10-26T01:00:00Z", 3600}});
}

TEST_F(TzifFileTest, RuleTimesMayBeNegativeOrPastMidnight) {
  Write("Test/Negative", RuleOnlyTzif("<-02>2<-01>,M3.5.0/-1,M10.5.0/0"));
  Write("Test/Late", RuleOnlyTzif("<-04>4<-03>,M9.1.6/24,M4.1.6/24"));
  Result<TimeZone> negative = Load("Test/Negative");
  Result<TimeZone> late = Load("Test/Late");
  ASSERT_TRUE(negative.ok()) << negative.status().ToString();
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  ExpectOffsets(*negative, {{"2027-03-28T00:59:59Z", -7200},
                            {"2027-03-28T01:00:00Z", -3600},
                            {"2027-10-31T00:59:59Z", -3600},
                            {"2027-10-31T01:00:00Z", -7200}});
  ExpectOffsets(*late, {{"2027-01-15T00:00:00Z", -10800},
                        {"2027-07-15T00:00:00Z", -14400},
                        {"2027-04-04T02:59:59Z", -10800},
                        {"2027-04-04T03:00:00Z", -14400},
                        {"2027-09-05T03:59:59Z", -14400},
                        {"2027-09-05T04:00:00Z", -10800}});
}

TEST_F(TzifFileTest, ARuleFromJanuaryFirstToPastDecember31IsDaylightTimeAllYear) {
  // RFC 8536 §3.3.1's example.
  Write("Test/AllYear", RuleOnlyTzif("EST5EDT4,0/0,J365/25"));
  Result<TimeZone> zone = Load("Test/AllYear");
  ASSERT_TRUE(zone.ok()) << zone.status().ToString();
  ExpectOffsets(*zone, {{"2027-01-01T00:00:00Z", -14400},
                        {"2027-01-01T05:00:00Z", -14400},
                        {"2027-07-01T00:00:00Z", -14400},
                        {"2027-12-31T23:59:59Z", -14400}});
}

TEST_F(TzifFileTest, AVersionOneFileUsesItsThirtyTwoBitTable) {
  TzifSpec spec;
  spec.version = 0;
  spec.times = {1000000000};
  spec.types = {1};
  spec.offsets = {0, 3600};
  Write("Test/V1", BuildTzif(spec));
  Result<TimeZone> zone = Load("Test/V1");
  ASSERT_TRUE(zone.ok()) << zone.status().ToString();
  EXPECT_EQ(zone->OffsetAt(999999999), 0);
  EXPECT_EQ(zone->OffsetAt(1000000000), 3600);
  EXPECT_EQ(zone->OffsetAt(Utc("2100-01-01T00:00:00Z")), 3600);
}

TEST_F(TzifFileTest, CorruptFilesAreInvalidParametersWithoutThePath) {
  TzifSpec bad_type;
  bad_type.times = {0};
  bad_type.types = {5};
  bad_type.offsets = {0};
  TzifSpec unordered;
  unordered.times = {100, 50};
  unordered.types = {0, 0};
  unordered.offsets = {0};
  TzifSpec huge_offset;
  huge_offset.offsets = {200000};
  std::string real;
  {
    std::ifstream in("/usr/share/zoneinfo/America/New_York", std::ios::binary);
    real.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::string no_footer = RuleOnlyTzif("UTC0");
  no_footer.resize(no_footer.size() - 6);
  const std::vector<std::pair<std::string, std::string>> files = {
      {"Bad/Empty", ""},
      {"Bad/Text", "this is not a zone file at all, but long enough to hold a header......"},
      {"Bad/Truncated", real.substr(0, 200)},
      {"Bad/TruncatedFooter", real.substr(0, real.size() - 5)},
      {"Bad/NoFooter", no_footer},
      {"Bad/Footer", RuleOnlyTzif("XST-1XDT,M13.1.0,M10.5.0")},
      {"Bad/FooterJunk", RuleOnlyTzif("UTC0 trailing")},
      {"Bad/TypeIndex", BuildTzif(bad_type)},
      {"Bad/Unordered", BuildTzif(unordered)},
      {"Bad/Offset", BuildTzif(huge_offset)},
  };
  for (const auto& [name, bytes] : files) {
    Write(name, bytes);
    Result<TimeZone> zone = Load(name);
    ASSERT_FALSE(zone.ok()) << name;
    EXPECT_EQ(zone.status().code(), ErrorCode::kInvalidParameterValue) << name;
    EXPECT_NE(zone.status().message().find("'" + name + "'"), std::string::npos)
        << zone.status().message();
    EXPECT_EQ(zone.status().message().find(dir_), std::string::npos) << zone.status().message();
  }
  // The real file, intact, still loads from the same directory.
  Write("Good/NewYork", real);
  EXPECT_TRUE(Load("Good/NewYork").ok());
}

TEST_F(TzifFileTest, EveryTruncationOfARealFileFailsCleanly) {
  std::ifstream in("/usr/share/zoneinfo/Europe/Berlin", std::ios::binary);
  std::string real((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(real.size(), 100u);
  for (size_t n = 0; n + 1 < real.size(); n += 7) {
    Write("Cut/Zone", real.substr(0, n));
    EXPECT_FALSE(Load("Cut/Zone").ok()) << n;
  }
}

}  // namespace
}  // namespace keel::jobs
