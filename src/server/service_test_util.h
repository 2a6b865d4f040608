// Shared by the Service end-to-end tests (service_test.cpp, service_ingest_test.cpp):
// the test radar RAD-1, the JSON-lines plot it reports for a target, and reading a
// sample from /metrics.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include <GeographicLib/LocalCartesian.hpp>

namespace tocsin::server::servicetest {

// RAD-1 stands west of the test catalog's row of zones Z0..Z5 (lat 48, lon 30.0 .. 30.6).
inline constexpr double kRadarLat = 48.05, kRadarLon = 29.6, kRadarAlt = 100;

// Radar plot (spec/sensor-reports.md) of a target at (lat, lon, alt) seen from RAD-1:
// slant range, azimuth and geometric elevation in the radar's WGS84 local frame.
// `sensor` names the reporting sensor (RAD-1 unless a test checks a mismatch).
inline std::string RadarLine(double t, double lat, double lon, double alt, const std::string& sensor = "RAD-1") {
  GeographicLib::LocalCartesian lc(kRadarLat, kRadarLon, kRadarAlt);
  double x, y, z;
  lc.Forward(lat, lon, alt, x, y, z);
  const double r = std::sqrt(x * x + y * y + z * z);
  double az = std::atan2(x, y) * 180 / M_PI;
  if (az < 0) az += 360;
  const double el = std::asin(z / r) * 180 / M_PI;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                R"({"sensor":"%s","time":%.3f,"kind":"radar","range_m":%.1f,"azimuth_deg":%.4f,"elevation_deg":%.4f})",
                sensor.c_str(), t, r, az, el);
  return buf;
}

// The value of a Prometheus sample with exactly these labels (0 when absent).
inline double Metric(const std::string& text, const std::string& name, const std::string& labels = "") {
  const std::string key = labels.empty() ? name + " " : name + "{" + labels + "} ";
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) return std::strtod(line.c_str() + key.size(), nullptr);
  return 0;
}

}  // namespace tocsin::server::servicetest
