// HMAC-SHA256 with a key prepared once (inner and outer SHA-256 states precomputed
// with OpenSSL EVP), so a line costs two SHA-256 finalisations and no key schedule.
// Thread-safety: a prepared HmacKey is immutable and may be used by many threads at
// once (each call copies the precomputed states into its own context).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tocsin::ingest::net {

using MacBytes = std::array<std::uint8_t, 32>;

class HmacKey {
 public:
  // REQUIRES: !key.empty().
  explicit HmacKey(std::string_view key);
  ~HmacKey();
  HmacKey(HmacKey&&) noexcept;
  HmacKey& operator=(HmacKey&&) noexcept;
  HmacKey(const HmacKey&) = delete;
  HmacKey& operator=(const HmacKey&) = delete;

  // HMAC-SHA256(key, data).
  MacBytes Compute(std::string_view data) const;

 private:
  struct States;
  std::unique_ptr<States> states_;
};

// One-shot HMAC-SHA256 (for tests and tools).
MacBytes HmacSha256(std::string_view key, std::string_view data);

// Compares two MACs in time independent of where they differ.
bool MacEquals(const MacBytes& a, const MacBytes& b);

// SHA-256 of `data` (used for the replay cache of unauthenticated lines).
MacBytes Sha256(std::string_view data);

}  // namespace tocsin::ingest::net
