// Remembers the digests of recently accepted lines so that a byte-identical line is
// refused while it could still pass the time window.
//
// An entry inserted with expiry E is forgotten once `now` passes E. The cache is
// bounded: beyond `max_entries` the entries closest to expiry are dropped first (a
// replay of those would then be accepted; size it above window x peak rate x 2 —
// the default 2,000,000 covers 30 s windows at over 30,000 reports/s).
// Thread-safety: all methods may be called concurrently (one mutex).
#pragma once

#include <cstdint>
#include <mutex>
#include <queue>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ingest/net/hmac.h"

namespace tocsin::ingest::net {

class ReplayCache {
 public:
  explicit ReplayCache(std::size_t max_entries = 2'000'000) : max_entries_(max_entries) {}

  // True (and remembers it until `expiry`) when `digest` was not seen; false when it
  // is a replay. Expired entries are pruned first, using `now`.
  bool Insert(const MacBytes& digest, double expiry, double now);
  std::size_t size() const;

 private:
  struct Key {
    std::uint64_t a, b;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept { return static_cast<std::size_t>(k.a ^ (k.b * 0x9e3779b97f4a7c15ULL)); }
  };
  using Entry = std::pair<double, Key>;  // expiry, key
  struct Later {
    bool operator()(const Entry& x, const Entry& y) const { return x.first > y.first; }
  };

  const std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_set<Key, KeyHash> seen_;                               // guarded by mu_
  std::priority_queue<Entry, std::vector<Entry>, Later> by_expiry_;     // guarded by mu_
};

}  // namespace tocsin::ingest::net
