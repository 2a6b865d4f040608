#include "ingest/net/reject_reason.h"

namespace tocsin::ingest::net {

std::string_view ToString(RejectReason r) {
  switch (r) {
    case RejectReason::kUnknownSensor: return "unknown_sensor";
    case RejectReason::kMissingMac: return "missing_mac";
    case RejectReason::kBadMac: return "bad_mac";
    case RejectReason::kReplay: return "replay";
    case RejectReason::kStale: return "stale";
    case RejectReason::kMalformed: return "malformed";
    case RejectReason::kTooLong: return "too_long";
    case RejectReason::kSensorMismatch: return "sensor_mismatch";
    case RejectReason::kTlsHandshake: return "tls_handshake";
    case RejectReason::kTooManyConnections: return "too_many_connections";
    case RejectReason::kUnknownNode: return "unknown_node";
    case RejectReason::kUnsupported: return "unsupported";
    case RejectReason::kUnauthenticated: return "unauthenticated";
    case RejectReason::kUnknownSource: return "unknown_source";
    case RejectReason::kAuthTimeout: return "auth_timeout";
    case RejectReason::kIdleTimeout: return "idle_timeout";
  }
  return "malformed";
}

const std::array<RejectReason, kRejectReasonCount>& AllRejectReasons() {
  static const std::array<RejectReason, kRejectReasonCount> kAll = {
      RejectReason::kUnknownSensor, RejectReason::kMissingMac,   RejectReason::kBadMac,
      RejectReason::kReplay,        RejectReason::kStale,        RejectReason::kMalformed,
      RejectReason::kTooLong,       RejectReason::kSensorMismatch, RejectReason::kTlsHandshake,
      RejectReason::kTooManyConnections, RejectReason::kUnknownNode, RejectReason::kUnsupported,
      RejectReason::kUnauthenticated, RejectReason::kUnknownSource, RejectReason::kAuthTimeout,
      RejectReason::kIdleTimeout};
  return kAll;
}

}  // namespace tocsin::ingest::net
