#include "sim/test_util.h"

#include <gtest/gtest.h>

namespace tocsin::sim::testing {

const std::vector<WeaponProfile>& Profiles() {
  static const std::vector<WeaponProfile> profiles = [] {
    Result<std::vector<WeaponProfile>> p = ReadWeaponProfiles(std::string(TOCSIN_DATA_DIR) + "/threats/weapon-profiles.csv");
    if (!p.ok()) {
      ADD_FAILURE() << p.status().message();
      return std::vector<WeaponProfile>{};
    }
    return std::move(p).value();
  }();
  return profiles;
}

AttackDescription Attack(const std::string& json) {
  Result<AttackDescription> a = ParseAttack(json, "test attack");
  if (!a.ok()) {
    ADD_FAILURE() << a.status().message();
    return {};
  }
  return std::move(a).value();
}

}  // namespace tocsin::sim::testing
