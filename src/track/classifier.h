// The classifier step: a track's threat category from its kinematics (speed,
// altitude, vertical profile) fused with the class hints of its reports.
//
// Evidence model: posterior(c) ~ kinematic_likelihood(c) x prod over hints
// P(hint | c), with P(hint = c | c) = 1 - confusion and the confusion spread over the
// other categories ("unknown" hints carry almost no information).
//
// Thread-safety: plain value.
#pragma once

#include <array>
#include <optional>

#include "core/category.h"
#include "track/tracker_config.h"

namespace tocsin::track {

class Classifier {
 public:
  static constexpr int kCategories = 6;  // ThreatCategory values

  void AddHint(ThreatCategory hint, double confusion);
  // Feeds the current kinematics: 3D speed (m/s), vertical speed (m/s, + up), altitude
  // (m), and the 1-sigma of the velocity estimate: samples whose velocity is still
  // uncertain (sigma > max(50 m/s, speed / 4)) are ignored.
  void AddKinematics(double speed, double vertical_speed, double alt_m, bool alt_known, double vel_sigma = 0.0);

  // Category with its posterior probability. Unknown with 0 before any evidence.
  ThreatCategory category(const TrackerConfig& c, double* confidence) const;
  // True when kinematics say ballistic or rocket (fast or steep): the track should
  // use the ballistic motion models.
  bool ballistic_like(const TrackerConfig& c) const;

  // True while category() would say unknown (no kinematic samples, no hints).
  bool category_is_unknown(const TrackerConfig& c) const {
    double conf = 0.0;
    return category(c, &conf) == ThreatCategory::kUnknown;
  }
  double max_speed() const { return max_speed_; }
  double max_alt() const { return max_alt_; }

 private:
  std::array<double, kCategories> hint_log_{};  // sum of log P(hint | c)
  int hints_ = 0;
  int samples_ = 0;
  double max_speed_ = 0.0;      // smoothed 3D speed, maximum so far
  double speed_ = 0.0;          // smoothed 3D speed
  double max_abs_vz_ = 0.0;
  double max_climb_ = 0.0;  // fastest climb (m/s, up) at > 200 m/s, from the 3rd sample
  double max_steepness_ = 0.0;  // max |vz| / speed while faster than 200 m/s
  double max_alt_ = 0.0;
  double alt_ = 0.0;
};

}  // namespace tocsin::track
