#include "publish/time_format.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace tocsin::publish {
namespace {

struct Civil {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Civil CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

// 0 = Sunday.
int WeekdayFromDays(std::int64_t z) { return static_cast<int>(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6); }

// Clamped to +-1e11 s (years -1200..5100) so that no input, however wrong
// (NaN, infinities), makes the conversions undefined.
std::int64_t FloorSeconds(UnixTime t) {
  const double s = t.seconds();
  if (!(s > -1e11)) return -100000000000LL;
  if (!(s < 1e11)) return 100000000000LL;
  return static_cast<std::int64_t>(std::floor(s));
}

// Days (since epoch) of the last Sunday of the month.
std::int64_t LastSunday(std::int64_t year, int month) {
  const std::int64_t first_next = month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1);
  const std::int64_t last = first_next - 1;
  return last - WeekdayFromDays(last);
}

std::int64_t YearOf(std::int64_t secs) {
  const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  return CivilFromDays(days).year;
}

struct Broken {
  Civil date;
  int hour, minute, second;
  int weekday;
};

Broken Break(std::int64_t secs) {
  const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  const std::int64_t rem = secs - days * 86400;
  return {CivilFromDays(days), static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60),
          WeekdayFromDays(days)};
}

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

int IsraelUtcOffsetMinutes(UnixTime t) {
  const std::int64_t s = FloorSeconds(t);
  const std::int64_t y = YearOf(s);
  // Friday before the last Sunday of March, 02:00 IST (UTC+2) = 00:00 UTC.
  const std::int64_t start = (LastSunday(y, 3) - 2) * 86400;
  // Last Sunday of October, 02:00 IDT (UTC+3) = 23:00 UTC on the Saturday.
  const std::int64_t end = LastSunday(y, 10) * 86400 - 3600;
  return (s >= start && s < end) ? 180 : 120;
}

int KyivUtcOffsetMinutes(UnixTime t) {
  const std::int64_t s = FloorSeconds(t);
  const std::int64_t y = YearOf(s);
  const std::int64_t start = LastSunday(y, 3) * 86400 + 3600;
  const std::int64_t end = LastSunday(y, 10) * 86400 + 3600;
  return (s >= start && s < end) ? 180 : 120;
}

std::string FormatIso8601WithOffset(UnixTime t, int utc_offset_minutes) {
  const Broken b = Break(FloorSeconds(t) + std::int64_t{utc_offset_minutes} * 60);
  const int off = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", static_cast<long long>(b.date.year),
                b.date.month, b.date.day, b.hour, b.minute, b.second, utc_offset_minutes > 0 ? '+' : '-', off / 60,
                off % 60);
  return buf;
}

std::string FormatUtcMillis(UnixTime t) {
  const double whole = static_cast<double>(FloorSeconds(t));
  const double frac = std::isfinite(t.seconds()) && std::abs(t.seconds()) < 1e11 ? t.seconds() - whole : 0.0;
  const double ms_total = std::floor((whole + frac) * 1000.0 + 1e-6);
  const auto ms_i = static_cast<std::int64_t>(ms_total);
  std::int64_t secs = ms_i >= 0 ? ms_i / 1000 : (ms_i - 999) / 1000;
  const int ms = static_cast<int>(ms_i - secs * 1000);
  const Broken b = Break(secs);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<long long>(b.date.year),
                b.date.month, b.date.day, b.hour, b.minute, b.second, ms);
  return buf;
}

std::string FormatIsraelLocal(UnixTime t) {
  const Broken b = Break(FloorSeconds(t) + std::int64_t{IsraelUtcOffsetMinutes(t)} * 60);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d %02d:%02d:%02d", static_cast<long long>(b.date.year), b.date.month,
                b.date.day, b.hour, b.minute, b.second);
  return buf;
}

std::string FormatHttpDate(UnixTime t) {
  const Broken b = Break(FloorSeconds(t));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04lld %02d:%02d:%02d GMT", kWeekdays[b.weekday], b.date.day,
                kMonths[b.date.month - 1], static_cast<long long>(b.date.year), b.hour, b.minute, b.second);
  return buf;
}

namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool Literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }
  // Exactly `digits` decimal digits (or 1..digits when `at_most`).
  bool Number(int digits, int* out, bool at_most = false) {
    int v = 0, n = 0;
    while (n < digits && pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      v = v * 10 + (s_[pos_] - '0');
      ++pos_;
      ++n;
    }
    if (n == 0 || (!at_most && n != digits)) return false;
    *out = v;
    return true;
  }
  bool Month(int* out) {
    for (int i = 0; i < 12; ++i)
      if (Literal(kMonths[i])) {
        *out = i + 1;
        return true;
      }
    return false;
  }
  bool Weekday(bool long_form) {
    static constexpr const char* kLong[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    for (int i = 0; i < 7; ++i)
      if (Literal(long_form ? kLong[i] : kWeekdays[i])) return true;
    return false;
  }
  bool Time(int* h, int* m, int* s) {
    return Number(2, h) && Literal(":") && Number(2, m) && Literal(":") && Number(2, s);
  }
  bool AtEnd() const { return pos_ == s_.size(); }
  void Reset() { pos_ = 0; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

std::optional<UnixTime> Assemble(std::int64_t year, int month, int day, int h, int m, int s) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return std::nullopt;
  const std::int64_t days = DaysFromCivil(year, month, day);
  if (CivilFromDays(days).day != day) return std::nullopt;  // e.g. 31 Feb
  return UnixTime(static_cast<double>(days * 86400 + h * 3600 + m * 60 + (s == 60 ? 59 : s)));
}

}  // namespace

std::optional<UnixTime> ParseHttpDate(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  int day, month, year, h, m, s;
  Scanner a(text);  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  if (a.Weekday(false) && a.Literal(", ") && a.Number(2, &day) && a.Literal(" ") && a.Month(&month) &&
      a.Literal(" ") && a.Number(4, &year) && a.Literal(" ") && a.Time(&h, &m, &s) && a.Literal(" GMT") && a.AtEnd())
    return Assemble(year, month, day, h, m, s);
  Scanner b(text);  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
  if (b.Weekday(true) && b.Literal(", ") && b.Number(2, &day) && b.Literal("-") && b.Month(&month) &&
      b.Literal("-") && b.Number(2, &year) && b.Literal(" ") && b.Time(&h, &m, &s) && b.Literal(" GMT") && b.AtEnd()) {
    // RFC 7231: a two-digit year more than 50 years in the future is in the past century.
    return Assemble(year < 70 ? 2000 + year : 1900 + year, month, day, h, m, s);
  }
  Scanner c(text);  // asctime: Sun Nov  6 08:49:37 1994
  if (c.Weekday(false) && c.Literal(" ") && c.Month(&month) && c.Literal(" ")) {
    c.Literal(" ");
    if (c.Number(2, &day, true) && c.Literal(" ") && c.Time(&h, &m, &s) && c.Literal(" ") && c.Number(4, &year) &&
        c.AtEnd())
      return Assemble(year, month, day, h, m, s);
  }
  return std::nullopt;
}

bool NotModifiedSince(std::string_view if_modified_since, UnixTime last_modified) {
  const auto since = ParseHttpDate(if_modified_since);
  if (!since) return false;
  return std::floor(last_modified.seconds()) <= since->seconds();
}

}  // namespace tocsin::publish
