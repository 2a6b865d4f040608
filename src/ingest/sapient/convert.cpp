#include "ingest/sapient/convert.h"

#include <GeographicLib/UTMUPS.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace tocsin::ingest::sapient {
namespace {

namespace pb = ::sapient_msg::bsi_flex_335_v2_0;
using net::RejectReason;

constexpr double kPi = 3.14159265358979323846;
constexpr double kDegPerRad = 180.0 / kPi;
constexpr double kMetresPerDegree = 111320.0;  // along a meridian, and along the equator
constexpr double kEarthRadius = 6371008.8;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '-') c = ' ';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(out.begin());
  return out;
}

struct Reject {
  RejectReason reason;
  std::string message;
};

bool Finite(double v) { return std::isfinite(v); }

// Latitude band letter -> [south, north) edges in degrees, or false.
bool BandEdges(char band, double* south, double* north) {
  static const std::string kBands = "CDEFGHJKLMNPQRSTUVWX";
  band = static_cast<char>(std::toupper(static_cast<unsigned char>(band)));
  auto i = kBands.find(band);
  if (i == std::string::npos) return false;
  *south = -80.0 + 8.0 * static_cast<double>(i);
  *north = band == 'X' ? 84.0 : *south + 8.0;
  return true;
}

// Fills r (kPosition) from a Location, or returns why not.
std::optional<Reject> FromLocation(const pb::Location& loc, double default_sigma, Report* r) {
  if (!loc.has_x() || !loc.has_y())
    return Reject{RejectReason::kMalformed, "location without x and y (both mandatory in BSI Flex 335 v2.0)"};
  const double x = loc.x(), y = loc.y();
  if (!Finite(x) || !Finite(y)) return Reject{RejectReason::kMalformed, "location x/y not finite"};
  std::optional<double> ex, ey;
  if (loc.has_x_error()) ex = std::fabs(loc.x_error());
  if (loc.has_y_error()) ey = std::fabs(loc.y_error());
  if ((ex && !Finite(*ex)) || (ey && !Finite(*ey))) return Reject{RejectReason::kMalformed, "location error not finite"};
  double lat = 0, lon = 0;
  std::optional<double> sigma;
  switch (loc.coordinate_system()) {
    case pb::LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M:
    case pb::LOCATION_COORDINATE_SYSTEM_LAT_LNG_RAD_M: {
      const bool rad = loc.coordinate_system() == pb::LOCATION_COORDINATE_SYSTEM_LAT_LNG_RAD_M;
      const double k = rad ? kDegPerRad : 1.0;
      lon = x * k;
      lat = y * k;
      if (!IsValidLatLon(lat, lon))
        return Reject{RejectReason::kMalformed, "location longitude x=" + Num(x) + ", latitude y=" + Num(y) +
                                                    (rad ? " (radians)" : " (degrees)") + " is out of range"};
      const double coslat = std::max(std::cos(lat / kDegPerRad), 1e-6);
      if (ey) sigma = *ey * k * kMetresPerDegree;
      if (ex) sigma = std::max(sigma.value_or(0.0), *ex * k * kMetresPerDegree * coslat);
      break;
    }
    case pb::LOCATION_COORDINATE_SYSTEM_UTM_M: {
      const std::string zone_text = loc.utm_zone();
      int zone = 0;
      char band = 0;
      int used = 0;
      if (std::sscanf(zone_text.c_str(), "%d%c%n", &zone, &band, &used) != 2 ||
          used != static_cast<int>(zone_text.size()) || zone < 1 || zone > 60) {
        return Reject{RejectReason::kMalformed, "UTM location needs utm_zone as zone number and latitude band (e.g. \"30U\"), got \"" +
                                                    zone_text + "\""};
      }
      double south = 0, north = 0;
      if (!BandEdges(band, &south, &north))
        return Reject{RejectReason::kMalformed, "UTM zone \"" + zone_text + "\" has no valid latitude band letter (C-X)"};
      if (x < 100000.0 || x > 900000.0 || y < 0.0 || y > 10000000.0)
        return Reject{RejectReason::kMalformed,
                      "location x=" + Num(x) + ", y=" + Num(y) + " is not a UTM easting/northing in zone " + zone_text +
                          " (easting must be 100-900 km); if these are longitude/latitude, send "
                          "LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M"};
      try {
        GeographicLib::UTMUPS::Reverse(zone, south >= 0.0, x, y, lat, lon);
      } catch (const std::exception& e) {
        return Reject{RejectReason::kMalformed, "UTM location x=" + Num(x) + ", y=" + Num(y) + " in zone " + zone_text +
                                                    " cannot be converted (" + e.what() + ")"};
      }
      if (lat < south - 0.5 || lat > north + 0.5)
        return Reject{RejectReason::kMalformed, "UTM location x=" + Num(x) + ", y=" + Num(y) + " lies at latitude " +
                                                    Num(lat) + ", outside band " + std::string(1, band) + " of zone " +
                                                    zone_text + "; check the northing and zone"};
      if (ex) sigma = *ex;
      if (ey) sigma = std::max(sigma.value_or(0.0), *ey);
      break;
    }
    default:
      return Reject{RejectReason::kUnsupported, "location coordinate system " +
                                                    pb::LocationCoordinateSystem_Name(loc.coordinate_system()) +
                                                    " is not supported; use LAT_LNG_DEG_M, LAT_LNG_RAD_M or UTM_M"};
  }
  r->kind = ReportKind::kPosition;
  r->position = LatLon{lat, lon};
  if (loc.has_z()) {
    if (!Finite(loc.z()) || std::fabs(loc.z()) > 1e6)
      return Reject{RejectReason::kMalformed, "location z=" + Num(loc.z()) + " is not a plausible altitude in metres"};
    r->alt_m = loc.z();
  }
  r->sigma_m = (sigma && *sigma > 0.0) ? *sigma : default_sigma;
  return std::nullopt;
}

std::optional<Reject> FromRangeBearing(const pb::RangeBearing& rb, const SensorDescription* desc, Report* r) {
  double angle = 1.0, length = 1.0;
  switch (rb.coordinate_system()) {
    case pb::RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_M: break;
    case pb::RANGE_BEARING_COORDINATE_SYSTEM_RADIANS_M: angle = kDegPerRad; break;
    case pb::RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_KM: length = 1000.0; break;
    case pb::RANGE_BEARING_COORDINATE_SYSTEM_RADIANS_KM: angle = kDegPerRad; length = 1000.0; break;
    default:
      return Reject{RejectReason::kUnsupported, "range-bearing coordinate system " +
                                                    pb::RangeBearingCoordinateSystem_Name(rb.coordinate_system()) +
                                                    " is not supported; use DEGREES_M, RADIANS_M, DEGREES_KM or RADIANS_KM"};
  }
  if (rb.datum() != pb::RANGE_BEARING_DATUM_TRUE && rb.datum() != pb::RANGE_BEARING_DATUM_UNSPECIFIED)
    return Reject{RejectReason::kUnsupported, "range-bearing datum " + pb::RangeBearingDatum_Name(rb.datum()) +
                                                  " is not supported; report azimuths from true north (RANGE_BEARING_DATUM_TRUE)"};
  if (!rb.has_azimuth() || !Finite(rb.azimuth()))
    return Reject{RejectReason::kMalformed, "range-bearing without a finite azimuth"};
  double az = std::fmod(rb.azimuth() * angle, 360.0);
  if (az < 0) az += 360.0;
  r->azimuth_deg = az;
  if (rb.has_elevation()) {
    double el = rb.elevation() * angle;
    if (!Finite(el) || el < -90.0 || el > 90.0)
      return Reject{RejectReason::kMalformed, "range-bearing elevation " + Num(el) + " degrees is out of range [-90, 90]"};
    r->elevation_deg = el;
  }
  r->kind = ReportKind::kBearing;
  if (rb.has_range()) {
    double range = rb.range() * length;
    if (!Finite(range) || range < 0.0)
      return Reject{RejectReason::kMalformed, "range-bearing range " + Num(range) + " m is negative or not finite"};
    if (desc == nullptr || desc->type == SensorType::kRadar) {
      r->kind = ReportKind::kRadar;
      r->range_m = range;
      if (desc != nullptr && desc->Is2dRadar()) r->elevation_deg.reset();
    }
  }
  return std::nullopt;
}

void BestCategory(const google::protobuf::RepeatedPtrField<DetectionReport::SubClass>& subs,
                  std::optional<ThreatCategory>* best, double* best_conf) {
  for (const auto& s : subs) {
    auto c = CategoryOfClassification(s.type());
    double conf = s.has_confidence() ? s.confidence() : 0.0;
    if (c && (!*best || conf > *best_conf)) {
      *best = c;
      *best_conf = conf;
    }
    BestCategory(s.sub_class(), best, best_conf);
  }
}

}  // namespace

std::optional<ThreatCategory> CategoryOfClassification(std::string_view type) {
  const std::string t = Lower(type);
  static const char* kDrone[] = {"drone", "uav", "uas", "suas", "quadcopter", "multirotor", "multi rotor",
                                 "fixed wing uav", "rotary wing uav", "unmanned aerial vehicle", "unmanned aircraft",
                                 "unmanned aircraft system", "loitering munition", "shahed"};
  static const char* kAircraft[] = {"aircraft", "fixed wing", "helicopter", "manned aircraft", "airplane", "aeroplane",
                                    "plane", "rotary wing"};
  for (const char* d : kDrone)
    if (t == d) return ThreatCategory::kDrone;
  for (const char* a : kAircraft)
    if (t == a) return ThreatCategory::kAircraft;
  if (t == "cruise missile") return ThreatCategory::kCruiseMissile;
  if (t == "ballistic missile") return ThreatCategory::kBallisticMissile;
  if (t == "rocket") return ThreatCategory::kRocket;
  return std::nullopt;
}

SapientOutcome ToReport(const SapientMessage& m, const SapientNodes& nodes, const SensorIndex* sensors) {
  SapientOutcome out;
  out.node_id = m.node_id();
  if (m.content_case() != SapientMessage::CONTENT_NOT_SET) {
    const auto* field = m.GetDescriptor()->FindFieldByNumber(static_cast<int>(m.content_case()));
    if (field != nullptr) out.content = field->name();
  }
  auto reject = [&](RejectReason reason, std::string why) {
    out.reason = reason;
    out.message = "SAPIENT message from node \"" + m.node_id() + "\": " + why;
    return out;
  };
  if (m.content_case() == SapientMessage::CONTENT_NOT_SET)
    return reject(RejectReason::kMalformed, "no content (registration, detection_report, ...); nothing to do");
  if (m.content_case() != SapientMessage::kDetectionReport) {
    out.ignored = true;
    return out;
  }
  const SapientNode* node = nodes.Find(m.node_id());
  if (node == nullptr)
    return reject(RejectReason::kUnknownNode,
                  "node id not configured; map it to a sensor id in the SAPIENT node config");
  const SensorDescription* desc = nullptr;
  if (sensors != nullptr) {
    desc = sensors->Find(node->sensor.str());
    if (desc == nullptr)
      return reject(RejectReason::kUnknownSensor,
                    "mapped to sensor \"" + node->sensor.str() + "\", which is not in the sensor list");
  }
  if (!m.has_timestamp()) return reject(RejectReason::kMalformed, "no timestamp (mandatory)");
  const double t = static_cast<double>(m.timestamp().seconds()) + m.timestamp().nanos() * 1e-9;
  if (!(t > 0)) return reject(RejectReason::kMalformed, "timestamp " + Num(t) + " is not a positive Unix time");

  const DetectionReport& d = m.detection_report();
  Report r;
  r.sensor = node->sensor;
  r.time = UnixTime(t);
  std::optional<Reject> bad;
  switch (d.location_oneof_case()) {
    case DetectionReport::kLocation: bad = FromLocation(d.location(), nodes.SigmaFor(*node), &r); break;
    case DetectionReport::kRangeBearing: bad = FromRangeBearing(d.range_bearing(), desc, &r); break;
    default: return reject(RejectReason::kMalformed, "detection report " + d.report_id() + " has no location or range_bearing");
  }
  if (bad) return reject(bad->reason, "detection report " + d.report_id() + ": " + bad->message);

  std::optional<ThreatCategory> best;
  double best_conf = -1.0;
  for (const auto& c : d.classification()) {
    auto cat = CategoryOfClassification(c.type());
    double conf = c.has_confidence() ? c.confidence() : 0.0;
    if (cat && (!best || conf > best_conf)) {
      best = cat;
      best_conf = conf;
    }
    BestCategory(c.sub_class(), &best, &best_conf);
  }
  r.class_hint = best;
  out.report = std::move(r);
  return out;
}

}  // namespace tocsin::ingest::sapient
