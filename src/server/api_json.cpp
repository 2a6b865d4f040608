#include "server/api_json.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "core/geo.h"

namespace tocsin::server {
namespace {

using nlohmann::json;

double Round(double v, double scale) { return std::round(v * scale) / scale; }

json Point(LatLon p) { return json::array({Round(p.lon, 1e6), Round(p.lat, 1e6)}); }

// A ring approximating a disc/ellipse, as GeoJSON [lon, lat] points (closed).
json EllipseRing(LatLon c, double a, double b, double azimuth_deg, int n = 36) {
  json ring = json::array();
  for (int i = 0; i <= n; ++i) {
    const double t = 2 * M_PI * (i % n) / n;
    const double x = a * std::cos(t), y = b * std::sin(t);  // x along the major axis
    const double r = std::hypot(x, y);
    const double bearing = azimuth_deg + std::atan2(y, x) * 180 / M_PI;
    ring.push_back(Point(r > 0 ? GeodesicDestination(c, bearing, Metres(r)) : c));
  }
  return ring;
}

json PieceJson(const alert::DangerArea& a) {
  json p = {{"earliest", Round(a.earliest_arrival.seconds(), 10)},
            {"latest", std::isfinite(a.latest_departure.seconds()) ? json(Round(a.latest_departure.seconds(), 10)) : json()},
            {"prealert_only", a.prealert_only}};
  if (const auto* d = std::get_if<alert::Disc>(&a.shape)) {
    p["type"] = "disc";
    p["radius_m"] = Round(d->radius.value(), 1);
    p["geometry"] = {{"type", "Polygon"}, {"coordinates", json::array({EllipseRing(d->centre, d->radius.value(), d->radius.value(), 0)})}};
  } else if (const auto* c = std::get_if<alert::Corridor>(&a.shape)) {
    p["type"] = "corridor";
    p["half_width_m"] = Round(c->half_width.value(), 1);
    json line = json::array();
    for (const auto& q : c->polyline) line.push_back(Point(q));
    p["geometry"] = {{"type", "LineString"}, {"coordinates", line}};
  } else if (const auto* e = std::get_if<alert::Ellipse>(&a.shape)) {
    p["type"] = "ellipse";
    p["semi_major_m"] = Round(e->semi_major.value(), 1);
    p["semi_minor_m"] = Round(e->semi_minor.value(), 1);
    p["geometry"] = {{"type", "Polygon"},
                     {"coordinates", json::array({EllipseRing(e->centre, e->semi_major.value(), e->semi_minor.value(),
                                                              e->major_azimuth_deg)})}};
  } else {
    const auto& poly = std::get<zones::Polygon>(a.shape);
    p["type"] = "polygon";
    json ring = json::array();
    for (const auto& q : poly.outer) ring.push_back(Point(q));
    p["geometry"] = {{"type", "Polygon"}, {"coordinates", json::array({ring})}};
  }
  return p;
}

}  // namespace

std::string DecisionJson(const PublishedEvent& p, Mode mode) {
  // The alert-log line (the one serialisation of a decision) with the extra fields
  // appended before its closing brace.
  json extra = json::object();
  if (alert::IsStart(p.event.kind)) {
    if (p.expected_at) extra["expected_at"] = *p.expected_at;
    if (p.manual) {
      extra["manual"] = true;
      if (!p.note.empty()) extra["note"] = p.note;
    }
  }
  extra["seq"] = p.seq;
  extra["mode"] = std::string(ToString(mode));
  std::string line = alert::ToJsonLine(p.event);
  const std::string tail = extra.dump(-1, ' ', false, json::error_handler_t::replace);
  line.pop_back();  // '}'
  line += ',';
  line.append(tail, 1, std::string::npos);  // tail without its '{'
  return line;
}

std::string HealthJson(const Snapshot& s, std::size_t stale_limit) {
  std::size_t alerts = 0, pre = 0;
  for (const auto& a : s.alerts) (a.alert.prealert ? pre : alerts)++;
  json stale = json::array();
  for (const auto& v : s.sensors)
    if (v.stale && stale.size() < stale_limit) stale.push_back(v.sensor->id.str());
  return json{{"status", stale.empty() ? "ok" : "degraded"},
              {"mode", std::string(ToString(s.mode))},
              {"time", s.time.seconds()},
              {"uptime_s", Round(s.uptime_s, 10)},
              {"tracks", s.tracks.size()},
              {"alerts", alerts},
              {"prealerts", pre},
              {"sensors", s.sensors.size()},
              {"sensors_stale", stale},
              {"last_seq", s.last_seq}}
      .dump();
}

std::string ActiveAlertsJson(const Snapshot& s, const zones::Catalog& catalog) {
  json list = json::array();
  for (const auto& v : s.alerts) {
    const auto& zone = catalog.zone(v.alert.zone);
    json threats = json::array();
    for (const auto& t : v.alert.threats) threats.push_back(t.str());
    json a = {{"alert", v.alert.id.str()},
              {"zone", zone.id.str()},
              {"zone_name", zone.name},
              {"region", zone.parent.str()},
              {"kind", v.alert.prealert ? "prealert" : "alert"},
              {"started", v.alert.started.seconds()},
              {"category", std::string(ToString(v.alert.category))},
              {"threats", threats},
              {"expected_at", v.expected_at ? json(*v.expected_at) : json()},
              {"shelter_s", zone.shelter.value()},
              {"manual", v.manual}};
    if (!v.note.empty()) a["note"] = v.note;
    list.push_back(std::move(a));
  }
  return json{{"time", s.time.seconds()}, {"mode", std::string(ToString(s.mode))}, {"alerts", list}}.dump();
}

static json TrackJson(const TrackView& t) {
  {
    const auto& u = t.update;
    json trail = json::array();
    for (const auto& p : t.trail) trail.push_back(Point(p));
    json sensors = json::array();
    for (const auto& id : u.sensors) sensors.push_back(id.str());
    double heading = std::atan2(u.vel_east, u.vel_north) * 180 / M_PI;
    if (heading < 0) heading += 360;
    json j = {{"id", u.id.str()},
              {"time", u.time.seconds()},
              {"lat", Round(u.position.lat, 1e6)},
              {"lon", Round(u.position.lon, 1e6)},
              {"alt_m", u.alt_known ? json(Round(u.alt_m, 1)) : json()},
              {"speed_mps", Round(std::hypot(u.vel_east, u.vel_north), 10)},
              {"heading_deg", Round(heading, 10)},
              {"vel_up", Round(u.vel_up, 10)},
              {"category", std::string(ToString(u.category))},
              {"category_confidence", Round(u.category_confidence, 100)},
              {"confidence", Round(u.confidence, 100)},
              {"pos_sigma_m", Round(u.pos_sigma.value(), 1)},
              {"sensors", sensors},
              {"trail", trail}};
    json pieces = json::array();
    if (t.danger)
      for (const auto& a : t.danger->areas) pieces.push_back(PieceJson(a));
    j["danger"] = {{"pieces", pieces}};
    return j;
  }
}

std::string TracksJson(const Snapshot& s) {
  json list = json::array();
  for (const auto& t : s.tracks) list.push_back(TrackJson(*t));
  return json{{"time", s.time.seconds()}, {"tracks", list}}.dump();
}

std::string TrackDetailJson(const TrackView& t, double now, const zones::Catalog& catalog, std::size_t max_zones) {
  json j = TrackJson(t);
  std::map<zones::ZoneIndex, double> earliest;
  if (t.danger)
    for (const auto& a : t.danger->areas) {
      if (a.prealert_only || a.latest_departure.seconds() < now) continue;
      std::vector<zones::ZoneIndex> hit;
      if (const auto* d = std::get_if<alert::Disc>(&a.shape)) hit = catalog.ZonesWithin(d->centre, d->radius);
      else if (const auto* c = std::get_if<alert::Corridor>(&a.shape)) hit = catalog.ZonesTouchingCorridor(c->polyline, c->half_width);
      else if (const auto* e = std::get_if<alert::Ellipse>(&a.shape))
        hit = catalog.ZonesTouchingEllipse(e->centre, e->semi_major, e->semi_minor, e->major_azimuth_deg);
      else hit = catalog.ZonesTouching(std::get<zones::Polygon>(a.shape));
      for (auto z : hit) {
        auto [it, fresh] = earliest.emplace(z, a.earliest_arrival.seconds());
        if (!fresh) it->second = std::min(it->second, a.earliest_arrival.seconds());
      }
    }
  std::vector<std::pair<double, zones::ZoneIndex>> order;
  for (const auto& [z, t0] : earliest) order.emplace_back(t0, z);
  std::sort(order.begin(), order.end());
  if (order.size() > max_zones) order.resize(max_zones);
  json arrivals = json::array();
  for (const auto& [t0, z] : order) {
    const auto& zone = catalog.zone(z);
    arrivals.push_back({{"zone", zone.id.str()}, {"name", zone.name}, {"earliest", Round(std::max(t0, now), 10)},
                        {"shelter_s", zone.shelter.value()}});
  }
  j["arrivals"] = arrivals;
  return j.dump();
}

std::string SensorsJson(const Snapshot& s) {
  json list = json::array();
  for (const auto& v : s.sensors) {
    const auto& d = *v.sensor;
    json j = {{"id", d.id.str()}, {"type", std::string(ingest::ToString(d.type))}, {"stale", v.stale},
              {"last_report", v.last_report > 0 ? json(v.last_report) : json()}};
    if (d.position) {
      j["lat"] = d.position->lat;
      j["lon"] = d.position->lon;
      j["alt_m"] = d.alt_m;
    }
    if (d.max_range_m > 0) j["range_m"] = d.max_range_m;
    list.push_back(std::move(j));
  }
  return json{{"sensors", list}}.dump();
}

std::string PendingJson(const Snapshot& s) {
  json list = json::array();
  for (const auto& p : s.pending)
    list.push_back({{"request", p.id}, {"requested_by", p.requested_by}, {"time", p.time}, {"zones", p.zones},
                    {"regions", p.regions}, {"category", p.category}, {"note", p.note}});
  return json{{"requests", list}}.dump();
}

}  // namespace tocsin::server
