// Deterministic alert id allocation: "A-000001", "A-000002", ... for alerts and
// "P-000001", ... for pre-alerts (more digits past 999999). The state is two
// counters, so a restarted server restores it (from AlertLogState or its own store)
// and never reissues an id.
//
// Thread-safety: not synchronised; owned by one engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/ids.h"

namespace tocsin::alert {

class AlertIdAllocator {
 public:
  struct State {
    std::uint64_t next_alert = 1;
    std::uint64_t next_prealert = 1;
    friend bool operator==(const State&, const State&) = default;
  };

  AlertIdAllocator() = default;
  explicit AlertIdAllocator(State s) : state_(s) {}

  AlertId NextAlert() { return Format('A', state_.next_alert++); }
  AlertId NextPreAlert() { return Format('P', state_.next_prealert++); }

  const State& state() const { return state_; }
  // Never moves a counter backwards: restoring an older state keeps the newer counters.
  void Restore(State s);

  static AlertId Format(char prefix, std::uint64_t n);
  // The number of an id of the form "<prefix>-<digits>"; nullopt otherwise.
  static std::optional<std::uint64_t> Number(char prefix, std::string_view id);

 private:
  State state_;
};

}  // namespace tocsin::alert
