// Simulated sensors: coverage (max range, radar horizon), measurement errors that match
// the declared sigmas, detection probability, class-hint confusion, ordering.
#include "sim/sensor_sim.h"

#include "ingest/radar_cover.h"

#include <GeographicLib/LocalCartesian.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "ingest/sensor_json.h"

namespace tocsin::sim {
namespace {

constexpr double kT0 = 1757203200;
constexpr double kDeg = M_PI / 180;

ingest::SensorDescription Sensor(const std::string& json) {
  Result<ingest::SensorList> l = ingest::ParseSensorList("[" + json + "]", "test");
  EXPECT_TRUE(l.ok()) << l.status().message();
  return l->sensors.at(0);
}

Flight Hover(LatLon at, double alt, double seconds, ThreatCategory kind = ThreatCategory::kAircraft) {
  Flight f;
  f.id = "H";
  f.kind = kind;
  f.points = {{kT0, at.lat, at.lon, alt}, {kT0 + seconds, at.lat, at.lon, alt}};
  return f;
}

struct Stats {
  double n = 0, sum = 0, sum2 = 0;
  void Add(double x) { n += 1, sum += x, sum2 += x * x; }
  double Mean() const { return sum / n; }
  double Sd() const { return std::sqrt(sum2 / n - Mean() * Mean()); }
};

double WrapDiff(double a, double b) {
  double d = std::fmod(a - b + 540.0, 360.0) - 180.0;
  return d;
}

std::vector<SimReport> RunSensors(const std::vector<ingest::SensorDescription>& sensors, std::vector<Flight>* flights,
                           std::uint64_t seed = 1, int threads = 1) {
  ingest::SensorList list;
  list.epoch = kT0;
  list.sensors = sensors;
  SensorSimOptions o;
  o.epoch = kT0;
  o.end_time = kT0;
  for (const Flight& f : *flights) o.end_time = std::max(o.end_time, f.end());
  o.seed = seed;
  o.threads = threads;
  return SimulateSensors(list, flights, o);
}

TEST(RadarSim, ErrorsMatchSigmasAndDetectionProbability) {
  auto radar = Sensor(R"({"id": "R", "type": "radar", "lat": 50, "lon": 30, "alt_m": 100,
      "sigma": {"range_m": 150, "azimuth_deg": 0.4, "elevation_deg": 0.3}, "max_range_m": 200000,
      "period_s": 1, "p_detect": 0.8, "false_per_scan": 0})");
  LatLon at = GeodesicDestination({50, 30}, 45, Metres(30000));
  std::vector<Flight> flights{Hover(at, 3000, 20000)};
  std::vector<SimReport> reports = RunSensors({radar}, &flights);
  GeographicLib::LocalCartesian lc(50, 30, 100);
  double e, n, u;
  lc.Forward(at.lat, at.lon, 3000, e, n, u);
  const double range = std::sqrt(e * e + n * n + u * u);
  const double az = std::atan2(e, n) / kDeg, el = std::atan2(u, std::hypot(e, n)) / kDeg;
  Stats dr, da, de;
  for (const SimReport& r : reports) {
    ASSERT_EQ(r.threat, 0);
    ASSERT_TRUE(r.has_elevation);
    dr.Add(r.v[0] - range);
    da.Add(WrapDiff(r.v[1], az));
    de.Add(r.v[2] - el);
  }
  // 20,000 scans at p_detect 0.8: mean 16,000, binomial sd 57; allow 4 sd.
  EXPECT_NEAR(dr.n, 16000, 4 * 57);
  // Sample sd within 3% of sigma (its own relative sd is 1/sqrt(2n) = 0.56%).
  EXPECT_NEAR(dr.Sd(), 150, 150 * 0.03);
  EXPECT_NEAR(da.Sd(), 0.4, 0.4 * 0.03);
  EXPECT_NEAR(de.Sd(), 0.3, 0.3 * 0.03);
  EXPECT_NEAR(dr.Mean(), 0, 5);
  EXPECT_NEAR(da.Mean(), 0, 0.02);
  EXPECT_NEAR(de.Mean(), 0, 0.02);
  ASSERT_TRUE(flights[0].first_seen.has_value());
  EXPECT_LT(*flights[0].first_seen - kT0, 10.0);
}

TEST(RadarSim, TwoDimensionalRadarReportsNoElevation) {
  auto radar = Sensor(R"({"id": "R2", "type": "radar", "lat": 50, "lon": 30, "alt_m": 100,
      "sigma": {"range_m": 300, "azimuth_deg": 0.6}, "max_range_m": 200000,
      "period_s": 10, "p_detect": 1, "false_per_scan": 3})");
  std::vector<Flight> flights{Hover(GeodesicDestination({50, 30}, 10, Metres(50000)), 2000, 3000)};
  std::vector<SimReport> reports = RunSensors({radar}, &flights);
  int clutter = 0;
  for (const SimReport& r : reports) {
    EXPECT_FALSE(r.has_elevation);
    clutter += r.threat < 0;
    EXPECT_LE(r.v[0], 200000 + 1);
  }
  EXPECT_EQ(reports.size() - clutter, 300u);  // p_detect 1: one plot per scan
  EXPECT_NEAR(clutter, 900, 4 * 30);          // Poisson(3) x 300 scans
}

TEST(RadarSim, NothingBeyondMaxRangeOrBelowTheHorizon) {
  // A low cruise missile (50 m) flying straight at a radar on a 30 m mast from 300 km,
  // and a high drone (2,500 m) on the same line. 4/3-earth horizon ranges:
  // sqrt(2 Re h_r) + sqrt(2 Re h_t) = 22.6 + 29.2 = 51.8 km and 22.6 + 206 = 229 km.
  auto radar = Sensor(R"({"id": "R", "type": "radar", "lat": 48, "lon": 35, "alt_m": 30,
      "sigma": {"range_m": 1, "azimuth_deg": 0.01, "elevation_deg": 0.01}, "max_range_m": 260000,
      "min_elevation_deg": -5, "period_s": 2, "p_detect": 1, "false_per_scan": 0})");
  std::vector<Flight> flights;
  for (double alt : {50.0, 2500.0}) {
    Flight f;
    f.id = alt < 100 ? "LOW" : "HIGH";
    f.kind = ThreatCategory::kCruiseMissile;
    LatLon start = GeodesicDestination({48, 35}, 90, Metres(300000));
    for (int k = 0; k <= 290; ++k) {
      LatLon p = GeodesicDestination(start, 270, Metres(1000.0 * k));
      f.points.push_back({kT0 + 4.0 * k, p.lat, p.lon, alt});
    }
    flights.push_back(f);
  }
  std::vector<SimReport> reports = RunSensors({radar}, &flights);
  std::map<int, double> max_range;
  GeographicLib::LocalCartesian lc(48, 35, 30);
  for (const SimReport& r : reports) {
    TruthPoint q = flights[r.threat].At(r.time);
    double e, n, u;
    lc.Forward(q.lat, q.lon, q.alt, e, n, u);
    EXPECT_LE(std::sqrt(e * e + n * n + u * u), 260000.0);
    EXPECT_GE(ingest::ApparentElevationDeg(e, n, u, 30), -ingest::HorizonDipDeg(30) - 1e-9);
    max_range[r.threat] = std::max(max_range[r.threat], r.v[0]);
  }
  EXPECT_NEAR(max_range[0], 51800, 2500) << "the low flyer is seen only inside the radar horizon";
  EXPECT_NEAR(max_range[1], 229000, 5000);
}

TEST(RadarSim, MinElevationIsHonoured) {
  auto radar = Sensor(R"({"id": "R", "type": "radar", "lat": 48, "lon": 35, "alt_m": 100,
      "sigma": {"range_m": 1, "azimuth_deg": 0.01, "elevation_deg": 0.01}, "max_range_m": 300000,
      "min_elevation_deg": 1.0, "period_s": 2, "p_detect": 1, "false_per_scan": 0})");
  Flight f;
  f.kind = ThreatCategory::kDrone;
  for (int k = 0; k <= 200; ++k) {
    LatLon p = GeodesicDestination({48, 35}, 0, Metres(200000 - 1000.0 * k));
    f.points.push_back({kT0 + 20.0 * k, p.lat, p.lon, 2000});
  }
  std::vector<Flight> flights{f};
  std::vector<SimReport> reports = RunSensors({radar}, &flights);
  ASSERT_FALSE(reports.empty());
  GeographicLib::LocalCartesian lc(48, 35, 100);
  for (const SimReport& r : reports) {
    TruthPoint q = flights[0].At(r.time);
    double e, n, u;
    lc.Forward(q.lat, q.lon, q.alt, e, n, u);
    EXPECT_GE(ingest::ApparentElevationDeg(e, n, u, 100), 1.0 - 1e-9);
  }
}

TEST(AcousticSim, BearingNoiseDetectionAndClassConfusion) {
  auto mic = Sensor(R"({"id": "AC", "type": "acoustic", "lat": 46.5, "lon": 30.7, "alt_m": 50,
      "sigma": {"azimuth_deg": 6}, "max_range_m": 4000, "period_s": 1, "p_detect": 0.7, "false_per_scan": 0})");
  LatLon at = GeodesicDestination({46.5, 30.7}, 200, Metres(2000));
  std::vector<Flight> flights{Hover(at, 500, 20000, ThreatCategory::kDrone),
                              Hover(GeodesicDestination({46.5, 30.7}, 0, Metres(6000)), 500, 20000,
                                    ThreatCategory::kDrone)};
  flights[1].id = "FAR";
  std::vector<SimReport> reports = RunSensors({mic}, &flights);
  double true_az = GeodesicAzimuth({46.5, 30.7}, at);
  Stats da;
  int wrong = 0;
  for (const SimReport& r : reports) {
    ASSERT_EQ(r.threat, 0) << "the drone 6 km away is out of acoustic range";
    da.Add(WrapDiff(r.v[1], true_az));
    wrong += r.class_hint != static_cast<int>(ThreatCategory::kDrone);
  }
  EXPECT_NEAR(da.n, 14000, 4 * 65);
  EXPECT_NEAR(da.Sd(), 6.0, 6.0 * 0.03);
  EXPECT_NEAR(da.Mean(), 0, 0.3);
  EXPECT_NEAR(wrong / da.n, 0.15, 0.015);  // default confusion rate
  EXPECT_FALSE(flights[1].first_seen.has_value());
}

TEST(ObserverSim, PositionErrorsMatchSigma) {
  auto obs = Sensor(R"({"id": "OBS", "type": "observer", "sigma": {"position_m": 1500}, "max_range_m": 0,
      "period_s": 10, "p_detect": 0.5, "false_per_scan": 0})");
  LatLon at{49.9, 33.2};
  std::vector<Flight> flights{Hover(at, 300, 40000, ThreatCategory::kDrone)};
  std::vector<SimReport> reports = RunSensors({obs}, &flights);
  LocalTangentPlane plane(at);
  Stats de, dn;
  for (const SimReport& r : reports) {
    ASSERT_EQ(r.kind, ingest::ReportKind::kPosition);
    EXPECT_EQ(r.v[2], 1500);
    double e, n;
    plane.Forward({r.v[0], r.v[1]}, &e, &n);
    de.Add(e);
    dn.Add(n);
  }
  EXPECT_NEAR(de.n, 2000, 4 * 23);
  EXPECT_NEAR(de.Sd(), 1500, 1500 * 0.06);
  EXPECT_NEAR(dn.Sd(), 1500, 1500 * 0.06);
}

TEST(SensorSim, StreamIsInArrivalOrderPerSensorTimeOrderedAndDeterministic) {
  auto radar = Sensor(R"({"id": "R", "type": "radar", "lat": 46.5, "lon": 30.7, "alt_m": 100,
      "sigma": {"range_m": 100, "azimuth_deg": 0.3, "elevation_deg": 0.3}, "max_range_m": 200000,
      "period_s": 10, "p_detect": 0.9, "false_per_scan": 2})");
  auto mic = Sensor(R"({"id": "AC", "type": "acoustic", "lat": 46.5, "lon": 30.72, "alt_m": 50,
      "sigma": {"azimuth_deg": 6}, "max_range_m": 4000, "period_s": 3, "p_detect": 0.7, "false_per_scan": 0.01})");
  std::vector<Flight> flights;
  for (int i = 0; i < 5; ++i) {
    Flight f;
    f.id = "D" + std::to_string(i);
    f.kind = ThreatCategory::kDrone;
    for (int k = 0; k <= 100; ++k) {
      LatLon p = GeodesicDestination({46.5, 30.7}, 72.0 * i, Metres(20000 - 400.0 * k));
      f.points.push_back({kT0 + 10.0 * i + 8.0 * k, p.lat, p.lon, 500});
    }
    flights.push_back(f);
  }
  std::vector<Flight> copy = flights, copy2 = flights, other = flights;
  std::vector<SimReport> a = RunSensors({radar, mic}, &flights, 5, 1);
  std::vector<SimReport> b = RunSensors({radar, mic}, &copy, 5, 2);
  std::vector<SimReport> c = RunSensors({radar, mic}, &other, 6, 2);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].time, b[i].time);
    EXPECT_EQ(a[i].sensor, b[i].sensor);
    EXPECT_EQ(a[i].v[0], b[i].v[0]);
    EXPECT_EQ(a[i].v[1], b[i].v[1]);
  }
  bool differs = a.size() != c.size();
  for (std::size_t i = 0; !differs && i < a.size(); ++i) differs = a[i].v[1] != c[i].v[1];
  EXPECT_TRUE(differs) << "another seed must give another stream";

  std::map<std::uint32_t, double> last_time;
  double max_time = 0, worst_disorder = 0;
  int out_of_order = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (i > 0) EXPECT_GE(a[i].arrival, a[i - 1].arrival);
    EXPECT_LE(a[i].arrival - a[i].time, 3.0 + 1e-9);
    auto it = last_time.find(a[i].sensor);
    if (it != last_time.end()) {
      EXPECT_GE(a[i].time, it->second) << "one sensor's reports stay in time order";
    }
    last_time[a[i].sensor] = a[i].time;
    if (a[i].time < max_time) ++out_of_order, worst_disorder = std::max(worst_disorder, max_time - a[i].time);
    max_time = std::max(max_time, a[i].time);
  }
  EXPECT_GT(out_of_order, 0) << "streams of several sensors arrive slightly out of order";
  EXPECT_LE(worst_disorder, 3.0);
  for (const Flight& f : flights) ASSERT_TRUE(f.first_seen.has_value()) << f.id;
}

}  // namespace
}  // namespace tocsin::sim
