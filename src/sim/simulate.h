// The simulator's entry points: attack description -> scenario folder
// (sensors.json, reports.jsonl, truth.json; ../shared/spec/scenario.md).
//
// Deterministic: the same attack file, seed and weapon profiles give byte-identical
// files, whatever the thread count.
// Thread-safety: each call is independent.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/sensor.h"
#include "sim/attack.h"
#include "sim/scenario.h"
#include "sim/weapon_profiles.h"

namespace tocsin::sim {

using LogFn = std::function<void(const std::string&)>;

// The sensors an attack declares: its explicit list, then its generated grids.
// `class_confusion` (may be null) receives each sensor's acoustic confusion rate.
ingest::SensorList BuildSensors(const AttackDescription& a, std::vector<double>* class_confusion);

// The truth flights of every threat group, without first_seen. Errors name the group.
Result<std::vector<Flight>> BuildFlights(const AttackDescription& a, const std::vector<WeaponProfile>& profiles,
                                         std::uint64_t seed);

// Flights, sensors and reports. `log` (may be empty) receives progress lines.
Result<Scenario> SimulateAttack(const AttackDescription& a, const std::vector<WeaponProfile>& profiles,
                                std::uint64_t seed, int threads, const LogFn& log);

struct SimulateConfig {
  std::string attack;   // attack file path or preset name
  std::string out_dir;  // scenario folder to write
  std::uint64_t seed = 1;
  int threads = 2;
  bool quiet = false;   // no progress on `err`
};

// tocsin simulate: reads the attack, simulates, writes the folder, prints a summary on
// `out` and progress on `err`. Returns the process exit code (0 ok, 1 bad input, 2 I/O).
int RunSimulate(const SimulateConfig& config, std::ostream& out, std::ostream& err);

}  // namespace tocsin::sim
