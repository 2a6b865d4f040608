#include "ingest/net/line_ingest.h"

#include <cmath>

#include "ingest/report_json.h"

namespace tocsin::ingest::net {
namespace {

constexpr std::string_view kMacPrefix = "hmac=";

// Index just past the JSON string starting at s[i] == '"', or npos.
std::size_t SkipString(std::string_view s, std::size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool ParseMacHex(std::string_view hex, MacBytes* out) {
  if (hex.size() != 64) return false;
  for (std::size_t i = 0; i < 32; ++i) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      char c = hex[2 * i + k];
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) return false;
      v = v * 16 + d;
    }
    (*out)[i] = static_cast<std::uint8_t>(v);
  }
  return true;
}

std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  if (s.size() > 64) out += "...";
  return out;
}

}  // namespace

std::optional<std::string_view> FindTopLevelString(std::string_view s, std::string_view key) {
  std::size_t i = 0;
  while (i < s.size() && IsSpace(s[i])) ++i;
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  int depth = 0;
  bool expect_key = true;  // at depth 1: the next string is a key
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      std::size_t end = SkipString(s, i);
      if (end == std::string_view::npos) return std::nullopt;
      if (depth == 1 && expect_key) {
        std::string_view k = s.substr(i + 1, end - i - 2);
        std::size_t j = end;
        while (j < s.size() && IsSpace(s[j])) ++j;
        if (j >= s.size() || s[j] != ':') return std::nullopt;
        ++j;
        while (j < s.size() && IsSpace(s[j])) ++j;
        if (k == key) {
          if (j >= s.size() || s[j] != '"') return std::nullopt;
          std::size_t vend = SkipString(s, j);
          if (vend == std::string_view::npos) return std::nullopt;
          return s.substr(j + 1, vend - j - 2);
        }
        expect_key = false;
        i = j - 1;
        continue;
      }
      i = end - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
      if (depth == 1) expect_key = true;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return std::nullopt;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    }
  }
  return std::nullopt;
}

std::string SignLine(std::string_view json, const HmacKey& key) {
  MacBytes mac = key.Compute(json);
  std::string out;
  out.reserve(json.size() + 1 + kMacPrefix.size() + 64);
  out.append(json);
  out += '\t';
  out.append(kMacPrefix);
  out += HexEncode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  return out;
}

LineIngest::LineIngest(LineIngestConfig config, const Clock& clock, std::shared_ptr<IngestCounters> counters)
    : config_(std::move(config)), clock_(clock), counters_(std::move(counters)), replay_(config_.max_replay_entries) {}

LineOutcome LineIngest::Reject(RejectReason reason, std::string_view sensor, const PeerInfo& peer, std::string why,
                               std::string_view json) {
  counters_->OnRejected(reason, sensor);
  LineOutcome out;
  out.reason = reason;
  out.message = std::string(ToString(peer.transport)) + " " + peer.remote + ": line rejected (" +
                std::string(ToString(reason)) + "): " + why;
  out.json = json;
  return out;
}

LineOutcome LineIngest::Process(std::string_view line, const PeerInfo& peer) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  // Split off the MAC suffix: the last TAB, if what follows it starts with "hmac=".
  std::string_view json = line;
  std::optional<std::string_view> mac_text;
  std::size_t tab = line.rfind('\t');
  if (tab != std::string_view::npos) {
    std::string_view suffix = line.substr(tab + 1);
    if (suffix.substr(0, kMacPrefix.size()) == kMacPrefix) {
      json = line.substr(0, tab);
      mac_text = suffix.substr(kMacPrefix.size());
    }
  }

  std::optional<std::string_view> sensor = FindTopLevelString(json, "sensor");
  if (!sensor)
    return Reject(RejectReason::kMalformed, {}, peer,
                  "no top-level string field \"sensor\" in \"" + Printable(json) +
                      "\"; send one JSON report object per line (spec sensor-reports.md)",
                  json);

  const bool tls_authenticated = peer.transport == Transport::kTls && !peer.tls_common_name.empty();
  // Sensors named in the line are trusted for counting only once authenticated.
  std::string_view claimed = *sensor;

  if (config_.sensors && config_.sensors->Find(claimed) == nullptr)
    return Reject(RejectReason::kUnknownSensor, {}, peer,
                  "sensor \"" + Printable(claimed) + "\" is not in the sensor list; add it to the sensor list", json);

  MacBytes digest{};
  bool have_digest = false;
  if (mac_text) {
    const HmacKey* key = config_.keys ? config_.keys->Find(claimed) : nullptr;
    if (key == nullptr)
      return Reject(RejectReason::kUnknownSensor, {}, peer,
                    "no HMAC key for sensor \"" + Printable(claimed) + "\"; add it to the sensor key file", json);
    MacBytes given{};
    if (!ParseMacHex(*mac_text, &given))
      return Reject(RejectReason::kBadMac, {}, peer,
                    "the MAC suffix is not hmac=<64 hex digits>; append TAB hmac=<hex HMAC-SHA256 of the JSON bytes>",
                    json);
    digest = key->Compute(json);
    if (!MacEquals(digest, given))
      return Reject(RejectReason::kBadMac, {}, peer,
                    "HMAC does not match for sensor \"" + Printable(claimed) +
                        "\"; sign exactly the JSON bytes before the TAB with this sensor's key",
                    json);
    have_digest = true;
  } else if (!tls_authenticated && config_.policy == AuthPolicy::kRequired) {
    if (!config_.keys || config_.keys->Find(claimed) == nullptr)
      return Reject(RejectReason::kUnknownSensor, {}, peer,
                    "no HMAC key for sensor \"" + Printable(claimed) + "\" and the line carries no MAC; add the sensor to the key file and sign its lines",
                    json);
    return Reject(RejectReason::kMissingMac, {}, peer,
                  "no MAC; append TAB hmac=<hex HMAC-SHA256 of the JSON bytes> (docs/ingest-auth.md)", json);
  }
  // From here the sensor id is authenticated (MAC, TLS certificate) or unauthenticated
  // lines are allowed by configuration.

  Result<Report> parsed = ParseReportLine(json, config_.sensors.get(), peer.remote);
  if (!parsed.ok()) return Reject(RejectReason::kMalformed, claimed, peer, parsed.status().message(), json);
  Report& r = parsed.value();
  if (r.sensor.str() != claimed)  // escapes in the id: the MAC key was chosen by other bytes
    return Reject(RejectReason::kBadMac, {}, peer, "sensor id with escape sequences; use plain ids", json);

  if (tls_authenticated && r.sensor.str() != peer.tls_common_name)
    return Reject(RejectReason::kSensorMismatch, peer.tls_common_name, peer,
                  "report from sensor \"" + r.sensor.str() + "\" on a TLS connection authenticated as \"" +
                      peer.tls_common_name + "\"; each sensor sends its own reports with its own certificate",
                  json);

  const double now = clock_.Now().seconds();
  const double window = config_.window.value();
  const double t = r.time.seconds();
  if (!(std::fabs(t - now) <= window))
    return Reject(RejectReason::kStale, claimed, peer,
                  "report time " + std::to_string(t) + " is " + std::to_string(t - now) +
                      " s from the receiver's clock (window " + std::to_string(window) +
                      " s); check the sensor's clock (NTP)",
                  json);

  if (!have_digest) digest = Sha256(json);
  if (!replay_.Insert(digest, t + window, now))
    return Reject(RejectReason::kReplay, claimed, peer,
                  "a byte-identical line was already accepted within the window; a sensor never repeats a report",
                  json);

  counters_->OnAccepted(claimed);
  LineOutcome out;
  out.report = std::move(r);
  out.json = json;
  return out;
}

std::string_view ToString(Transport t) {
  switch (t) {
    case Transport::kTcp: return "tcp";
    case Transport::kUdp: return "udp";
    case Transport::kTls: return "tls";
  }
  return "tcp";
}

}  // namespace tocsin::ingest::net
