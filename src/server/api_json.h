// JSON bodies of the HTTP API (docs/serve.md, "HTTP API"): one function per
// endpoint body, each rendering from an immutable Snapshot, and the one
// serialisation of a published decision shared by SSE, WebSocket and the history.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <string>

#include "server/live_types.h"
#include "zones/catalog.h"

namespace tocsin::server {

// The alert-log line of spec/alert-log.md plus "seq", "mode" and, on manual
// alerts, "manual": true, "note" and "expected_at".
std::string DecisionJson(const PublishedEvent& e, Mode mode);

std::string HealthJson(const Snapshot& s, std::size_t stale_limit = 100);
std::string ActiveAlertsJson(const Snapshot& s, const zones::Catalog& catalog);
std::string TracksJson(const Snapshot& s);
// One track as in TracksJson plus "arrivals": [{"zone", "name", "earliest"}] — every
// zone its alert pieces reach, earliest first (at most `max_zones`). Costs one catalog
// query per piece, so it is served per track (GET /api/tracks/<id>), not in the list.
std::string TrackDetailJson(const TrackView& t, double now, const zones::Catalog& catalog,
                            std::size_t max_zones = 300);
std::string SensorsJson(const Snapshot& s);
std::string PendingJson(const Snapshot& s);

}  // namespace tocsin::server
