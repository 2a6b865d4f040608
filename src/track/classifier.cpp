#include "track/classifier.h"

#include <cmath>

namespace tocsin::track {
namespace {
int Index(ThreatCategory c) { return static_cast<int>(c); }
}  // namespace

void Classifier::AddHint(ThreatCategory hint, double confusion) {
  if (hint == ThreatCategory::kUnknown) return;  // nearly no information
  const double right = 1.0 - confusion, wrong = confusion / (kCategories - 2);
  for (int c = 0; c < kCategories; ++c) {
    if (c == Index(ThreatCategory::kUnknown)) continue;
    hint_log_[c] += std::log(c == Index(hint) ? right : wrong);
  }
  ++hints_;
}

void Classifier::AddKinematics(double speed, double vz, double alt_m, bool alt_known, double vel_sigma) {
  if (vel_sigma > std::max(50.0, 0.25 * speed)) return;  // velocity not yet known
  ++samples_;
  speed_ = samples_ == 1 ? speed : 0.6 * speed_ + 0.4 * speed;
  if (samples_ >= 3) {
    max_speed_ = std::max(max_speed_, speed_);
    if (alt_known) {
      max_abs_vz_ = std::max(max_abs_vz_, std::abs(vz));
      if (speed > 200.0) max_steepness_ = std::max(max_steepness_, std::abs(vz) / speed);
      if (speed > 200.0) max_climb_ = std::max(max_climb_, vz);
    }
  }
  if (alt_known) {
    alt_ = alt_m;
    max_alt_ = std::max(max_alt_, alt_m);
  }
}

bool Classifier::ballistic_like(const TrackerConfig& c) const {
  // Fast, or climbing/diving steeper than any cruise missile's terminal dive (20 deg),
  // or climbing faster than a cruise missile's pop-up.
  return max_speed_ > c.ballistic_speed_mps || (max_abs_vz_ > 150.0 && max_speed_ > 300.0) ||
         max_steepness_ > c.ballistic_min_steepness || max_climb_ > c.ballistic_min_climb_mps;
}

ThreatCategory Classifier::category(const TrackerConfig& c, double* confidence) const {
  std::array<double, kCategories> lik{};
  lik.fill(1.0);
  lik[Index(ThreatCategory::kUnknown)] = 0.0;
  if (samples_ >= 3) {
    const double v = max_speed_;
    auto set = [&](ThreatCategory k, double w) { lik[Index(k)] = w; };
    if (ballistic_like(c)) {
      const bool rocket = v < c.rocket_max_speed_mps && max_alt_ < c.rocket_max_alt_m;
      set(ThreatCategory::kBallisticMissile, rocket ? 0.3 : 1.0);
      set(ThreatCategory::kRocket, rocket ? 1.0 : 0.1);
      set(ThreatCategory::kCruiseMissile, 1e-4);
      set(ThreatCategory::kDrone, 1e-6);
      set(ThreatCategory::kAircraft, 1e-4);
    } else if (v < 110.0) {
      set(ThreatCategory::kDrone, 1.0);
      set(ThreatCategory::kAircraft, 0.05);
      set(ThreatCategory::kCruiseMissile, 0.02);
      set(ThreatCategory::kBallisticMissile, 1e-5);
      set(ThreatCategory::kRocket, 1e-5);
    } else if (v < 170.0) {
      set(ThreatCategory::kDrone, 0.2);
      set(ThreatCategory::kAircraft, 0.5);
      set(ThreatCategory::kCruiseMissile, 0.5);
      set(ThreatCategory::kBallisticMissile, 0.01);
      set(ThreatCategory::kRocket, 0.02);
    } else {
      const bool low = max_alt_ < 7000.0;
      set(ThreatCategory::kCruiseMissile, low ? 1.0 : 0.4);
      set(ThreatCategory::kAircraft, low ? 0.2 : 0.6);
      set(ThreatCategory::kDrone, 0.005);
      set(ThreatCategory::kBallisticMissile, 0.02);
      set(ThreatCategory::kRocket, 0.05);
    }
  } else if (hints_ == 0) {
    *confidence = 0.0;
    return ThreatCategory::kUnknown;
  }
  double best_log = -1e300;
  int best = Index(ThreatCategory::kUnknown);
  std::array<double, kCategories> logp{};
  for (int k = 0; k < kCategories; ++k) {
    logp[k] = lik[k] > 0.0 ? std::log(lik[k]) + hint_log_[k] : -1e300;
    if (logp[k] > best_log) {
      best_log = logp[k];
      best = k;
    }
  }
  double z = 0.0;
  for (int k = 0; k < kCategories; ++k) {
    if (logp[k] > -1e299) z += std::exp(logp[k] - best_log);
  }
  *confidence = 1.0 / z;
  return static_cast<ThreatCategory>(best);
}

}  // namespace tocsin::track
