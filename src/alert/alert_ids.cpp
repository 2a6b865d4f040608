#include "alert/alert_ids.h"

#include <algorithm>
#include <cstdio>

namespace tocsin::alert {

void AlertIdAllocator::Restore(State s) {
  state_.next_alert = std::max(state_.next_alert, s.next_alert);
  state_.next_prealert = std::max(state_.next_prealert, s.next_prealert);
}

AlertId AlertIdAllocator::Format(char prefix, std::uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c-%06llu", prefix, static_cast<unsigned long long>(n));
  return AlertId(buf);
}

std::optional<std::uint64_t> AlertIdAllocator::Number(char prefix, std::string_view id) {
  if (id.size() < 3 || id[0] != prefix || id[1] != '-' || id.size() > 22) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : id.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

}  // namespace tocsin::alert
