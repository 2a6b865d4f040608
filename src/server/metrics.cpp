// GET /metrics: Prometheus text format 0.0.4, every family once.
#include <cstdio>
#include <string>

#include "server/service_impl.h"

namespace tocsin::server {
namespace {

void Family(std::string* out, const char* name, const char* type, const char* help) {
  *out += "# HELP ";
  *out += name;
  *out += ' ';
  *out += help;
  *out += "\n# TYPE ";
  *out += name;
  *out += ' ';
  *out += type;
  *out += '\n';
}

void Sample(std::string* out, const char* name, double v, const std::string& labels = "") {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  *out += name;
  if (!labels.empty()) *out += "{" + labels + "}";
  *out += ' ';
  *out += buf;
  *out += '\n';
}

void Counter(std::string* out, const char* name, const char* help, double v) {
  Family(out, name, "counter", help);
  Sample(out, name, v);
}

void Gauge(std::string* out, const char* name, const char* help, double v) {
  Family(out, name, "gauge", help);
  Sample(out, name, v);
}

}  // namespace

std::string Service::Impl::MetricsText() const {
  std::string out;
  const LiveStats& s = core->stats();
  auto snap = core->snapshot();
  Counter(&out, "tocsin_reports_submitted_total", "Reports accepted by ingest and queued for the pipeline.", s.submitted);
  Counter(&out, "tocsin_reports_refused_overload_total",
          "Reports refused because the pipeline queue was full (their sensors are then treated as stale).",
          s.refused_overload);
  Counter(&out, "tocsin_reports_processed_total", "Reports run through the tracker.", s.processed);
  Counter(&out, "tocsin_decisions_total", "Alert decisions (starts and ends) stored and published.", s.decisions);
  Counter(&out, "tocsin_store_failures_total", "Event-log commits that failed (decisions were still published).",
          s.store_failures);
  Counter(&out, "tocsin_reports_pruned_total", "Stored reports deleted because they were older than the retention.",
          s.reports_pruned);
  Counter(&out, "tocsin_operator_actions_total", "Operator actions (audited).", s.operator_actions);
  Gauge(&out, "tocsin_live_tracks", "Confirmed live tracks.", s.live_tracks);
  Gauge(&out, "tocsin_active_alerts", "Zones under alert.", s.active_alerts);
  Gauge(&out, "tocsin_active_prealerts", "Zones under pre-alert.", s.active_prealerts);
  Gauge(&out, "tocsin_pending_dangers",
        "Tracks whose newest danger waits for the alert engine (it fell behind the tracker).", s.pending_dangers);
  Counter(&out, "tocsin_superseded_dangers_total",
          "Track dangers replaced by a newer one of the same track while waiting for the alert engine.",
          s.superseded_dangers);
  Gauge(&out, "tocsin_danger_wait_max_seconds", "Longest a track's danger has waited for the alert engine.",
        s.max_danger_wait_s.load());
  std::size_t stale = 0;
  if (snap)
    for (const auto& v : snap->sensors) stale += v.stale;
  Gauge(&out, "tocsin_sensors_stale", "Sensors treated as blind (silent or overloaded): dangers on them are widened.",
        static_cast<double>(stale));

  Family(&out, "tocsin_decision_latency_seconds", "histogram",
         "Time from a report's arrival to the publication after which no track danger that waited when it was "
         "tracked (its own among them) still waits for the alert engine: its decisions are then stored and "
         "published.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < LiveStats::kBuckets.size(); ++i) {
    cumulative += s.latency_counts[i];
    char le[32];
    std::snprintf(le, sizeof le, "le=\"%g\"", LiveStats::kBuckets[i]);
    Sample(&out, "tocsin_decision_latency_seconds_bucket", static_cast<double>(cumulative), le);
  }
  cumulative += s.latency_counts.back();
  Sample(&out, "tocsin_decision_latency_seconds_bucket", static_cast<double>(cumulative), "le=\"+Inf\"");
  Sample(&out, "tocsin_decision_latency_seconds_sum", s.latency_sum.load());
  Sample(&out, "tocsin_decision_latency_seconds_count", static_cast<double>(cumulative));

  ingest::net::AppendPrometheus({{"json", json_counters->Snapshot()},
                                 {"asterix", asterix_counters->Snapshot()},
                                 {"sapient", sapient_counters->Snapshot()}},
                                &out);
  Counter(&out, "tocsin_asterix_records_total", "ASTERIX records decoded.", asterix_records);

  const auto b = broadcaster->stats();
  Gauge(&out, "tocsin_stream_subscribers", "SSE and WebSocket subscribers connected.", b.subscribers);
  Counter(&out, "tocsin_stream_published_total", "Messages published to the streams.", b.published);
  Counter(&out, "tocsin_stream_sent_total", "Message copies written to subscribers.", b.sent);
  Counter(&out, "tocsin_stream_dropped_total", "Message copies discarded by the overflow policy.", b.dropped);
  Counter(&out, "tocsin_stream_overflow_disconnects_total", "Subscribers cut off for not keeping up.",
          b.overflow_disconnects);
  if (http) {
    const auto h = http->stats();
    Counter(&out, "tocsin_http_requests_total", "HTTP requests dispatched.", h.requests);
    Counter(&out, "tocsin_http_errors_4xx_total", "HTTP 4xx answers.", h.errors_4xx);
    Counter(&out, "tocsin_http_errors_5xx_total", "HTTP 5xx answers.", h.errors_5xx);
    Gauge(&out, "tocsin_http_connections_open", "Open HTTP connections (streams included).", h.connections_open);
  }
  if (mqtt) {
    const auto m = mqtt->counters();
    Counter(&out, "tocsin_mqtt_published_total", "Zone states acknowledged by the MQTT broker.", m.published);
    Counter(&out, "tocsin_mqtt_dropped_total", "Zone states dropped by the MQTT queue bound.", m.dropped);
    Gauge(&out, "tocsin_mqtt_connected", "1 when connected to the MQTT broker.", m.connected ? 1 : 0);
  }
  Counter(&out, "tocsin_feed_errors_total", "Decisions the feeds could not apply.", fanout->book_errors());
  return out;
}

}  // namespace tocsin::server
