#include "ingest/net/key_file.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace tocsin::ingest::net {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void SensorKeys::Add(std::string sensor, std::string key_bytes) {
  keys_.insert_or_assign(std::move(sensor), HmacKey(key_bytes));
}

const HmacKey* SensorKeys::Find(std::string_view sensor) const {
  auto it = keys_.find(sensor);
  return it == keys_.end() ? nullptr : &it->second;
}

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return Status::Error("odd number of hex digits");
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::Error("not a hex digit at position " + std::to_string(hi < 0 ? 2 * i : 2 * i + 1));
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 15];
  }
  return out;
}

Result<SensorKeys> ParseSensorKeys(std::string_view text, const std::string& source) {
  using nlohmann::json;
  const std::string fix = "; expected {\"sensors\":{\"<id>\":{\"hmac_key\":\"<hex, e.g. from openssl rand -hex 32>\"}}} (docs/ingest-auth.md)";
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    return Status::Error(source + ": malformed JSON (" + e.what() + ")" + fix);
  }
  if (!j.is_object() || !j.contains("sensors") || !j["sensors"].is_object())
    return Status::Error(source + ": no \"sensors\" object" + fix);
  SensorKeys keys;
  for (const auto& [id, entry] : j["sensors"].items()) {
    const std::string where = source + ": sensor \"" + id + "\"";
    if (id.empty()) return Status::Error(source + ": empty sensor id" + fix);
    if (!entry.is_object() || !entry.contains("hmac_key") || !entry["hmac_key"].is_string())
      return Status::Error(where + ": missing string field \"hmac_key\"" + fix);
    Result<std::string> key = HexDecode(entry["hmac_key"].get<std::string>());
    if (!key.ok()) return Status::Error(where + ": hmac_key is not hex (" + key.status().message() + ")" + fix);
    if (key->size() < 16 || key->size() > 1024)
      return Status::Error(where + ": hmac_key is " + std::to_string(key->size()) +
                           " bytes; use 16 to 1024 bytes (openssl rand -hex 32 gives 32)");
    keys.Add(id, std::move(key).value());
  }
  return keys;
}

Result<SensorKeys> LoadSensorKeys(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ": cannot open the sensor key file; check the path and permissions");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseSensorKeys(ss.str(), path);
}

}  // namespace tocsin::ingest::net
