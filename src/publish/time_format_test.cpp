#include "publish/time_format.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <ctime>
#include <filesystem>

#include <gtest/gtest.h>

namespace tocsin::publish {
namespace {

TEST(TimeFormat, Iso8601WritesUtcAsMinusZeroAndOffsetsWithSign) {
  EXPECT_EQ(FormatIso8601WithOffset(UnixTime(1696649280), 0), "2023-10-07T03:28:00-00:00");
  EXPECT_EQ(FormatIso8601WithOffset(UnixTime(1696649280.9), 180), "2023-10-07T06:28:00+03:00");
  EXPECT_EQ(FormatIso8601WithOffset(UnixTime(1696649280), -330), "2023-10-06T21:58:00-05:30");
}

TEST(TimeFormat, UtcMillis) {
  EXPECT_EQ(FormatUtcMillis(UnixTime(1757203400.123)), "2025-09-07T00:03:20.123Z");
  EXPECT_EQ(FormatUtcMillis(UnixTime(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatUtcMillis(UnixTime(1757203400.9999)), "2025-09-07T00:03:20.999Z");
}

TEST(TimeFormat, AbsurdTimesDoNotCrash) {
  for (double t : {std::nan(""), 1e300, -1e300, std::numeric_limits<double>::infinity()}) {
    EXPECT_FALSE(FormatIso8601WithOffset(UnixTime(t), 0).empty());
    EXPECT_FALSE(FormatUtcMillis(UnixTime(t)).empty());
    EXPECT_FALSE(FormatHttpDate(UnixTime(t)).empty());
    EXPECT_FALSE(FormatIsraelLocal(UnixTime(t)).empty());
  }
}

TEST(TimeFormat, HttpDateRoundTripsAndAcceptsTheThreeRfc7231Forms) {
  EXPECT_EQ(FormatHttpDate(UnixTime(784111777)), "Sun, 06 Nov 1994 08:49:37 GMT");
  for (const char* s : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                        "  Sun, 06 Nov 1994 08:49:37 GMT "}) {
    auto t = ParseHttpDate(s);
    ASSERT_TRUE(t.has_value()) << s;
    EXPECT_EQ(t->seconds(), 784111777) << s;
  }
  for (const char* s : {"", "yesterday", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
                        "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT", "2024-01-01T00:00:00Z",
                        "Sun, 06 Nov 1994 08:49:37 GMTx"})
    EXPECT_FALSE(ParseHttpDate(s).has_value()) << s;
}

TEST(TimeFormat, NotModifiedSinceComparesWholeSeconds) {
  const UnixTime lm(784111777.6);  // Last-Modified says 08:49:37
  EXPECT_TRUE(NotModifiedSince("Sun, 06 Nov 1994 08:49:37 GMT", lm));
  EXPECT_TRUE(NotModifiedSince("Sun, 06 Nov 1994 09:00:00 GMT", lm));
  EXPECT_FALSE(NotModifiedSince("Sun, 06 Nov 1994 08:49:36 GMT", lm));
  EXPECT_FALSE(NotModifiedSince("garbage", lm));
}

TEST(TimeFormat, IsraelSwitchDates2024) {
  // DST starts Friday 2024-03-29 02:00 IST = 00:00 UTC.
  EXPECT_EQ(IsraelUtcOffsetMinutes(UnixTime(1711670400 - 1)), 120);
  EXPECT_EQ(IsraelUtcOffsetMinutes(UnixTime(1711670400)), 180);
  EXPECT_EQ(FormatIsraelLocal(UnixTime(1711670400 - 1)), "2024-03-29 01:59:59");
  EXPECT_EQ(FormatIsraelLocal(UnixTime(1711670400)), "2024-03-29 03:00:00");
  // DST ends Sunday 2024-10-27 02:00 IDT = Saturday 23:00 UTC.
  EXPECT_EQ(IsraelUtcOffsetMinutes(UnixTime(1729983600 - 1)), 180);
  EXPECT_EQ(IsraelUtcOffsetMinutes(UnixTime(1729983600)), 120);
  EXPECT_EQ(FormatIsraelLocal(UnixTime(1729983600 - 1)), "2024-10-27 01:59:59");
  EXPECT_EQ(FormatIsraelLocal(UnixTime(1729983600)), "2024-10-27 01:00:00");
  // The oref history example: 2023-10-07 06:28 local is 03:28 UTC.
  EXPECT_EQ(FormatIsraelLocal(UnixTime(1696649280)), "2023-10-07 06:28:00");
}

TEST(TimeFormat, KyivSwitchDates2025) {
  EXPECT_EQ(KyivUtcOffsetMinutes(UnixTime(1743296400 - 1)), 120);
  EXPECT_EQ(KyivUtcOffsetMinutes(UnixTime(1743296400)), 180);
}

// Compares the rules with the system's IANA database (tzdata), hour by hour and
// at every switch, 2013-2037.
void CompareWithTzdata(const char* zone, int (*offset)(UnixTime)) {
  if (!std::filesystem::exists(std::string("/usr/share/zoneinfo/") + zone))
    GTEST_SKIP() << "no /usr/share/zoneinfo/" << zone << " (install tzdata to compare with the IANA rules)";
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  ::setenv("TZ", zone, 1);
  ::tzset();
  const long long from = 1356998400;  // 2013-01-01
  const long long to = 2145916800;    // 2038-01-01
  int mismatches = 0;
  long long prev_off = -1;
  for (long long t = from; t < to && mismatches < 5; t += 1800) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    ::localtime_r(&tt, &tm);
    const long long sys = tm.tm_gmtoff / 60;
    if (sys != offset(UnixTime(static_cast<double>(t)))) {
      ADD_FAILURE() << zone << " at " << t << ": tzdata " << sys << " min, rules " << offset(UnixTime(double(t)));
      ++mismatches;
    }
    if (prev_off != -1 && sys != prev_off) {  // a switch in (t-1800, t]: check each second
      for (long long u = t - 1800; u <= t; ++u) {
        std::time_t ut = static_cast<std::time_t>(u);
        ::localtime_r(&ut, &tm);
        if (tm.tm_gmtoff / 60 != offset(UnixTime(static_cast<double>(u)))) {
          ADD_FAILURE() << zone << " at switch second " << u;
          ++mismatches;
          break;
        }
      }
    }
    prev_off = sys;
  }
  if (old) ::setenv("TZ", saved.c_str(), 1); else ::unsetenv("TZ");
  ::tzset();
}

TEST(TimeFormat, IsraelRulesMatchTzdata2013To2037) { CompareWithTzdata("Asia/Jerusalem", IsraelUtcOffsetMinutes); }
TEST(TimeFormat, KyivRulesMatchTzdata2013To2037) { CompareWithTzdata("Europe/Kyiv", KyivUtcOffsetMinutes); }

}  // namespace
}  // namespace tocsin::publish
