#include "core/clock.h"

#include <chrono>

namespace tocsin {

UnixTime SystemClock::Now() const {
  using namespace std::chrono;
  return UnixTime(duration<double>(system_clock::now().time_since_epoch()).count());
}

ScaledClock::ScaledClock(UnixTime start, double rate)
    : start_(start.seconds()), rate_(rate), wall0_(SystemClock().Now().seconds()) {}

UnixTime ScaledClock::Now() const {
  return UnixTime(start_ + rate_ * (SystemClock().Now().seconds() - wall0_));
}

}  // namespace tocsin
