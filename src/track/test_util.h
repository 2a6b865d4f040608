// Synthetic sensors and noisy reports for the tracker tests and benchmark.
#pragma once

#include <cmath>
#include <random>
#include <string>

#include "ingest/report.h"
#include "ingest/sensor.h"
#include "track/ecef.h"

namespace tocsin::track::testing {

inline ingest::SensorDescription Radar3d(const std::string& id, double lat, double lon, double period = 4.0) {
  ingest::SensorDescription d;
  d.id = SensorId(id);
  d.type = ingest::SensorType::kRadar;
  d.position = LatLon{lat, lon};
  d.alt_m = 100.0;
  d.sigma.range_m = 50.0;
  d.sigma.azimuth_deg = 0.2;
  d.sigma.elevation_deg = 0.2;
  d.max_range_m = 300000.0;
  d.period_s = period;
  d.p_detect = 1.0;
  return d;
}

inline ingest::SensorDescription Radar2d(const std::string& id, double lat, double lon, double period = 10.0) {
  auto d = Radar3d(id, lat, lon, period);
  d.sigma.elevation_deg.reset();
  d.sigma.range_m = 150.0;
  d.sigma.azimuth_deg = 0.4;
  return d;
}

inline ingest::SensorDescription Acoustic(const std::string& id, double lat, double lon) {
  ingest::SensorDescription d;
  d.id = SensorId(id);
  d.type = ingest::SensorType::kAcoustic;
  d.position = LatLon{lat, lon};
  d.alt_m = 150.0;
  d.sigma.azimuth_deg = 5.0;
  d.max_range_m = 6000.0;
  d.period_s = 3.0;
  d.p_detect = 1.0;
  return d;
}

// A plot of the ECEF point `p` seen by `d` with gaussian noise (no noise when rng is null).
inline ingest::Report Plot(const ingest::SensorDescription& d, const Vec3& p, double t, std::mt19937_64* rng) {
  const SensorFrame f = MakeSensorFrame(d.position->lat, d.position->lon, d.alt_m);
  const Vec3 enu = f.ToEnu(p);
  std::normal_distribution<double> n(0.0, 1.0);
  auto noise = [&](double s) { return rng ? s * n(*rng) : 0.0; };
  ingest::Report r;
  r.sensor = d.id;
  r.time = UnixTime(t);
  r.kind = ingest::ReportKind::kRadar;
  r.range_m = enu.norm() + noise(*d.sigma.range_m);
  double az = std::atan2(enu.x(), enu.y()) * 180.0 / M_PI + noise(*d.sigma.azimuth_deg);
  if (az < 0) az += 360.0;
  if (az >= 360.0) az -= 360.0;
  r.azimuth_deg = az;
  if (d.sigma.elevation_deg) {
    r.elevation_deg = std::atan2(enu.z(), std::hypot(enu.x(), enu.y())) * 180.0 / M_PI + noise(*d.sigma.elevation_deg);
  }
  return r;
}

inline ingest::Report Bearing(const ingest::SensorDescription& d, const Vec3& p, double t, std::mt19937_64* rng) {
  auto r = Plot(d, p, t, nullptr);
  std::normal_distribution<double> n(0.0, 1.0);
  r.kind = ingest::ReportKind::kBearing;
  r.range_m = 0.0;
  r.elevation_deg.reset();
  double az = r.azimuth_deg + (rng ? *d.sigma.azimuth_deg * n(*rng) : 0.0);
  r.azimuth_deg = std::fmod(az + 360.0, 360.0);
  return r;
}

// ECEF of a point `east`, `north` metres from (lat, lon) at altitude `alt`.
inline Vec3 Local(double lat, double lon, double east, double north, double alt) {
  const SensorFrame f = MakeSensorFrame(lat, lon, 0.0);
  const Vec3 p = f.FromEnu(Vec3(east, north, 0.0));
  const Geodetic g = ToGeodetic(p);
  return ToEcef(g.lat, g.lon, alt);
}

}  // namespace tocsin::track::testing
