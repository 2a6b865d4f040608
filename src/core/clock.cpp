#include "core/clock.h"

#include <chrono>

namespace tocsin {

UnixTime SystemClock::Now() const {
  using namespace std::chrono;
  return UnixTime(duration<double>(system_clock::now().time_since_epoch()).count());
}

}  // namespace tocsin
