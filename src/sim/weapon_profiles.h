// Threat kinematics priors from weapon-profiles.csv (data/threats/, copied from the
// shared data; see data/threats/NOTICE.md): speeds, ranges, altitude bands, apogee.
//
// Units: m/s, km (range, apogee) and metres (altitude) as in the file's columns.
// Thread-safety: plain data and pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/category.h"
#include "core/status.h"

namespace tocsin::sim {

// How a threat type moves in the simulator.
enum class FlightModel {
  kAerodynamic,  // cruises along waypoints at a constant speed and altitude band
  kBallistic,    // boost, free flight under gravity and drag to the ground
};

struct WeaponProfile {
  std::string key;           // model_key, e.g. "Shahed-136/131", "Iskander-M"
  std::string name;
  std::string threat_class;  // the file's "class" column
  double cruise_speed_min_mps = 0;
  double cruise_speed_max_mps = 0;
  std::optional<double> terminal_speed_mps;
  double range_km_min = 0;
  double range_km_max = 0;
  std::optional<double> alt_m_min;
  std::optional<double> alt_m_max;
  std::optional<double> apogee_km;
  std::string typical_launch;

  ThreatCategory category = ThreatCategory::kDrone;  // from threat_class
  FlightModel model = FlightModel::kAerodynamic;     // ballistic for ballistic missiles, rockets
};

// Parses the CSV text (header row, then one profile per row; quoted fields allowed).
// Errors name the source, the line and the column.
Result<std::vector<WeaponProfile>> ParseWeaponProfiles(const std::string& text,
                                                       const std::string& source_name);

// Reads the file at `path`; an empty path means the shipped data/threats/weapon-profiles.csv
// ($TOCSIN_DATA_DIR first, then the data dir the build was configured with).
Result<std::vector<WeaponProfile>> ReadWeaponProfiles(const std::string& path);

// The profile with this model key, or nullptr.
const WeaponProfile* FindProfile(const std::vector<WeaponProfile>& profiles, const std::string& key);

}  // namespace tocsin::sim
