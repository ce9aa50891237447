// TZif (RFC 8536) reader and the POSIX TZ rule of its footer.
//
// A zone is a sorted table of transitions (instant -> UTC offset) read from the file, followed
// by the footer's POSIX TZ rule, which gives the offsets for every instant after the last
// transition. "Slim" tzdata builds stop their tables at the last rule change (fat ones at
// 2037), so the rule is what answers for most future dates a scheduler asks about.

#include "jobs/schedule/time_zone.h"

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "common/fs/file_system.h"
#include "jobs/schedule/civil_time_internal.h"

namespace keel::jobs {

using civil::CivilFromDays;
using civil::DaysFromCivil;
using civil::DaysInMonth;
using civil::FloorDiv;
using civil::IsLeapYear;

namespace {

constexpr char kDefaultZoneinfoDir[] = "/usr/share/zoneinfo";
constexpr size_t kMaxZoneNameBytes = 255;
// The largest zone file in tzdata is under 4 KiB; anything far bigger is not a zone file.
constexpr uint64_t kMaxZoneFileBytes = 1 << 20;
constexpr uint32_t kMaxTransitions = 1 << 16;
constexpr uint32_t kMaxTypes = 256;  // RFC 8536: typecnt <= 256
constexpr uint32_t kMaxAbbreviationBytes = 1 << 12;
constexpr size_t kMaxFooterBytes = 256;
// RFC 8536 §3.2: utoff should be in [-89999, 93599] (-24:59:59 .. +25:59:59).
constexpr int32_t kMinUtOffset = -89999;
constexpr int32_t kMaxUtOffset = 93599;
// Rule times may range over -167..167 hours (RFC 8536 §3.3.1 extension of POSIX).
constexpr int32_t kMaxRuleHours = 167;
constexpr int64_t kSecondsPerDay = 86400;
// Instants and wall times are clamped to +-1e14 s (about three million years) so that calendar
// arithmetic can never overflow, whatever a caller passes.
constexpr int64_t kMaxSeconds = 100'000'000'000'000;
// A window wide enough to hold every instant whose wall time is a given local time: offsets
// never exceed 26 hours either way.
constexpr int64_t kSearchWindow = 2 * kSecondsPerDay;

int64_t YearOfDays(int64_t days) {
  days += 719468;
  const int64_t era = FloorDiv(days, 146097);
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (m <= 2);
}

// 0 = Sunday.
int WeekdayOfDays(int64_t days) { return static_cast<int>(((days + 4) % 7 + 7) % 7); }

int64_t Clamp(int64_t t) { return std::clamp(t, -kMaxSeconds, kMaxSeconds); }

// A zone name as it may appear in a message: printable ASCII only, and not too long.
std::string Quoted(std::string_view name) {
  std::string out = "'";
  for (size_t i = 0; i < name.size() && i < 64; ++i) {
    char c = name[i];
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (name.size() > 64) out += "...";
  return out + "'";
}

// ---------------------------------------------------------------------------------------------
// POSIX TZ rules ("EST5EDT,M3.2.0,M11.1.0", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0")

struct RuleDate {
  enum class Kind { kJulianNoLeap, kZeroBasedDay, kMonthWeekDay };
  Kind kind = Kind::kMonthWeekDay;
  int day = 0;              // Jn: 1..365; n: 0..365; Mm.w.d: d, 0 (Sunday)..6
  int month = 0;            // Mm.w.d: m, 1..12
  int week = 0;             // Mm.w.d: w, 1..5 (5 = the last)
  int32_t time = 2 * 3600;  // local seconds after midnight; may be negative or past 24h

  // Days since the epoch of the rule's date in `year`.
  int64_t Day(int64_t year) const {
    const int64_t jan1 = DaysFromCivil(year, 1, 1);
    switch (kind) {
      case Kind::kJulianNoLeap:
        // Jn never counts February 29: J60 is always March 1.
        return jan1 + day - 1 + ((IsLeapYear(year) && day >= 60) ? 1 : 0);
      case Kind::kZeroBasedDay:
        return jan1 + day;
      case Kind::kMonthWeekDay: {
        const int64_t first = DaysFromCivil(year, month, 1);
        int64_t d = first + (day - WeekdayOfDays(first) + 7) % 7 + 7 * (week - 1);
        while (d >= first + DaysInMonth(year, month)) d -= 7;  // week 5: the last such day
        return d;
      }
    }
    return jan1;
  }
};

struct PosixRule {
  int32_t std_offset = 0;  // seconds east of UTC (POSIX writes them west; stored negated)
  bool has_dst = false;
  int32_t dst_offset = 0;
  RuleDate start;  // into DST, in standard local time
  RuleDate end;    // out of DST, in daylight local time

  struct Transition {
    int64_t at;
    int32_t offset;  // in effect from `at`
    bool dst;
  };

  void TransitionsOfYear(int64_t year, Transition out[2]) const {
    out[0] = {start.Day(year) * kSecondsPerDay + start.time - std_offset, dst_offset, true};
    out[1] = {end.Day(year) * kSecondsPerDay + end.time - dst_offset, std_offset, false};
  }

  int32_t OffsetAt(int64_t t) const {
    if (!has_dst) return std_offset;
    // The latest rule transition at or before t, looking a year either side: rule times may
    // stray up to a week past the year's end, and southern zones are in DST across New Year.
    const int64_t year = YearOfDays(FloorDiv(t + std_offset, kSecondsPerDay));
    std::optional<Transition> best;
    for (int64_t y = year - 2; y <= year + 1; ++y) {
      Transition tr[2];
      TransitionsOfYear(y, tr);
      for (const Transition& x : tr) {
        if (x.at > t) continue;
        // On a tie DST wins, so "EST5EDT,0/0,J365/25" is DST all year as RFC 8536 §3.3.1 says.
        if (!best || x.at > best->at || (x.at == best->at && x.dst)) best = x;
      }
    }
    return best ? best->offset : std_offset;
  }

  // Appends the rule's transition instants in (lo, hi].
  void TransitionsIn(int64_t lo, int64_t hi, std::vector<int64_t>* out) const {
    if (!has_dst || hi <= lo) return;
    const int64_t first = YearOfDays(FloorDiv(lo, kSecondsPerDay)) - 1;
    const int64_t last = YearOfDays(FloorDiv(hi, kSecondsPerDay)) + 1;
    for (int64_t y = first; y <= last; ++y) {
      Transition tr[2];
      TransitionsOfYear(y, tr);
      for (const Transition& x : tr) {
        if (x.at > lo && x.at <= hi) out->push_back(x.at);
      }
    }
  }
};

// A recursive-descent reader of one TZ string; every method returns false on bad input.
class PosixRuleParser {
 public:
  explicit PosixRuleParser(std::string_view s) : s_(s) {}

  bool Parse(PosixRule* rule) {
    if (!Name() || !Offset(/*max_hours=*/24, &rule->std_offset)) return false;
    rule->std_offset = -rule->std_offset;
    if (AtEnd()) return true;
    rule->has_dst = true;
    if (!Name()) return false;
    rule->dst_offset = rule->std_offset + 3600;
    if (!AtEnd() && Peek() != ',') {
      if (!Offset(/*max_hours=*/24, &rule->dst_offset)) return false;
      rule->dst_offset = -rule->dst_offset;
    }
    if (AtEnd()) {
      // POSIX leaves the rule to the implementation; like glibc and Go, use the US one.
      return PosixRuleParser("M3.2.0,M11.1.0").Dates(rule);
    }
    if (!Eat(',')) return false;
    return Dates(rule) && AtEnd();
  }

 private:
  bool Dates(PosixRule* rule) { return Date(&rule->start) && Eat(',') && Date(&rule->end); }

  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  static bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

  // "EST" or "<+0530>"; POSIX asks for at least three characters.
  bool Name() {
    size_t start = pos_;
    if (Eat('<')) {
      while (!AtEnd() && Peek() != '>') {
        char c = Peek();
        if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-') return false;
        ++pos_;
      }
      if (pos_ - start - 1 < 3) return false;
      return Eat('>');
    }
    while (IsAlpha(Peek())) ++pos_;
    return pos_ - start >= 3;
  }

  bool Number(int max, int* out) {
    if (!IsDigit(Peek())) return false;
    int v = 0;
    while (IsDigit(Peek())) {
      v = v * 10 + (s_[pos_++] - '0');
      if (v > max) return false;
    }
    *out = v;
    return true;
  }

  // [+-]hh[:mm[:ss]], as seconds (sign as written).
  bool Offset(int max_hours, int32_t* out) {
    int sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    int h = 0, m = 0, sec = 0;
    if (!Number(max_hours, &h)) return false;
    if (Eat(':')) {
      if (!Number(59, &m)) return false;
      if (Eat(':') && !Number(59, &sec)) return false;
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool Date(RuleDate* d) {
    if (Eat('J')) {
      d->kind = RuleDate::Kind::kJulianNoLeap;
      if (!Number(365, &d->day) || d->day < 1) return false;
    } else if (Eat('M')) {
      d->kind = RuleDate::Kind::kMonthWeekDay;
      if (!Number(12, &d->month) || d->month < 1 || !Eat('.')) return false;
      if (!Number(5, &d->week) || d->week < 1 || !Eat('.')) return false;
      if (!Number(6, &d->day)) return false;
    } else {
      d->kind = RuleDate::Kind::kZeroBasedDay;
      if (!Number(365, &d->day)) return false;
    }
    if (Eat('/')) return Offset(kMaxRuleHours, &d->time);
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// The parsed zone: a transition table and the rule that continues it.
struct ZoneTable {
  std::vector<int64_t> transition_times;  // strictly increasing
  std::vector<uint8_t> transition_types;  // index into offsets
  std::vector<int32_t> offsets;           // utoff of each local time type; never empty
  std::optional<PosixRule> rule;          // the footer, for instants after the last transition

  int32_t OffsetAt(int64_t t) const {
    t = Clamp(t);
    if (transition_times.empty()) return rule ? rule->OffsetAt(t) : offsets[0];
    // RFC 8536 §3.2: before the first transition, local time type 0 applies.
    if (t < transition_times.front()) return offsets[0];
    size_t i = std::upper_bound(transition_times.begin(), transition_times.end(), t) -
               transition_times.begin() - 1;
    if (i + 1 == transition_times.size() && rule) return rule->OffsetAt(t);
    return offsets[transition_types[i]];
  }

  // The instants in (lo, hi] at which the offset may change, in no particular order.
  std::vector<int64_t> TransitionsIn(int64_t lo, int64_t hi) const {
    std::vector<int64_t> out;
    auto it = std::upper_bound(transition_times.begin(), transition_times.end(), lo);
    for (; it != transition_times.end() && *it <= hi; ++it) out.push_back(*it);
    if (rule) {
      int64_t from = transition_times.empty() ? lo : std::max(lo, transition_times.back());
      rule->TransitionsIn(from, hi, &out);
    }
    return out;
  }
};

Status InvalidZoneName(std::string_view name, std::string_view why) {
  return Status::InvalidArgument("time zone " + Quoted(name) + " " + std::string(why) +
                                 "; use an IANA name such as 'America/New_York' or 'UTC'");
}

Status ValidateZoneName(std::string_view name) {
  if (name.empty()) return InvalidZoneName(name, "is empty");
  if (name.size() > kMaxZoneNameBytes) return InvalidZoneName(name, "is too long");
  if (name.front() == '/') return InvalidZoneName(name, "is a path, not a zone name");
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return InvalidZoneName(name, "has an empty, '.' or '..' path component");
    }
    start = end + 1;
  }
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '-' || c == '/';
    if (!ok) return InvalidZoneName(name, "contains a character other than A-Z a-z 0-9 _ + - /");
  }
  // Debian links these to the host's /etc/localtime and to another zone's rules: neither is a
  // zone a schedule should name.
  if (name == "localtime" || name == "posixrules") {
    return InvalidZoneName(name, "names the host's configuration, not a zone");
  }
  return Status::OK();
}

// Big-endian reads over a bounds-checked cursor; a read past the end marks the cursor failed.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  bool Has(uint64_t n) const { return pos_ <= data_.size() && n <= data_.size() - pos_; }
  size_t pos() const { return pos_; }
  void Skip(uint64_t n) { pos_ += static_cast<size_t>(n); }  // callers check Has(n) first
  uint8_t U8() { return static_cast<uint8_t>(data_[pos_++]); }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | U8();
    return v;
  }
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | U8();
    return v;
  }
  std::string_view Rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

struct TzifHeader {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

  // The size of the data block that follows, with `time_size`-byte transition times.
  uint64_t DataBytes(uint64_t time_size) const {
    return uint64_t{timecnt} * time_size + timecnt + uint64_t{typecnt} * 6 + charcnt +
           uint64_t{leapcnt} * (time_size + 4) + isstdcnt + isutcnt;
  }
};

class TzifParser {
 public:
  TzifParser(std::string_view name, std::string_view bytes) : name_(name), in_(bytes) {}

  Result<ZoneTable> Parse() {
    TzifHeader h;
    KEEL_RETURN_IF_ERROR(Header(&h));
    int time_size = 4;
    if (h.version >= '2') {
      // Skip the 32-bit block: the 64-bit one after the second header covers all of time.
      if (!in_.Has(h.DataBytes(4))) return Corrupt("truncated version 1 data");
      in_.Skip(h.DataBytes(4));
      KEEL_RETURN_IF_ERROR(Header(&h));
      time_size = 8;
    }
    ZoneTable table;
    KEEL_RETURN_IF_ERROR(Block(h, time_size, &table));
    if (h.version >= '2') KEEL_RETURN_IF_ERROR(Footer(&table));
    return table;
  }

 private:
  Status Corrupt(std::string_view why) const {
    return Status::InvalidArgument("time zone " + Quoted(name_) + ": the zone file is corrupt (" +
                                   std::string(why) + " at byte " + std::to_string(in_.pos()) +
                                   "); reinstall the tzdata package");
  }

  Status Header(TzifHeader* h) {
    if (!in_.Has(44)) return Corrupt("truncated header");
    if (in_.Rest().substr(0, 4) != "TZif") return Corrupt("not a TZif file");
    in_.Skip(4);
    h->version = static_cast<char>(in_.U8());
    if (h->version != 0 && (h->version < '2' || h->version > '9')) {
      return Corrupt("unknown version");
    }
    in_.Skip(15);
    h->isutcnt = in_.U32();
    h->isstdcnt = in_.U32();
    h->leapcnt = in_.U32();
    h->timecnt = in_.U32();
    h->typecnt = in_.U32();
    h->charcnt = in_.U32();
    if (h->typecnt == 0 || h->typecnt > kMaxTypes) return Corrupt("bad local time type count");
    if (h->timecnt > kMaxTransitions) return Corrupt("too many transitions");
    if (h->charcnt > kMaxAbbreviationBytes) return Corrupt("bad abbreviation size");
    if ((h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
        (h->isstdcnt != 0 && h->isstdcnt != h->typecnt)) {
      return Corrupt("bad indicator count");
    }
    // Leap-second ("right/") files count TAI-like seconds; schedules run on POSIX time.
    if (h->leapcnt != 0) {
      return Status::InvalidArgument("time zone " + Quoted(name_) +
                                     " uses leap seconds, which schedules do not support; use "
                                     "the zone without the 'right/' prefix");
    }
    return Status::OK();
  }

  Status Block(const TzifHeader& h, int time_size, ZoneTable* data) {
    if (!in_.Has(h.DataBytes(time_size))) return Corrupt("truncated data block");
    data->transition_times.reserve(h.timecnt);
    for (uint32_t i = 0; i < h.timecnt; ++i) {
      int64_t t = time_size == 8 ? static_cast<int64_t>(in_.U64())
                                 : static_cast<int64_t>(static_cast<int32_t>(in_.U32()));
      if (!data->transition_times.empty() && t <= data->transition_times.back()) {
        return Corrupt("transition times out of order");
      }
      data->transition_times.push_back(Clamp(t));
    }
    data->transition_types.reserve(h.timecnt);
    for (uint32_t i = 0; i < h.timecnt; ++i) {
      uint8_t type = in_.U8();
      if (type >= h.typecnt) return Corrupt("transition type out of range");
      data->transition_types.push_back(type);
    }
    for (uint32_t i = 0; i < h.typecnt; ++i) {
      int32_t utoff = static_cast<int32_t>(in_.U32());
      uint8_t isdst = in_.U8();
      uint8_t abbr = in_.U8();
      if (utoff < kMinUtOffset || utoff > kMaxUtOffset) return Corrupt("UTC offset out of range");
      if (isdst > 1) return Corrupt("bad DST flag");
      if (abbr >= h.charcnt) return Corrupt("abbreviation index out of range");
      data->offsets.push_back(utoff);
    }
    in_.Skip(h.charcnt + uint64_t{h.isstdcnt} + h.isutcnt);  // abbreviations, indicators
    return Status::OK();
  }

  Status Footer(ZoneTable* data) {
    std::string_view rest = in_.Rest();
    if (rest.empty() || rest[0] != '\n') return Corrupt("missing footer");
    size_t end = rest.find('\n', 1);
    if (end == std::string_view::npos || end - 1 > kMaxFooterBytes) return Corrupt("bad footer");
    std::string_view tz = rest.substr(1, end - 1);
    if (tz.empty()) return Status::OK();  // no rule: the last type lasts forever
    PosixRule rule;
    if (!PosixRuleParser(tz).Parse(&rule)) return Corrupt("bad TZ string in footer");
    if (rule.std_offset < kMinUtOffset || rule.std_offset > kMaxUtOffset ||
        rule.dst_offset < kMinUtOffset || rule.dst_offset > kMaxUtOffset) {
      return Corrupt("footer offset out of range");
    }
    data->rule = rule;
    return Status::OK();
  }

  std::string_view name_;
  Reader in_;
};

}  // namespace

struct TimeZone::Data : ZoneTable {
  explicit Data(ZoneTable table) : ZoneTable(std::move(table)) {}
};

Result<TimeZone> TimeZone::Load(std::string_view name) {
  // Zones are immutable once loaded, and the scheduler asks for the same few on every tick:
  // the system's zones are read once per process (as the C library does). Failures are not
  // cached, so a zone installed later is found.
  static std::mutex mu;
  static std::map<std::string, TimeZone, std::less<>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
  }
  KEEL_ASSIGN_OR_RETURN(TimeZone zone, LoadFrom(name, kDefaultZoneinfoDir));
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() < 1024) cache.emplace(std::string(name), zone);
  return zone;
}

Result<TimeZone> TimeZone::LoadFrom(std::string_view name, const std::string& zoneinfo_dir) {
  // Built in, so that the default zone works on hosts without tzdata.
  if (name == "UTC") return Utc();
  KEEL_RETURN_IF_ERROR(ValidateZoneName(name));
  auto file = FileSystem::Default()->OpenForRead(JoinPath(zoneinfo_dir, name));
  // Missing, a directory ("America") or unreadable: to the user it is an unknown zone, and
  // the message must not reveal the host's paths.
  if (!file.ok()) return InvalidZoneName(name, "is not a known zone");
  if ((*file)->size() > kMaxZoneFileBytes) return InvalidZoneName(name, "is not a zone file");
  std::string bytes;
  if (!(*file)->ReadAt(0, (*file)->size(), &bytes).ok()) {
    return InvalidZoneName(name, "could not be read");
  }
  KEEL_ASSIGN_OR_RETURN(ZoneTable table, TzifParser(name, bytes).Parse());
  TimeZone zone;
  zone.name_ = std::string(name);
  zone.data_ = std::make_shared<const Data>(std::move(table));
  return zone;
}

TimeZone TimeZone::Utc() {
  static const std::shared_ptr<const Data> kUtcData = [] {
    ZoneTable table;
    table.offsets.push_back(0);
    return std::make_shared<const Data>(std::move(table));
  }();
  TimeZone zone;
  zone.name_ = "UTC";
  zone.data_ = kUtcData;
  return zone;
}

int32_t TimeZone::OffsetAt(int64_t utc_seconds) const {
  return data_ ? data_->OffsetAt(utc_seconds) : 0;
}

std::vector<int64_t> TimeZone::ToUtc(int64_t local_seconds) const {
  if (local_seconds < -kMaxSeconds || local_seconds > kMaxSeconds) return {};
  if (!data_) return {local_seconds};
  // Every instant whose wall time is local_seconds lies within a day of it, so the offsets in
  // effect somewhere in that window are the only candidates; keep those that agree with
  // themselves (the instant local - offset really has that offset).
  const int64_t lo = local_seconds - kSearchWindow;
  std::vector<int32_t> offsets = {data_->OffsetAt(lo)};
  for (int64_t t : data_->TransitionsIn(lo, local_seconds + kSearchWindow)) {
    offsets.push_back(data_->OffsetAt(t));
  }
  std::sort(offsets.begin(), offsets.end());
  offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
  std::vector<int64_t> out;
  for (int32_t offset : offsets) {
    int64_t t = local_seconds - offset;
    if (data_->OffsetAt(t) == offset) out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int64_t TimeZone::ToUtcEarliestOrGapEnd(int64_t local_seconds) const {
  local_seconds = Clamp(local_seconds);
  std::vector<int64_t> instants = ToUtc(local_seconds);
  if (!instants.empty()) return instants.front();
  // In a gap: find the forward transition whose skipped wall times contain local_seconds.
  std::vector<int64_t> transitions =
      data_->TransitionsIn(local_seconds - kSearchWindow, local_seconds + kSearchWindow);
  std::sort(transitions.begin(), transitions.end());
  for (int64_t t : transitions) {
    const int64_t before = data_->OffsetAt(t - 1);
    const int64_t after = data_->OffsetAt(t);
    if (after > before && t + before <= local_seconds && local_seconds < t + after) return t;
  }
  // Two transitions in a row can make a gap no single one explains; the first instant whose
  // wall time is past local_seconds is then the end of the gap.
  for (int64_t t : transitions) {
    if (t + data_->OffsetAt(t) > local_seconds) return t;
  }
  return local_seconds - data_->OffsetAt(local_seconds);  // not reached with a sane table
}

}  // namespace keel::jobs
