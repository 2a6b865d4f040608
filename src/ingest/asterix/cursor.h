// Bounds-checked big-endian reading over a byte span, and the generic ASTERIX
// length rules (fixed, extended by FX, repetitive, explicit, compound) used to
// walk a record without knowing every item's meaning.
//
// A Cursor never reads outside its span: a read past the end sets a sticky
// failure flag, returns zeros / empty spans, and leaves the cursor at the end.
// Callers check failed() once per item. Thread-safety: plain value, not shared.
// Internal to tocsin_asterix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tocsin::ingest::asterix {

using Bytes = std::span<const std::uint8_t>;

class Cursor {
 public:
  explicit Cursor(Bytes data) : data_(data) {}

  std::size_t pos() const { return pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  bool failed() const { return failed_; }
  // Why the cursor failed: a static string, or "" when it did not.
  const char* why() const { return why_; }
  void Fail(const char* why) {
    if (!failed_) why_ = why;
    failed_ = true;
    pos_ = data_.size();
  }

  // The next n (<= 8) bytes as a big-endian unsigned number; 0 on overrun.
  std::uint64_t U(std::size_t n) {
    if (n > remaining()) {
      Fail("runs past the end of its data block");
      return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | data_[pos_ + i];
    pos_ += n;
    return v;
  }
  std::uint8_t U8() { return static_cast<std::uint8_t>(U(1)); }
  std::uint16_t U16() { return static_cast<std::uint16_t>(U(2)); }

  // The next n bytes; empty on overrun.
  Bytes Take(std::size_t n) {
    if (n > remaining()) {
      Fail("runs past the end of its data block");
      return {};
    }
    Bytes out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

  // An item of parts of `part` bytes, continued while the last byte of a part has
  // its FX bit (bit 1) set.
  Bytes TakeExtended(std::size_t part = 1) {
    const std::size_t start = pos_;
    for (;;) {
      Bytes p = Take(part);
      if (failed_) return {};
      if ((p[part - 1] & 1) == 0) break;
    }
    return data_.subspan(start, pos_ - start);
  }

  // A repetition factor octet followed by that many elements of n bytes.
  Bytes TakeRepetitive(std::size_t n) {
    const std::size_t start = pos_;
    const std::size_t rep = U8();
    Take(rep * n);
    if (failed_) return {};
    return data_.subspan(start, pos_ - start);
  }

  // A length octet (counting itself, >= 1) followed by the rest of the item.
  Bytes TakeExplicit() {
    const std::size_t start = pos_;
    const std::size_t len = U8();
    if (failed_) return {};
    if (len == 0) {
      Fail("has an explicit length of 0 (it counts itself, so must be >= 1)");
      return {};
    }
    Take(len - 1);
    if (failed_) return {};
    return data_.subspan(start, pos_ - start);
  }

 private:
  Bytes data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  const char* why_ = "";
};

// Signed value of the low `bits` bits of v (two's complement).
inline std::int64_t SignExtend(std::uint64_t v, int bits) {
  const std::uint64_t m = std::uint64_t{1} << (bits - 1);
  v &= (m << 1) - 1;
  return static_cast<std::int64_t>(v ^ m) - static_cast<std::int64_t>(m);
}

// Bits [hi..lo] of v, numbered from 1 at the least significant bit as in the
// ASTERIX specifications.
inline std::uint64_t Bits(std::uint64_t v, int hi, int lo) {
  return (v >> (lo - 1)) & ((std::uint64_t{1} << (hi - lo + 1)) - 1);
}
inline bool Bit(std::uint64_t v, int b) { return ((v >> (b - 1)) & 1) != 0; }

}  // namespace tocsin::ingest::asterix
