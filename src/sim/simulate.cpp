#include "sim/simulate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <map>
#include <random>
#include <set>

#include "sim/data_files.h"
#include "sim/kinematics.h"
#include "sim/route.h"
#include "sim/sensor_sim.h"

namespace tocsin::sim {
namespace {

constexpr std::uint64_t kGridStream = 0x47524944;  // layout does not depend on the seed

std::string IdPrefix(ThreatCategory k) {
  switch (k) {
    case ThreatCategory::kDrone: return "D";
    case ThreatCategory::kCruiseMissile: return "C";
    case ThreatCategory::kBallisticMissile: return "B";
    case ThreatCategory::kRocket: return "R";
    default: return "A";
  }
}

LatLon Scatter(LatLon center, double radius_m, std::mt19937_64& rng) {
  if (radius_m <= 0) return center;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  double r = radius_m * std::sqrt(unit(rng));
  return GeodesicDestination(center, 360.0 * unit(rng), Metres(r));
}

std::pair<double, double> SpeedBand(const ThreatGroup& g, const WeaponProfile& p, Status* error) {
  std::pair<double, double> band{p.cruise_speed_min_mps, p.cruise_speed_max_mps};
  if (g.speed_mps) {
    if (g.speed_mps->first < p.cruise_speed_min_mps - 1e-9 || g.speed_mps->second > p.cruise_speed_max_mps + 1e-9)
      *error = Status::Error(g.name + ": speed_mps is outside the profile's cruise speeds for " + p.key);
    band = *g.speed_mps;
  }
  return band;
}

std::pair<double, double> AltitudeBand(const ThreatGroup& g, const WeaponProfile& p, Status* error) {
  double lo = p.alt_m_min.value_or(100), hi = p.alt_m_max.value_or(3000);
  std::pair<double, double> band{lo, hi};
  // Typical bands: drones 100-3,000 m, cruise missiles 30-100 m, within the profile.
  if (p.category == ThreatCategory::kDrone) band = {std::max(lo, 100.0), std::min(hi, 3000.0)};
  if (p.category == ThreatCategory::kCruiseMissile) band = {std::max(lo, 30.0), std::min(hi, 100.0)};
  if (band.first > band.second) band = {lo, hi};
  if (g.altitude_m) {
    if (g.altitude_m->first < lo - 1e-9 || g.altitude_m->second > hi + 1e-9)
      *error = Status::Error(g.name + ": altitude_m is outside the profile's altitudes for " + p.key);
    band = *g.altitude_m;
  }
  return band;
}

std::vector<double> LaunchTimes(const ThreatGroup& g, double epoch, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> centers;
  for (int w = 0; w < g.waves; ++w)
    centers.push_back(g.window_start_s + (g.window_end_s - g.window_start_s) * unit(rng));
  std::sort(centers.begin(), centers.end());
  std::vector<double> times;
  for (int i = 0; i < g.count; ++i) {
    double t = g.waves <= 1 ? g.window_start_s + (g.window_end_s - g.window_start_s) * unit(rng)
                            : centers[static_cast<std::size_t>(i % g.waves)] + g.wave_spread_s * unit(rng);
    times.push_back(epoch + t);
  }
  return times;
}

}  // namespace

ingest::SensorList BuildSensors(const AttackDescription& a, std::vector<double>* confusion) {
  ingest::SensorList list;
  list.epoch = a.epoch;
  list.sensors = a.sensors;
  std::vector<double> conf = a.sensor_class_confusion;
  conf.resize(list.sensors.size(), 0.15);
  for (std::size_t gi = 0; gi < a.acoustic_grids.size(); ++gi) {
    const AcousticGridSpec& g = a.acoustic_grids[gi];
    std::mt19937_64 rng(MixSeed(0, gi, kGridStream));
    std::uniform_real_distribution<double> unit(-1.0, 1.0);
    const double dlat = g.spacing_km * 1000.0 / 111195.0;
    int n = 0;
    int row = 0;
    for (double lat = g.lat_min; lat <= g.lat_max + 1e-12; lat += dlat, ++row) {
      double dlon = dlat / std::cos(lat * M_PI / 180.0);
      double offset = (row % 2) * 0.5 * dlon;  // staggered rows: a triangular grid
      for (double lon = g.lon_min + offset; lon <= g.lon_max + 1e-12; lon += dlon) {
        ingest::SensorDescription s = g.model;
        char id[32];
        std::snprintf(id, sizeof(id), "%05d", n++);
        s.id = SensorId(g.id_prefix + id);
        double jitter_lat = unit(rng) * g.jitter_km * 1000.0 / 111195.0;
        double jitter_lon = unit(rng) * g.jitter_km * 1000.0 / 111195.0 / std::cos(lat * M_PI / 180.0);
        s.position = LatLon{std::round((lat + jitter_lat) * 1e5) / 1e5, std::round((lon + jitter_lon) * 1e5) / 1e5};
        list.sensors.push_back(std::move(s));
        conf.push_back(g.class_confusion);
      }
    }
  }
  if (confusion) *confusion = std::move(conf);
  return list;
}

Result<std::vector<Flight>> BuildFlights(const AttackDescription& a, const std::vector<WeaponProfile>& profiles,
                                         std::uint64_t seed) {
  std::vector<Flight> flights;
  std::map<std::string, int> next_number;
  for (std::size_t gi = 0; gi < a.groups.size(); ++gi) {
    const ThreatGroup& g = a.groups[gi];
    const WeaponProfile* p = FindProfile(profiles, g.model);
    if (p == nullptr)
      return Status::Error("threat group \"" + g.name + "\": unknown model \"" + g.model +
                           "\"; use a model_key of data/threats/weapon-profiles.csv");
    Status band_error;
    auto speed = SpeedBand(g, *p, &band_error);
    auto alt = AltitudeBand(g, *p, &band_error);
    if (!band_error.ok()) return band_error;
    std::mt19937_64 group_rng(MixSeed(seed, gi, 0xA77AC4));
    std::vector<double> launch_times = LaunchTimes(g, a.epoch, group_rng);
    // Exactly round(share * count) destroyed, chosen at random.
    std::vector<int> order(static_cast<std::size_t>(g.count));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), group_rng);
    std::vector<bool> destroyed(order.size(), false);
    int n_destroyed = static_cast<int>(std::lround(g.destroyed_share * g.count));
    for (int k = 0; k < n_destroyed; ++k) destroyed[static_cast<std::size_t>(order[k])] = true;
    double total_weight = 0;
    for (const TargetSpec& t : g.targets) total_weight += t.weight;
    if (total_weight <= 0) return Status::Error("threat group \"" + g.name + "\": target weights sum to 0");
    std::string prefix = g.id_prefix.empty() ? IdPrefix(p->category) : g.id_prefix;

    for (int i = 0; i < g.count; ++i) {
      std::mt19937_64 rng(MixSeed(seed, gi, static_cast<std::uint64_t>(i) + 1));
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      LatLon site = g.sites[static_cast<std::size_t>(rng() % g.sites.size())];
      LatLon launch = Scatter(site, g.launch_radius_km * 1000.0, rng);
      // Targets beyond the model's maximum range (plus 10%) from this launch point are
      // not drawn.
      double reach_m = 1100.0 * p->range_km_max;
      double reachable_weight = 0;
      for (const TargetSpec& t : g.targets)
        if (GeodesicDistance(launch, t.place).value() <= reach_m) reachable_weight += t.weight;
      if (reachable_weight <= 0)
        return Status::Error("threat group \"" + g.name + "\": no target within the " +
                             std::to_string(static_cast<int>(p->range_km_max)) + " km range of " + p->key +
                             " from a launch site; add nearer targets or change the sites");
      double pick = unit(rng) * reachable_weight;
      const TargetSpec* target = nullptr;
      for (const TargetSpec& t : g.targets) {
        if (GeodesicDistance(launch, t.place).value() > reach_m) continue;
        target = &t;
        if (pick < t.weight) break;
        pick -= t.weight;
      }
      LatLon aim = Scatter(target->place, target->radius_km * 1000.0, rng);

      Flight f;
      char number[16];
      std::snprintf(number, sizeof(number), "%04d", next_number[prefix]++);
      f.id = prefix + number;
      f.kind = p->category;
      f.model = p->key;
      f.destroyed = destroyed[static_cast<std::size_t>(i)];
      const double t0 = launch_times[static_cast<std::size_t>(i)];

      if (p->model == FlightModel::kBallistic) {
        BallisticParams bp;
        bp.launch_time = t0;
        double range_km = GeodesicDistance(launch, aim).value() / 1000.0;
        // Unguided rockets fly flatter than missiles (about 0.15 R against 0.2 R).
        const bool rocket = p->category == ThreatCategory::kRocket;
        double apogee_km = g.apogee_km.value_or(std::min(p->apogee_km.value_or(50.0), (rocket ? 0.15 : 0.2) * range_km));
        bp.apogee_m = apogee_km * 1000.0;
        bp.burn_s = g.burn_s.value_or(std::clamp(3.0 + range_km / 20.0, 3.0, 90.0));
        bp.beta_kg_m2 = rocket ? 6000.0 : 20000.0;
        bp.launch_alt_m = g.launch_alt_m;
        bp.step_s = g.truth_step_s.value_or(1.0);
        Result<std::vector<TruthPoint>> pts = FlyBallistic(launch, aim, bp);
        if (!pts.ok()) return Status::Error("threat group \"" + g.name + "\", " + f.id + ": " + pts.status().message());
        f.points = std::move(pts).value();
      } else {
        std::vector<LatLon> via;
        for (LatLon v : g.via) via.push_back(Scatter(v, g.via_jitter_km * 1000.0, rng));
        std::vector<AvoidArea> avoid;
        for (const AvoidSpec& s : g.avoid) avoid.push_back({s.place, s.radius_km * 1000.0});
        std::vector<LatLon> route = PlanRoute(launch, via, aim, {g.turns, g.max_offset_km * 1000.0}, avoid, rng);
        AeroParams ap;
        ap.launch_time = t0;
        ap.speed_mps = speed.first + (speed.second - speed.first) * unit(rng);
        ap.terminal_speed_mps = std::max(ap.speed_mps, p->terminal_speed_mps.value_or(ap.speed_mps));
        for (std::size_t leg = 0; leg + 1 < route.size(); ++leg)
          ap.leg_alt_m.push_back(alt.first + (alt.second - alt.first) * unit(rng));
        bool drone = p->category == ThreatCategory::kDrone;
        ap.climb_angle_deg = drone ? 6 : 10;
        ap.dive_angle_deg = drone ? 35 : 20;
        ap.step_s = g.truth_step_s.value_or(drone ? 5.0 : 2.0);
        double fraction = 0.35 + 0.6 * unit(rng);
        if (f.destroyed) ap.destroyed_at_fraction = fraction;
        f.points = FlyAerodynamic(route, ap);
      }
      RoundToFile(&f);
      if (f.points.size() < 2)
        return Status::Error("threat group \"" + g.name + "\", " + f.id + ": flight too short (launch and target coincide?)");
      flights.push_back(std::move(f));
    }
  }
  return flights;
}

Result<Scenario> SimulateAttack(const AttackDescription& a, const std::vector<WeaponProfile>& profiles,
                                std::uint64_t seed, int threads, const LogFn& log) {
  auto t_start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  };
  auto say = [&](const std::string& s) {
    if (log) log(s);
  };
  Scenario sc;
  sc.name = a.name;
  sc.epoch = a.epoch;
  sc.zones = a.zones;
  std::vector<double> confusion;
  sc.sensors = BuildSensors(a, &confusion);
  {
    std::set<std::string> ids;
    for (const auto& s : sc.sensors.sensors)
      if (!ids.insert(s.id.str()).second)
        return Status::Error("sensor id \"" + s.id.str() + "\" is used twice (explicit sensors and grids); rename one");
  }
  say("sensors: " + std::to_string(sc.sensors.sensors.size()));
  Result<std::vector<Flight>> flights = BuildFlights(a, profiles, seed);
  if (!flights.ok()) return flights.status();
  sc.flights = std::move(flights).value();
  char line[160];
  std::snprintf(line, sizeof(line), "flights: %zu built (%.1f s)", sc.flights.size(), elapsed());
  say(line);

  SensorSimOptions o;
  o.epoch = a.epoch;
  o.end_time = a.epoch;
  for (const Flight& f : sc.flights) o.end_time = std::max(o.end_time, f.end());
  o.end_time += a.tail_s;
  o.seed = seed;
  o.max_latency_s = a.max_latency_s;
  o.class_confusion = confusion;
  o.threads = threads;
  int last_percent = -1;
  o.progress = [&](double fraction) {
    int percent = static_cast<int>(fraction * 100);
    if (percent / 10 != last_percent / 10) {
      last_percent = percent;
      char l[96];
      std::snprintf(l, sizeof(l), "sensors: %d%% (%.1f s)", percent, elapsed());
      say(l);
    }
  };
  sc.reports = SimulateSensors(sc.sensors, &sc.flights, o);
  std::snprintf(line, sizeof(line), "reports: %zu (%.1f s)", sc.reports.size(), elapsed());
  say(line);
  return sc;
}

int RunSimulate(const SimulateConfig& c, std::ostream& out, std::ostream& err) {
  auto t_start = std::chrono::steady_clock::now();
  LogFn log;
  if (!c.quiet) log = [&err](const std::string& s) { err << "simulate: " << s << std::endl; };
  Result<std::string> path = ResolveAttackPath(c.attack);
  if (!path.ok()) {
    err << "tocsin simulate: " << path.status().message() << "\n";
    return 1;
  }
  Result<std::string> text = ReadTextFile(*path);
  if (!text.ok()) {
    err << "tocsin simulate: " << text.status().message() << "\n";
    return 2;
  }
  Result<AttackDescription> attack = ParseAttack(*text, *path);
  if (!attack.ok()) {
    err << "tocsin simulate: " << attack.status().message() << "\n";
    return 1;
  }
  Result<std::vector<WeaponProfile>> profiles = ReadWeaponProfiles(attack->weapon_profiles);
  if (!profiles.ok()) {
    err << "tocsin simulate: " << profiles.status().message() << "\n";
    return 1;
  }
  Result<Scenario> sc = SimulateAttack(*attack, *profiles, c.seed, c.threads, log);
  if (!sc.ok()) {
    err << "tocsin simulate: " << *path << ": " << sc.status().message() << "\n";
    return 1;
  }
  if (log) log("writing " + c.out_dir);
  if (Status st = WriteScenario(*sc, c.out_dir); !st.ok()) {
    err << "tocsin simulate: " << st.message() << "\n";
    return 2;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::size_t seen = 0;
  for (const Flight& f : sc->flights) seen += f.first_seen.has_value();
  out << "scenario " << sc->name << " -> " << c.out_dir << ": " << sc->sensors.sensors.size() << " sensors, "
      << sc->flights.size() << " threats (" << seen << " seen), " << sc->reports.size() << " reports, seed "
      << c.seed << ", " << std::fixed;
  out.precision(1);
  out << seconds << " s\n";
  return 0;
}

}  // namespace tocsin::sim
