// Quartz cron expressions: parsing into per-field value sets, and the search for the next fire
// time, which walks wall-clock time field by field (year, month, day, hour, minute, second) and
// only then maps the wall time to an instant through the zone.

#include "jobs/schedule/quartz_cron.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "jobs/schedule/civil_time_internal.h"

namespace keel::jobs {

using civil::CivilFromDays;
using civil::DaysFromCivil;
using civil::DaysInMonth;
using civil::FloorDiv;
using civil::IsLeapYear;

namespace {

constexpr size_t kMaxExpressionBytes = 1024;
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2199;
// A search gives up after this many candidate years (years the year field allows) without a
// match. Nine covers February 29 across 2100, which is not a leap year.
constexpr int kMaxSearchYears = 10;
// Upper bound on wall times tried by one NextAfter; only the second occurrence of a fall-back
// hour skips any (at most 3600 for an every-second schedule).
constexpr int kMaxCandidates = 100000;
constexpr int64_t kSecondsPerDay = 86400;
// Searches start no earlier than 1900-01-01T00:00Z, so that an extreme `after` cannot overflow.
constexpr int64_t kMinSearchSeconds = -2208988800;

enum Field { kSeconds = 0, kMinutes, kHours, kDayOfMonth, kMonth, kDayOfWeek, kYear, kFieldCount };

struct FieldInfo {
  const char* name;
  int min;
  int max;
};
constexpr std::array<FieldInfo, kFieldCount> kFields = {{{"seconds", 0, 59},
                                                         {"minutes", 0, 59},
                                                         {"hours", 0, 23},
                                                         {"day-of-month", 1, 31},
                                                         {"month", 1, 12},
                                                         {"day-of-week", 1, 7},
                                                         {"year", kMinYear, kMaxYear}}};

constexpr std::array<const char*, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 7> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// Quartz numbering: 1 = Sunday ... 7 = Saturday.
int QuartzWeekday(int64_t y, int m, int d) {
  return static_cast<int>(((DaysFromCivil(y, m, d) + 4) % 7 + 7) % 7) + 1;
}

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The values one field allows, as a bitmap over [min, max].
class ValueSet {
 public:
  ValueSet() = default;
  ValueSet(int min, int max) : min_(min), bits_(static_cast<size_t>(max - min + 1), false) {}

  void Add(int v) { bits_[static_cast<size_t>(v - min_)] = true; }
  bool Has(int v) const { return v >= min_ && v <= max() && bits_[static_cast<size_t>(v - min_)]; }
  // The smallest allowed value >= from, or -1.
  int Next(int from) const {
    for (int v = std::max(from, min_); v <= max(); ++v) {
      if (bits_[static_cast<size_t>(v - min_)]) return v;
    }
    return -1;
  }

 private:
  int max() const { return min_ + static_cast<int>(bits_.size()) - 1; }
  int min_ = 0;
  std::vector<bool> bits_;
};

// The parsed expression.
struct CronFields {
  std::array<ValueSet, kFieldCount> sets;

  // Which of the two day fields is in charge; the other one is '?'.
  bool by_day_of_week = false;
  enum class DayOfMonthKind { kSet, kLastDay, kLastWeekday, kNearestWeekday };
  DayOfMonthKind dom_kind = DayOfMonthKind::kSet;
  int dom_value = 0;  // kLastDay: days before the last ("L-3" -> 3); kNearestWeekday: the day
  enum class DayOfWeekKind { kSet, kLast, kNth };
  DayOfWeekKind dow_kind = DayOfWeekKind::kSet;
  int dow_value = 0;  // kLast, kNth: the weekday, 1..7
  int dow_nth = 0;    // kNth: 1..5

  // The first day >= `from` of month `m` of year `y` the day fields allow, or -1.
  int NextDay(int64_t y, int m, int from) const {
    const int last = DaysInMonth(y, m);
    if (from > last) return -1;
    int only = -1;  // the one day the special forms pick
    if (!by_day_of_week) {
      switch (dom_kind) {
        case DayOfMonthKind::kSet:
          for (int d = from; d <= last; ++d) {
            if (sets[kDayOfMonth].Has(d)) return d;
          }
          return -1;
        case DayOfMonthKind::kLastDay:
          only = last - dom_value;
          break;
        case DayOfMonthKind::kLastWeekday: {
          const int wd = QuartzWeekday(y, m, last);
          only = wd == 7 ? last - 1 : wd == 1 ? last - 2 : last;
          break;
        }
        case DayOfMonthKind::kNearestWeekday: {
          // The weekday nearest to the day, without leaving the month (Quartz): "1W" on a
          // Saturday is Monday the 3rd, "31W" on a Sunday is Friday the 29th. A month without
          // the day has no fire.
          const int day = dom_value;
          if (day > last) return -1;
          const int wd = QuartzWeekday(y, m, day);
          only = day;
          if (wd == 7) only = day == 1 ? 3 : day - 1;
          if (wd == 1) only = day == last ? day - 2 : day + 1;
          break;
        }
      }
    } else {
      switch (dow_kind) {
        case DayOfWeekKind::kSet: {
          int wd = QuartzWeekday(y, m, from);
          for (int d = from; d <= last; ++d, wd = wd % 7 + 1) {
            if (sets[kDayOfWeek].Has(wd)) return d;
          }
          return -1;
        }
        case DayOfWeekKind::kLast: {
          const int wd = QuartzWeekday(y, m, last);
          only = last - (wd - dow_value + 7) % 7;
          break;
        }
        case DayOfWeekKind::kNth: {
          const int wd = QuartzWeekday(y, m, 1);
          only = 1 + (dow_value - wd + 7) % 7 + 7 * (dow_nth - 1);
          break;
        }
      }
    }
    return (only >= from && only >= 1 && only <= last) ? only : -1;
  }
};

using Fields = CronFields;

class FieldParser {
 public:
  FieldParser(Field field, std::string_view text) : field_(field), text_(text) {}

  Status Parse(Fields* f) {
    const FieldInfo& info = kFields[field_];
    f->sets[field_] = ValueSet(info.min, info.max);
    if (text_ == "?") {
      if (field_ != kDayOfMonth && field_ != kDayOfWeek) {
        return Error(text_, "'?' is allowed only in day-of-month and day-of-week");
      }
      return Status::OK();  // the caller checks that the other day field is set
    }
    if (field_ == kDayOfMonth) {
      Result<bool> special = DayOfMonthSpecial(f);
      if (!special.ok() || *special) return special.status();
    }
    if (field_ == kDayOfWeek) {
      Result<bool> special = DayOfWeekSpecial(f);
      if (!special.ok() || *special) return special.status();
    }
    size_t start = 0;
    while (true) {
      size_t comma = text_.find(',', start);
      std::string_view item = text_.substr(
          start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      KEEL_RETURN_IF_ERROR(Item(item, &f->sets[field_]));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    return Status::OK();
  }

 private:
  Status Error(std::string_view what, std::string_view why) const {
    std::string shown;
    for (size_t i = 0; i < what.size() && i < 32; ++i) {
      char c = what[i];
      shown += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    if (what.size() > 32) shown += "...";
    return Status::InvalidArgument("cron field " + std::to_string(field_ + 1) + " (" +
                                   kFields[field_].name + ") '" + shown + "': " + std::string(why));
  }

  std::string RangeText() const {
    const FieldInfo& info = kFields[field_];
    std::string out = std::to_string(info.min) + "-" + std::to_string(info.max);
    if (field_ == kMonth) out += " or JAN-DEC";
    if (field_ == kDayOfWeek) out += " (1 = Sunday) or SUN-SAT";
    return out;
  }

  // A number, or a month or day name in those fields. Names are matched case-insensitively.
  Status Value(std::string_view s, int* out) const {
    if (s.empty()) return Error(text_, "a value is missing");
    if (IsDigit(s[0])) {
      int v = 0;
      for (char c : s) {
        if (!IsDigit(c)) return Error(s, "not a number");
        v = v * 10 + (c - '0');
        if (v > kFields[field_].max) return Error(s, "value out of range " + RangeText());
      }
      if (v < kFields[field_].min) return Error(s, "value out of range " + RangeText());
      *out = v;
      return Status::OK();
    }
    if (s.size() == 3 && (field_ == kMonth || field_ == kDayOfWeek)) {
      std::string upper = {Upper(s[0]), Upper(s[1]), Upper(s[2])};
      const auto* names = field_ == kMonth ? kMonthNames.data() : kDayNames.data();
      const size_t count = field_ == kMonth ? kMonthNames.size() : kDayNames.size();
      for (size_t i = 0; i < count; ++i) {
        if (upper == names[i]) {
          *out = static_cast<int>(i) + 1;
          return Status::OK();
        }
      }
    }
    if (field_ == kMonth) return Error(s, "not a month; use 1-12 or JAN-DEC");
    if (field_ == kDayOfWeek) return Error(s, "not a day; use 1-7 (1 = Sunday) or SUN-SAT");
    return Error(s, "not a number");
  }

  // `*`, `a`, `a-b`, each optionally `/step`, and `/step` alone (Quartz reads it as `*/step`).
  Status Item(std::string_view item, ValueSet* set) const {
    const FieldInfo& info = kFields[field_];
    const int size = info.max - info.min + 1;
    if (item.empty()) return Error(text_, "empty list item");
    if (item == "?") return Error(text_, "'?' must be the whole field");
    std::string_view range = item;
    int step = 1;
    bool has_step = false;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      range = item.substr(0, slash);
      std::string_view step_text = item.substr(slash + 1);
      if (step_text.empty()) return Error(item, "a step is missing after '/'");
      for (char c : step_text) {
        if (!IsDigit(c)) return Error(item, "the step after '/' must be a number");
      }
      step = 0;
      for (char c : step_text) {
        step = step * 10 + (c - '0');
        if (step > size) break;
      }
      if (step < 1 || step > size) {
        return Error(item, "step must be between 1 and " + std::to_string(size));
      }
      has_step = true;
    }
    int first = info.min;
    int last = info.max;
    if (range.empty() || range == "*") {
      if (range.empty() && !has_step) return Error(item, "a value is missing");
    } else if (size_t dash = range.find('-'); dash != std::string_view::npos) {
      KEEL_RETURN_IF_ERROR(Value(range.substr(0, dash), &first));
      KEEL_RETURN_IF_ERROR(Value(range.substr(dash + 1), &last));
    } else {
      KEEL_RETURN_IF_ERROR(Value(range, &first));
      // "a/n" runs from a to the end of the range; a plain "a" is just a.
      last = has_step ? info.max : first;
    }
    // A range may wrap past the end ("22-2" in hours, "FRI-MON"), as Quartz allows.
    const int span = (last - first + size) % size;
    for (int k = 0; k <= span; k += step) set->Add(info.min + (first - info.min + k) % size);
    return Status::OK();
  }

  // "L", "L-n", "LW", "nW". Returns true when the field was one of them.
  Result<bool> DayOfMonthSpecial(Fields* f) const {
    const bool has_l = text_.find_first_of("Ll") != std::string_view::npos;
    const bool has_w = text_.find_first_of("Ww") != std::string_view::npos;
    if (!has_l && !has_w) return false;
    if (text_.find_first_of(",/") != std::string_view::npos) {
      return Error(text_, "'L' and 'W' cannot be combined with lists or steps");
    }
    const std::string upper = Uppercase(text_);
    if (upper == "L" || upper == "LW") {
      f->dom_kind =
          upper == "L" ? Fields::DayOfMonthKind::kLastDay : Fields::DayOfMonthKind::kLastWeekday;
      return true;
    }
    if (upper.rfind("L-", 0) == 0) {
      int offset = 0;
      std::string_view digits = std::string_view(upper).substr(2);
      if (digits.empty() || digits.size() > 2) {
        return Error(text_, "'L-n' needs an offset between 0 and 30");
      }
      for (char c : digits) {
        if (!IsDigit(c)) return Error(text_, "'L-n' needs an offset between 0 and 30");
        offset = offset * 10 + (c - '0');
      }
      if (offset > 30) return Error(text_, "'L-n' needs an offset between 0 and 30");
      f->dom_kind = Fields::DayOfMonthKind::kLastDay;
      f->dom_value = offset;
      return true;
    }
    if (upper.size() >= 2 && upper.back() == 'W' && !has_l) {
      int day = 0;
      KEEL_RETURN_IF_ERROR(Value(std::string_view(upper).substr(0, upper.size() - 1), &day));
      f->dom_kind = Fields::DayOfMonthKind::kNearestWeekday;
      f->dom_value = day;
      return true;
    }
    return Error(text_, "use 'L', 'L-n', 'LW' or 'nW' (e.g. '15W')");
  }

  // "L" (Saturday, as Quartz), "dL" (last d of the month), "d#n" (n-th d). True when one of them.
  Result<bool> DayOfWeekSpecial(Fields* f) const {
    const std::string upper = Uppercase(text_);
    const size_t hash = upper.find('#');
    const bool last = upper.size() >= 2 && upper.back() == 'L';
    if (upper == "L") {
      f->sets[kDayOfWeek].Add(7);
      return true;
    }
    if (hash == std::string::npos && !last) return false;
    if (upper.find_first_of(",/-") != std::string::npos) {
      return Error(text_, "'L' and '#' cannot be combined with lists, ranges or steps");
    }
    int day = 0;
    if (last) {
      KEEL_RETURN_IF_ERROR(Value(std::string_view(upper).substr(0, upper.size() - 1), &day));
      f->dow_kind = Fields::DayOfWeekKind::kLast;
      f->dow_value = day;
      return true;
    }
    KEEL_RETURN_IF_ERROR(Value(std::string_view(upper).substr(0, hash), &day));
    std::string_view nth = std::string_view(upper).substr(hash + 1);
    if (nth.size() != 1 || nth[0] < '1' || nth[0] > '5') {
      return Error(text_, "'#' must be followed by a week number between 1 and 5");
    }
    f->dow_kind = Fields::DayOfWeekKind::kNth;
    f->dow_value = day;
    f->dow_nth = nth[0] - '0';
    return true;
  }

  static std::string Uppercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = Upper(c);
    return out;
  }

  Field field_;
  std::string_view text_;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The smallest wall time >= `local` (seconds since 1970-01-01T00:00 local) that the fields
// allow, or nullopt. Moves one field at a time; a field that has no value left carries into
// the next larger one and resets the smaller ones.
std::optional<int64_t> NextWallTime(const Fields& f, int64_t local) {
  const int64_t days = FloorDiv(local, kSecondsPerDay);
  const int64_t sod = local - days * kSecondsPerDay;
  int64_t y = 0;
  int m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  int h = static_cast<int>(sod / 3600), mi = static_cast<int>(sod / 60 % 60),
      s = static_cast<int>(sod % 60);
  int64_t examined_year = y - 1;
  int years = 0;
  while (true) {
    if (y > kMaxYear) return std::nullopt;
    if (y < kMinYear) {
      // Fire times are kept within the year field's range, 1970-2199, even when it is '*'.
      y = kMinYear, m = 1, d = 1, h = mi = s = 0;
    }
    if (!f.sets[kYear].Has(static_cast<int>(y))) {
      int next = f.sets[kYear].Next(static_cast<int>(y) + 1);
      if (next < 0) return std::nullopt;
      y = next, m = 1, d = 1, h = mi = s = 0;
    }
    if (y != examined_year) {
      examined_year = y;
      if (++years > kMaxSearchYears) return std::nullopt;
    }
    const int month = f.sets[kMonth].Next(m);
    if (month < 0) {
      ++y, m = 1, d = 1, h = mi = s = 0;
      continue;
    }
    if (month != m) m = month, d = 1, h = mi = s = 0;
    const int day = f.NextDay(y, m, d);
    if (day < 0) {
      ++m, d = 1, h = mi = s = 0;
      continue;
    }
    if (day != d) d = day, h = mi = s = 0;
    const int hour = f.sets[kHours].Next(h);
    if (hour < 0) {
      ++d, h = mi = s = 0;
      continue;
    }
    if (hour != h) h = hour, mi = s = 0;
    const int minute = f.sets[kMinutes].Next(mi);
    if (minute < 0) {
      ++h, mi = s = 0;
      continue;
    }
    if (minute != mi) mi = minute, s = 0;
    const int second = f.sets[kSeconds].Next(s);
    if (second < 0) {
      ++mi, s = 0;
      continue;
    }
    return DaysFromCivil(y, m, d) * kSecondsPerDay + h * 3600 + mi * 60 + second;
  }
}

}  // namespace

struct QuartzCron::Fields : CronFields {
  explicit Fields(CronFields fields) : CronFields(std::move(fields)) {}
};

Result<QuartzCron> QuartzCron::Parse(std::string_view expression) {
  if (expression.size() > kMaxExpressionBytes) {
    return Status::InvalidArgument("cron expression is longer than " +
                                   std::to_string(kMaxExpressionBytes) + " bytes");
  }
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < expression.size()) {
    while (i < expression.size() && IsSpace(expression[i])) ++i;
    size_t start = i;
    while (i < expression.size() && !IsSpace(expression[i])) ++i;
    if (i > start) parts.push_back(expression.substr(start, i - start));
  }
  if (parts.size() != 6 && parts.size() != 7) {
    return Status::InvalidArgument(
        "cron expression has " + std::to_string(parts.size()) +
        " fields; Quartz needs 6 or 7: seconds minutes hours day-of-month month day-of-week "
        "[year], e.g. '0 0 12 * * ?' for every day at noon");
  }
  CronFields fields;
  for (int f = 0; f < kFieldCount; ++f) {
    std::string_view text = f < static_cast<int>(parts.size()) ? parts[f] : "*";
    KEEL_RETURN_IF_ERROR(FieldParser(static_cast<Field>(f), text).Parse(&fields));
  }
  const bool dom_unset = parts[kDayOfMonth] == "?";
  const bool dow_unset = parts[kDayOfWeek] == "?";
  if (dom_unset == dow_unset) {
    return Status::InvalidArgument(
        std::string("cron fields 4 (day-of-month) and 6 (day-of-week): exactly one of them must "
                    "be '?', e.g. '0 0 12 * * ?' (every day) or '0 0 12 ? * MON' (Mondays); got ") +
        (dom_unset ? "both '?'" : "both set"));
  }
  fields.by_day_of_week = dom_unset;
  QuartzCron cron;
  cron.expression_ = std::string(expression);
  cron.fields_ = std::make_shared<const Fields>(std::move(fields));
  return cron;
}

std::optional<int64_t> QuartzCron::NextAfter(int64_t after_utc_millis, const TimeZone& zone) const {
  if (!fields_) return std::nullopt;
  const int64_t after = std::max(FloorDiv(after_utc_millis, 1000), kMinSearchSeconds - 1);
  // Wall times are tried in order from just after the wall time at `after`. None before it can
  // fire later than `after`: the instant a wall time maps to never decreases as the wall time
  // grows, and the instant of ToLocal(after) itself is at most `after`.
  int64_t local = zone.ToLocal(after) + 1;
  for (int i = 0; i < kMaxCandidates; ++i) {
    std::optional<int64_t> wall = NextWallTime(*fields_, local);
    if (!wall) return std::nullopt;
    // In a gap this is the gap's end; in an overlap the first occurrence, so once that has
    // passed the wall time is skipped rather than fired a second time.
    const int64_t instant = zone.ToUtcEarliestOrGapEnd(*wall);
    if (instant > after) return instant * 1000;
    local = *wall + 1;
  }
  return std::nullopt;
}

}  // namespace keel::jobs
