#include "ingest/sapient/sapient_ingest.h"

#include <cmath>

namespace tocsin::ingest::sapient {

using net::RejectReason;

SapientIngest::SapientIngest(SapientIngestConfig config, const Clock& clock,
                             std::shared_ptr<net::IngestCounters> counters)
    : config_(std::move(config)), clock_(clock), counters_(std::move(counters)) {}

SapientOutcome SapientIngest::Reject(SapientOutcome out, RejectReason reason, std::string_view sensor, std::string why) {
  counters_->OnRejected(reason, sensor);
  out.report.reset();
  out.ignored = false;
  out.reason = reason;
  out.message = std::move(why);
  return out;
}

SapientOutcome SapientIngest::Process(std::string_view body, const net::PeerInfo& peer) {
  const std::string who = std::string(net::ToString(peer.transport)) + " " + peer.remote + ": ";
  const bool tls = peer.transport == net::Transport::kTls && !peer.tls_common_name.empty();
  if (!tls && !config_.allow_unauthenticated)
    return Reject(SapientOutcome{}, RejectReason::kUnauthenticated, {},
                  who + "SAPIENT frame on a connection without a client certificate; connect over TLS with the "
                        "sensor's certificate");
  SapientOutcome out = DecodeSapientFrame(body, *config_.nodes, config_.sensors.get());
  if (out.ignored) return out;
  if (!out.ok()) {
    // The node id is not authenticated by itself: count by the certificate only.
    counters_->OnRejected(out.reason, tls ? std::string_view(peer.tls_common_name) : std::string_view());
    out.message = who + out.message;
    return out;
  }
  const std::string sensor = out.report->sensor.str();  // a copy: `out` is moved below
  if (tls && sensor != peer.tls_common_name)
    return Reject(std::move(out), RejectReason::kSensorMismatch, peer.tls_common_name,
                  who + "SAPIENT node maps to sensor \"" + sensor + "\" but the connection is authenticated as \"" +
                      peer.tls_common_name + "\"; fix the node config or the certificate");
  const double now = clock_.Now().seconds();
  const double dt = out.report->time.seconds() - now;
  if (!(std::fabs(dt) <= config_.window.value()))
    return Reject(std::move(out), RejectReason::kStale, sensor,
                  who + "SAPIENT detection timestamp is " + std::to_string(dt) + " s from the receiver's clock (window " +
                      std::to_string(config_.window.value()) + " s); check the node's clock");
  counters_->OnAccepted(sensor);
  return out;
}

}  // namespace tocsin::ingest::sapient
