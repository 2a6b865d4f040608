// The attack description file: a human-editable JSON file that says which sensors
// watch, and which threats fly from where to where and when. Every field is
// documented in docs/simulator.md; presets ship in data/presets/.
//
// Thread-safety: plain data and pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/geo.h"
#include "core/status.h"
#include "ingest/sensor.h"

namespace tocsin::sim {

struct AcousticGridSpec {
  std::string id_prefix = "AC-";
  double lat_min = 0, lon_min = 0, lat_max = 0, lon_max = 0;  // bbox, degrees
  double spacing_km = 8;
  double jitter_km = 1;  // each sensor moved up to this far from its grid node
  ingest::SensorDescription model;  // sigma, max_range_m, period_s, p_detect, ... for each sensor
  double class_confusion = 0.15;
};

struct TargetSpec {
  LatLon place;
  std::string name;
  double weight = 1;
  double radius_km = 3;  // aim points scattered uniformly over this disc
};

struct AvoidSpec {
  LatLon place;
  double radius_km = 20;
};

struct ThreatGroup {
  std::string name;
  std::string model;  // weapon-profiles model_key
  int count = 1;
  std::string id_prefix;  // default by kind: D, C, B, R, A
  // launch
  std::vector<LatLon> sites;
  double launch_radius_km = 5;
  double window_start_s = 0, window_end_s = 0;  // relative to the epoch
  int waves = 1;
  double wave_spread_s = 120;
  double launch_alt_m = 0;
  // targets and route
  std::vector<TargetSpec> targets;
  std::vector<LatLon> via;
  double via_jitter_km = 10;
  int turns = 0;
  double max_offset_km = 30;
  std::vector<AvoidSpec> avoid;
  // kinematics overrides
  std::optional<std::pair<double, double>> speed_mps;
  std::optional<std::pair<double, double>> altitude_m;
  std::optional<double> apogee_km;
  std::optional<double> burn_s;
  std::optional<double> truth_step_s;
  double destroyed_share = 0;
};

struct AttackDescription {
  std::string name;
  std::string description;
  double epoch = 0;
  std::string zones = "ua-hromadas";
  std::string weapon_profiles;  // path; empty = shipped file
  double max_latency_s = 3;
  double tail_s = 600;  // clutter continues this long after the last flight ends
  std::vector<ingest::SensorDescription> sensors;  // explicit sensors
  std::vector<double> sensor_class_confusion;      // parallel to `sensors`
  std::vector<AcousticGridSpec> acoustic_grids;
  std::vector<ThreatGroup> groups;
};

// Parses an attack file. Errors name the source, the JSON path of the bad field
// (e.g. "threats[2].launch.window_s") and what is expected.
Result<AttackDescription> ParseAttack(const std::string& text, const std::string& source_name);

}  // namespace tocsin::sim
