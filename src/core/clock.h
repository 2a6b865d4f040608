// Injected time source. Every stage asks a Clock for "now" so that replay and
// tests run faster than real time and deterministically.
#pragma once

#include <atomic>

#include "core/units.h"

namespace tocsin {

class Clock {
 public:
  virtual ~Clock() = default;
  // Current time, Unix seconds. Thread-safe in every implementation here.
  virtual UnixTime Now() const = 0;
};

// Wall-clock time.
class SystemClock final : public Clock {
 public:
  UnixTime Now() const override;
};

// Wall-clock time shifted and sped up: Now() = start + rate * (wall - wall_at_construction).
// For demos and exercises that replay a recorded scenario at N x real time on a live
// server. REQUIRES: rate > 0. Thread-safe (immutable).
class ScaledClock final : public Clock {
 public:
  ScaledClock(UnixTime start, double rate);
  UnixTime Now() const override;
  double rate() const { return rate_; }

 private:
  double start_, rate_, wall0_;
};

// Time set by its owner (replay, tests). Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixTime start = UnixTime(0)) : now_(start.seconds()) {}
  UnixTime Now() const override { return UnixTime(now_.load()); }
  void Set(UnixTime t) { now_.store(t.seconds()); }
  void Advance(Seconds d) { now_.store(now_.load() + d.value()); }

 private:
  std::atomic<double> now_;
};

}  // namespace tocsin
