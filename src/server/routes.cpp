// The HTTP routes of `tocsin serve` (docs/serve.md, "HTTP API"). Handlers run on io
// threads and read immutable snapshots (LiveCore::snapshot, Fanout::alerts); operator
// actions are handed to the pipeline thread and wait for its answer.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "publish/oref.h"
#include "publish/time_format.h"
#include "server/api_json.h"
#include "server/service_impl.h"
#include "server/store_log.h"
#include "store/event_store.h"

namespace tocsin::server {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;

std::string ReadFileOr(const std::string& path, std::string fallback) {
  if (path.empty()) return fallback;
  std::ifstream in(path, std::ios::binary);
  if (!in) return fallback;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<std::string> BearerToken(const Request& r) {
  auto h = r.Header("Authorization");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  if (v.size() < 7 || (v.substr(0, 7) != "Bearer " && v.substr(0, 7) != "bearer ")) return std::nullopt;
  return std::string(v.substr(7));
}

std::optional<double> QueryNumber(const Request& r, const char* key) {
  auto v = r.Query(key);
  if (v.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || *end) return std::nullopt;
  return d;
}

Result<ManualAlertRequest> ParseManual(const std::string& body) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception&) {
    return Status::Error("the body is not JSON: send {\"zones\": [ids]} or {\"polygon\": [[lon, lat], ...]}");
  }
  if (!j.is_object()) return Status::Error("the body must be a JSON object");
  ManualAlertRequest r;
  try {
    if (j.contains("zones")) r.zones = j.at("zones").get<std::vector<std::string>>();
    if (j.contains("polygon"))
      for (const auto& p : j.at("polygon")) {
        if (!p.is_array() || p.size() < 2) return Status::Error("polygon points are [lon, lat] pairs");
        r.polygon.push_back({p[1].get<double>(), p[0].get<double>()});
      }
    if (j.contains("category")) {
      auto c = ParseThreatCategory(j.at("category").get<std::string>());
      if (!c) return Status::Error("category must be one of drone, cruise_missile, ballistic_missile, rocket, aircraft, unknown");
      r.category = *c;
    }
    if (j.contains("note")) r.note = j.at("note").get<std::string>();
    if (j.contains("duration_s")) r.duration_s = j.at("duration_s").get<double>();
  } catch (const json::exception&) {
    return Status::Error("wrong field type: zones is a list of ids, polygon a list of [lon, lat], category/note "
                         "strings, duration_s a number");
  }
  if (r.note.size() > 1000) return Status::Error("note is longer than 1000 characters");
  return r;
}

// The pre-alerts ("P-" ids) open in `s` on the zones of the alerts `alert_ids`: the
// pre-alerts a manual alert starts (or finds) with its alerts, which a cancel of
// those zones ends with them.
std::vector<std::string> PreAlertsOnZonesOf(const Snapshot& s, const std::vector<std::string>& alert_ids) {
  std::set<zones::ZoneIndex> zones;
  for (const auto& v : s.alerts)
    if (!v.alert.prealert && std::find(alert_ids.begin(), alert_ids.end(), v.alert.id.str()) != alert_ids.end())
      zones.insert(v.alert.zone);
  std::vector<std::string> out;
  for (const auto& v : s.alerts)
    if (v.alert.prealert && zones.count(v.alert.zone)) out.push_back(v.alert.id.str());
  return out;
}

// `snapshot`: the state after the action (for an issued outcome's pre-alerts).
Response OutcomeResponse(const OperatorOutcome& o, const Snapshot& snapshot) {
  if (o.http_status >= 400) return Response::Error(o.http_status, o.status);
  json j = {{"status", o.status}, {"alerts", o.alerts}};
  if (o.status == "issued") {
    // "alerts" keeps its meaning (the A- ids); "prealerts" the P- ids issued with them,
    // and "ids" both, as a cancel answers.
    const auto pre = PreAlertsOnZonesOf(snapshot, o.alerts);
    j["prealerts"] = pre;
    j["ids"] = o.alerts;
    for (const auto& p : pre) j["ids"].push_back(p);
  }
  if (!o.request.empty()) j["request"] = o.request;
  if (!o.regions.empty()) j["regions"] = o.regions;
  return Response::Json(j.dump(), o.http_status);
}

}  // namespace

void Service::Impl::RegisterRoutes(http::Router& router) {
  const std::string zones_json = ReadFileOr(zones_path, R"({"type":"FeatureCollection","features":[]})");
  const std::string regions_json = ReadFileOr(regions_path, R"({"type":"FeatureCollection","features":[]})");
  auto snap = [this]() { return core->snapshot(); };

  router.Get("/api/health", [snap](const Request&) { return Response::Json(HealthJson(*snap())); });
  router.Get("/api/zones", [zones_json](const Request&) {
    return Response::Json(zones_json).WithHeader("Cache-Control", "max-age=3600");
  });
  router.Get("/api/regions", [regions_json](const Request&) {
    return Response::Json(regions_json).WithHeader("Cache-Control", "max-age=3600");
  });
  router.Get("/api/sensors", [snap](const Request&) { return Response::Json(SensorsJson(*snap())); });
  router.Get("/api/alerts/active", [this, snap](const Request&) { return Response::Json(ActiveAlertsJson(*snap(), *catalog)); });
  router.Get("/api/tracks", [snap](const Request&) { return Response::Json(TracksJson(*snap())); });
  router.HandlePrefix("GET", "/api/tracks/", [this, snap](const Request& r) {
    auto s = snap();
    for (const auto& t : s->tracks)
      if (t->update.id.str() == r.path_suffix) return Response::Json(TrackDetailJson(*t, s->time.seconds(), *catalog));
    return Response::Error(404, "no live track '" + r.path_suffix + "'; see GET /api/tracks");
  });
  router.Get("/api/alerts/history", [this](const Request& r) {
    store::AlertHistoryQuery q;
    if (auto z = r.Query("zone"); !z.empty()) q.zone = ZoneId(z);
    if (auto s = QueryNumber(r, "since")) q.since = UnixTime(*s);
    if (auto l = QueryNumber(r, "limit")) q.limit = std::clamp<std::int64_t>(static_cast<std::int64_t>(*l), 1, 10000);
    q.mode = config.mode;
    json events = json::array();
    if (reader) {
      auto rows = reader->AlertHistory(q);
      if (!rows.ok()) return Response::Error(503, "the event store could not be read: " + rows.status().message());
      for (const auto& row : *rows) {
        json e = json::parse(row.line);
        e["seq"] = row.seq;
        if (row.manual) e["manual"] = true;
        events.push_back(std::move(e));
      }
    } else {  // no store: the recent decisions kept in memory
      for (const auto& d : fanout->recent_decisions()) {
        if (q.zone && d.zone != q.zone->str()) continue;
        if (d.time < q.since.seconds()) continue;
        events.push_back(json::parse(d.json));
      }
      if (static_cast<std::int64_t>(events.size()) > q.limit)
        events.erase(events.begin(), events.end() - q.limit);
    }
    return Response::Json(json{{"events", events}}.dump());
  });

  // Streams.
  http::StreamEndpoint stream;
  stream.broadcaster = broadcaster;
  stream.check = [this](const Request&, const http::SubscriberFilter& f) -> std::optional<Response> {
    for (const auto& z : f.zones)
      if (!catalog->Find(ZoneId(z)))
        return Response::Error(400, "unknown zone '" + z + "' in ?zones=: use ids from GET /api/zones");
    return std::nullopt;
  };
  router.Sse("/api/stream", stream);
  router.WebSocket("/api/ws", stream);

  // Operators.
  auto who = [this](const Request& r) -> std::optional<OperatorIdentity> {
    auto t = BearerToken(r);
    if (!t) return std::nullopt;
    return operators.Authenticate(*t);
  };
  auto unauthorized = [] {
    return Response::Error(401, "operator token missing or not recognised: send 'Authorization: Bearer <token>' "
                                "with a token listed (as its SHA-256) in the operators file")
        .WithHeader("WWW-Authenticate", "Bearer");
  };
  auto forbidden = [](const OperatorIdentity& o) {
    return Response::Error(403, "operator '" + o.name + "' has role '" + o.role +
                                    "', which may not issue or cancel alerts (roles operator, supervisor may)");
  };
  router.Get("/api/operator/whoami", [who, unauthorized](const Request& r) {
    auto o = who(r);
    if (!o) return unauthorized();
    return Response::Json(json{{"operator", o->name}, {"role", o->role}, {"may_act", CanAct(o->role)}}.dump());
  });
  router.Get("/api/operator/pending", [who, unauthorized, snap](const Request& r) {
    if (!who(r)) return unauthorized();
    return Response::Json(PendingJson(*snap()));
  });
  router.Get("/api/operator/audit", [this, who, unauthorized](const Request& r) {
    if (!who(r)) return unauthorized();
    json entries = json::array();
    if (reader) {
      auto rows = reader->Audit(UnixTime(QueryNumber(r, "since").value_or(0)), 1000);
      if (!rows.ok()) return Response::Error(503, "the event store could not be read: " + rows.status().message());
      for (const auto& a : *rows)
        entries.push_back({{"seq", a.seq}, {"time", a.record.time.seconds()}, {"operator", a.record.operator_name},
                           {"role", a.record.role}, {"action", a.record.action},
                           {"detail", json::parse(a.record.detail_json, nullptr, false)}, {"result", a.record.result}});
    }
    return Response::Json(json{{"entries", entries}}.dump());
  });
  router.Post("/api/operator/alerts", [this, who, unauthorized, forbidden](const Request& r) {
    auto o = who(r);
    if (!o) return unauthorized();
    if (!CanAct(o->role)) return forbidden(*o);
    auto req = ParseManual(r.body);
    if (!req.ok()) return Response::Error(400, req.status().message());
    const auto outcome = core->IssueManual(*o, *req);  // returns after the snapshot of its decisions
    return OutcomeResponse(outcome, *core->snapshot());
  });
  router.HandlePrefix("POST", "/api/operator/requests/", [this, who, unauthorized, forbidden](const Request& r) {
    auto o = who(r);
    if (!o) return unauthorized();
    if (!CanAct(o->role)) return forbidden(*o);
    const std::string suffix = r.path_suffix;
    const auto slash = suffix.find('/');
    if (slash == std::string::npos || suffix.substr(slash) != "/confirm")
      return Response::Error(404, "use POST /api/operator/requests/<R-id>/confirm");
    const auto outcome = core->Confirm(*o, suffix.substr(0, slash));
    return OutcomeResponse(outcome, *core->snapshot());
  });
  router.Post("/api/operator/cancel", [this, who, unauthorized, forbidden](const Request& r) {
    auto o = who(r);
    if (!o) return unauthorized();
    if (!CanAct(o->role)) return forbidden(*o);
    CancelRequest c;
    auto j = json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return Response::Error(400, "the body must be a JSON object: {\"alert\": id} or {\"zone\": id} or {\"all\": true}");
    if (j.contains("alert") && j["alert"].is_string()) c.alert = j["alert"];
    if (j.contains("zone") && j["zone"].is_string()) c.zone = j["zone"];
    if (j.contains("all") && j["all"].is_boolean()) c.all = j["all"];
    const auto outcome = core->Cancel(*o, c);
    return OutcomeResponse(outcome, *core->snapshot());
  });

  // Feeds.
  const publish::Mode pmode = config.mode;
  router.Get("/cap/atom.xml", [this, pmode](const Request&) {
    auto alerts = fanout->alerts();
    return Response::Text(publish::FormatCapAtomFeed(*alerts, *catalog, pmode, cap, clock->Now()), 200,
                          "application/atom+xml; charset=utf-8");
  });
  router.HandlePrefix("GET", "/cap/alerts/", [this, pmode](const Request& r) {
    std::string id = r.path_suffix;
    if (id.size() > 4 && id.substr(id.size() - 4) == ".xml") id.resize(id.size() - 4);
    auto alerts = fanout->alerts();
    auto msg = publish::FindCapMessage(*alerts, *catalog, id, pmode, cap);
    if (!msg) return Response::Error(404, "no CAP message '" + id + "' among recent alerts; see /cap/atom.xml");
    return Response::Text(*msg, 200, "application/cap+xml; charset=utf-8");
  });
  router.Get("/warningMessages/alert/Alerts.json", [this, pmode](const Request&) {
    auto alerts = fanout->alerts();
    return Response::Text(publish::FormatOrefAlertsJson(*alerts, clock->Now(), pmode), 200,
                          "application/json; charset=utf-8");
  });
  router.Get("/warningMessages/alert/History/AlertsHistory.json", [this, pmode](const Request&) {
    auto alerts = fanout->alerts();
    return Response::Text(publish::FormatOrefAlertsHistoryJson(*alerts, clock->Now(), pmode), 200,
                          "application/json; charset=utf-8");
  });
  router.Get("/v1/alerts/active.json", [this, pmode](const Request& r) {
    if (!config.alerts_in_ua_tokens.empty()) {
      auto t = BearerToken(r);
      if (!t || std::find(config.alerts_in_ua_tokens.begin(), config.alerts_in_ua_tokens.end(), *t) ==
                    config.alerts_in_ua_tokens.end())
        return Response::Error(401, "API token missing or invalid: send 'Authorization: Bearer <token>' with a "
                                    "token from http.alerts_in_ua_tokens");
    }
    auto alerts = fanout->alerts();
    const UnixTime last = publish::AlertsInUaLastModified(*alerts, UnixTime(0));
    const std::string lm = publish::FormatHttpDate(last);
    if (auto ims = r.Header("If-Modified-Since")) {
      if (auto t = publish::ParseHttpDate(*ims); t && t->seconds() >= std::floor(last.seconds()))
        return Response::Text("", 304).WithHeader("Last-Modified", lm);
    }
    return Response::Text(publish::FormatAlertsInUaActive(*alerts, places, last, clock->Now(), pmode), 200,
                          "application/json; charset=utf-8")
        .WithHeader("Last-Modified", lm);
  });
  router.Get("/metrics", [this](const Request&) {
    return Response::Text(MetricsText(), 200, "text/plain; version=0.0.4; charset=utf-8");
  });

  // The console.
  std::filesystem::path web = config.web_dir;
  if (web.empty()) web = std::filesystem::path(TOCSIN_WEB_DIR);
  if (std::filesystem::exists(web / "index.html")) {
    router.Static("/", web);
  } else {
    const std::string msg = "The console is not built (no " + (web / "index.html").string() +
                            "). Build it with scripts/build-web.sh, or give --web-dir. The API is at /api/health.";
    router.Get("/", [msg](const Request&) { return Response::Text(msg, 200); });
  }
}

}  // namespace tocsin::server
