#include "ingest/net/replay_cache.h"

#include <cstring>

namespace tocsin::ingest::net {

bool ReplayCache::Insert(const MacBytes& digest, double expiry, double now) {
  Key k;
  std::memcpy(&k.a, digest.data(), 8);
  std::memcpy(&k.b, digest.data() + 8, 8);
  std::lock_guard lock(mu_);
  while (!by_expiry_.empty() && (by_expiry_.top().first < now || by_expiry_.size() >= max_entries_)) {
    seen_.erase(by_expiry_.top().second);
    by_expiry_.pop();
  }
  if (!seen_.insert(k).second) return false;
  by_expiry_.push({expiry, k});
  return true;
}

std::size_t ReplayCache::size() const {
  std::lock_guard lock(mu_);
  return seen_.size();
}

}  // namespace tocsin::ingest::net
