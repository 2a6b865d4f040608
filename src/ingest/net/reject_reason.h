// Why the live ingest refused a line, datagram, frame or connection. The names are
// stable: they are the `reason` label of the rejection counters on /metrics.
// Thread-safety: plain values.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace tocsin::ingest::net {

enum class RejectReason {
  kUnknownSensor,    // "unknown_sensor": no key (or not in the sensor list) for the named sensor
  kMissingMac,       // "missing_mac": no `\thmac=<hex>` suffix and unauthenticated lines are not allowed
  kBadMac,           // "bad_mac": the HMAC does not match the bytes under the sensor's key
  kReplay,           // "replay": a byte-identical line was already accepted within the window
  kStale,            // "stale": the report's time is farther than the window from the receive clock
  kMalformed,        // "malformed": not a valid report (JSON, fields, protobuf, framing)
  kTooLong,          // "too_long": a line or frame longer than the configured maximum
  kSensorMismatch,   // "sensor_mismatch": the report's sensor is not the TLS client certificate's CN
  kTlsHandshake,     // "tls_handshake": TLS handshake failed (e.g. no or untrusted client certificate)
  kTooManyConnections,  // "too_many_connections": refused at accept, the listener is full
  kUnknownNode,      // "unknown_node": a SAPIENT node id not mapped to a sensor in the config
  kUnsupported,      // "unsupported": a valid message this ingest cannot use (e.g. magnetic bearings)
  kUnauthenticated,  // "unauthenticated": a binary message (SAPIENT) on a connection without a client certificate
  kUnknownSource,    // "unknown_source": a datagram from an address not in the listener's allow-list
  kAuthTimeout,      // "auth_timeout": a connection closed for having no message accepted in time
  kIdleTimeout,      // "idle_timeout": a connection closed for delivering no complete message in time
};

inline constexpr std::size_t kRejectReasonCount = 16;

// The stable metric name, e.g. "bad_mac".
std::string_view ToString(RejectReason r);

// Every reason, in enum order (for exposing zero-valued counters).
const std::array<RejectReason, kRejectReasonCount>& AllRejectReasons();

}  // namespace tocsin::ingest::net
