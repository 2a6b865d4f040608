// Helpers shared by the simulator tests.
#pragma once

#include <string>

#include "sim/attack.h"
#include "sim/weapon_profiles.h"

namespace tocsin::sim::testing {

// The shipped weapon profiles (data/threats/weapon-profiles.csv); aborts the test on error.
const std::vector<WeaponProfile>& Profiles();

// Parses attack JSON text; aborts the test on error.
AttackDescription Attack(const std::string& json);

}  // namespace tocsin::sim::testing
