#include "ingest/asterix/records.h"

#include "ingest/asterix/category_decoders.h"

namespace tocsin::ingest::asterix {

std::string OctalCode(std::uint16_t code) {
  std::string s(4, '0');
  for (int i = 3; i >= 0; --i) {
    s[i] = static_cast<char>('0' + (code & 7));
    code >>= 3;
  }
  return s;
}

std::string IcaoChars(Bytes bytes, int n) {
  std::string s;
  s.reserve(n);
  std::uint64_t v = 0;
  for (std::uint8_t b : bytes) v = (v << 8) | b;
  const int total = static_cast<int>(bytes.size()) * 8;
  for (int i = 0; i < n && (i + 1) * 6 <= total; ++i) {
    const unsigned c = static_cast<unsigned>((v >> (total - (i + 1) * 6)) & 0x3F);
    if (c >= 1 && c <= 26) {
      s.push_back(static_cast<char>('A' + c - 1));
    } else if (c == 32 || c == 0) {  // 0: unused position, as the peer decoder prints it
      s.push_back(' ');
    } else if (c >= 48 && c <= 57) {
      s.push_back(static_cast<char>('0' + c - 48));
    } else {
      s.push_back('?');
    }
  }
  return s;
}

std::string AsciiChars(Bytes bytes) {
  std::string s;
  s.reserve(bytes.size());
  for (std::uint8_t b : bytes) s.push_back(b >= 0x20 && b < 0x7F ? static_cast<char>(b) : '?');
  return s;
}

}  // namespace tocsin::ingest::asterix
