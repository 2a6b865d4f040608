// Strong types for physical quantities. All values are SI: metres, seconds,
// metres per second; angles in degrees where the contracts use degrees.
// Thread-safety: plain values, freely copyable.
#pragma once

#include <compare>

namespace tocsin {

// A double tagged with its unit so that metres cannot be passed where seconds are
// expected. Arithmetic within one unit and scaling by plain numbers are allowed.
template <typename Tag>
class Quantity {
 public:
  constexpr Quantity() = default;
  constexpr explicit Quantity(double v) : v_(v) {}
  constexpr double value() const { return v_; }

  constexpr Quantity operator+(Quantity o) const { return Quantity(v_ + o.v_); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(v_ - o.v_); }
  constexpr Quantity operator-() const { return Quantity(-v_); }
  constexpr Quantity operator*(double k) const { return Quantity(v_ * k); }
  constexpr Quantity operator/(double k) const { return Quantity(v_ / k); }
  constexpr double operator/(Quantity o) const { return v_ / o.v_; }
  constexpr Quantity& operator+=(Quantity o) { v_ += o.v_; return *this; }
  constexpr Quantity& operator-=(Quantity o) { v_ -= o.v_; return *this; }
  constexpr auto operator<=>(const Quantity&) const = default;

 private:
  double v_ = 0.0;
};

struct MetresTag {};
struct SecondsTag {};
struct MetresPerSecondTag {};
struct DegreesTag {};

using Metres = Quantity<MetresTag>;                  // length, metres
using Seconds = Quantity<SecondsTag>;                // duration, seconds
using MetresPerSecond = Quantity<MetresPerSecondTag>;
using Degrees = Quantity<DegreesTag>;                // angle, degrees

// A moment in time: Unix seconds (UTC), fractions allowed, as in every contract.
class UnixTime {
 public:
  constexpr UnixTime() = default;
  constexpr explicit UnixTime(double s) : s_(s) {}
  constexpr double seconds() const { return s_; }
  constexpr UnixTime operator+(Seconds d) const { return UnixTime(s_ + d.value()); }
  constexpr UnixTime operator-(Seconds d) const { return UnixTime(s_ - d.value()); }
  constexpr Seconds operator-(UnixTime o) const { return Seconds(s_ - o.s_); }
  constexpr auto operator<=>(const UnixTime&) const = default;

 private:
  double s_ = 0.0;
};

namespace literals {
constexpr Metres operator""_m(long double v) { return Metres(static_cast<double>(v)); }
constexpr Metres operator""_m(unsigned long long v) { return Metres(static_cast<double>(v)); }
constexpr Metres operator""_km(long double v) { return Metres(static_cast<double>(v) * 1000.0); }
constexpr Metres operator""_km(unsigned long long v) { return Metres(static_cast<double>(v) * 1000.0); }
constexpr Seconds operator""_s(long double v) { return Seconds(static_cast<double>(v)); }
constexpr Seconds operator""_s(unsigned long long v) { return Seconds(static_cast<double>(v)); }
}  // namespace literals

}  // namespace tocsin
