// Time stamps in the forms the feeds need. All functions are pure and thread-safe.
//
// libstdc++ 12 has no std::chrono::zoned_time, so the two zones the feeds need are
// implemented from their rules: Israel (Asia/Jerusalem, rules in force since 2013)
// and Ukraine (Europe/Kyiv, EU rules). Times before 2013 use the same rules, which
// is wrong for Israel before 2013 (DST then followed the Hebrew calendar).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/units.h"

namespace tocsin::publish {

// Offset of Israel local time from UTC at `t`, in minutes (120 or 180). DST runs
// from the Friday before the last Sunday of March, 02:00 local, to the last Sunday
// of October, 02:00 local.
int IsraelUtcOffsetMinutes(UnixTime t);
// Offset of Ukraine (Kyiv) local time from UTC at `t`, in minutes (120 or 180). DST
// runs from the last Sunday of March to the last Sunday of October, 01:00 UTC.
int KyivUtcOffsetMinutes(UnixTime t);

// "YYYY-MM-DDTHH:MM:SS+hh:mm", whole seconds (truncated), local time at the given
// offset. A zero offset is written "-00:00", as CAP 1.2 requires for UTC.
std::string FormatIso8601WithOffset(UnixTime t, int utc_offset_minutes);
// "YYYY-MM-DDTHH:MM:SS.sssZ" (UTC, milliseconds truncated): alerts.in.ua form.
std::string FormatUtcMillis(UnixTime t);
// "YYYY-MM-DD HH:MM:SS" in Israel local time: the HFC history form.
std::string FormatIsraelLocal(UnixTime t);
// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 7231 IMF-fixdate), seconds truncated.
std::string FormatHttpDate(UnixTime t);
// Parses an HTTP date in any of the three forms RFC 7231 7.1.1.1 says recipients
// must accept (IMF-fixdate, RFC 850, asctime). nullopt for anything else.
std::optional<UnixTime> ParseHttpDate(std::string_view s);
// True when a GET with this If-Modified-Since header value should be answered
// 304: the header parses and the resource (last modified at `last_modified`,
// compared in whole seconds as Last-Modified carries them) is not newer.
bool NotModifiedSince(std::string_view if_modified_since, UnixTime last_modified);

}  // namespace tocsin::publish
