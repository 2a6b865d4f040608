// Per-sensor HMAC keys, read from a JSON key file (docs/ingest-auth.md):
//
//   {"sensors": {"RAD-01": {"hmac_key": "<hex>"}, "AC-0412": {"hmac_key": "<hex>"}}}
//
// A key is 16 to 1024 bytes written as an even number of hex digits (upper or lower
// case); `openssl rand -hex 32` makes a good one. Unknown extra fields are ignored.
// Thread-safety: a SensorKeys is immutable after loading and safe to share.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ingest/net/hmac.h"

namespace tocsin::ingest::net {

class SensorKeys {
 public:
  SensorKeys() = default;

  // Adds (or replaces) a sensor's key. REQUIRES: !key.empty().
  void Add(std::string sensor, std::string key_bytes);

  // The prepared HMAC key of `sensor`, or nullptr. Lives as long as this object.
  const HmacKey* Find(std::string_view sensor) const;
  std::size_t size() const { return keys_.size(); }

 private:
  std::map<std::string, HmacKey, std::less<>> keys_;
};

// Parses key-file text; `source` names the file in error messages.
Result<SensorKeys> ParseSensorKeys(std::string_view text, const std::string& source);
// Reads and parses a key file.
Result<SensorKeys> LoadSensorKeys(const std::string& path);

// Hex digits -> bytes; nullopt-like error when the text is not even-length hex.
Result<std::string> HexDecode(std::string_view hex);
// Bytes -> lower-case hex.
std::string HexEncode(std::string_view bytes);

}  // namespace tocsin::ingest::net
