// Small helpers to write JSON text fast and in a fixed, compact form (no
// allocation beyond the output string). Used by the report and scenario writers.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace tocsin::ingest {

// Appends `v` with at most `decimals` digits after the point, trailing zeros
// removed but at least one kept ("1757203325.0", "84210.5"). Non-finite values
// are written as null (JSON has no NaN).
void AppendJsonNumber(std::string* out, double v, int decimals);

// Appends `s` as a quoted JSON string, escaping quotes, backslashes and control
// characters.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace tocsin::ingest
