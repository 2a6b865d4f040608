#include "ingest/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tocsin::ingest {

void AppendJsonNumber(std::string* out, double v, int decimals) {
  if (!std::isfinite(v)) {
    out->append("null");
    return;
  }
  if (v == 0.0) v = 0.0;  // no "-0.0"
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed, decimals);
  char* end = r.ptr;
  char* dot = nullptr;
  for (char* p = buf; p < end; ++p)
    if (*p == '.') dot = p;
  if (dot == nullptr) {
    *end++ = '.';
    *end++ = '0';
  } else {
    while (end > dot + 2 && end[-1] == '0') --end;
  }
  // "-0.0" after rounding a tiny negative value.
  if (end - buf == 4 && buf[0] == '-' && buf[1] == '0' && buf[3] == '0') {
    out->append("0.0");
    return;
  }
  out->append(buf, end);
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      case '\r': out->append("\\r"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

}  // namespace tocsin::ingest
