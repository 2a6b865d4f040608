// Where the simulator finds its shipped data (presets, weapon profiles).
// Thread-safety: pure functions (read the environment).
#pragma once

#include <string>

#include "core/status.h"

namespace tocsin::sim {

// Resolves `relative` (e.g. "threats/weapon-profiles.csv") under $TOCSIN_DATA_DIR, then
// under the data dir the build was configured with. Error names the places searched.
Result<std::string> ResolveDataFile(const std::string& relative);

// An attack description given by path or by preset name ("odesa-drones" ->
// data/presets/odesa-drones.json). An existing path wins over a preset name.
Result<std::string> ResolveAttackPath(const std::string& name_or_path);

// The whole file; an error naming the path when it cannot be read.
Result<std::string> ReadTextFile(const std::string& path);

}  // namespace tocsin::sim
