// The message the track stage emits for each live track (TrackUpdate) and when a
// track ends (TrackEnd). The predict stage takes these and turns them into dangers.
//
// Units: SI; position WGS84 degrees + metres above the ellipsoid; velocity in the
// local east/north/up frame at the track's position, m/s. Thread-safety: plain data.
#pragma once

#include <vector>

#include "core/category.h"
#include "core/geo.h"
#include "core/ids.h"
#include "core/units.h"

namespace tocsin::track {

enum class TrackStatus { kTentative, kConfirmed };

// Why a track ended.
enum class TrackEndReason { kLost /* no updates for too long */, kImpact /* reached the ground */ };

struct TrackUpdate {
  TrackId id;
  UnixTime time;          // time the state refers to (the last measurement's time)
  TrackStatus status = TrackStatus::kTentative;
  LatLon position;
  double alt_m = 0.0;
  bool alt_known = false;  // false when only 2D radars / bearings / observers saw it
  double vel_east = 0.0, vel_north = 0.0, vel_up = 0.0;  // m/s
  // 1-sigma uncertainties (from the filter covariance).
  Metres pos_sigma;          // horizontal position, largest axis
  MetresPerSecond vel_sigma; // horizontal velocity, largest axis
  double alt_sigma_m = 0.0;
  ThreatCategory category = ThreatCategory::kUnknown;
  double category_confidence = 0.0;  // 0..1
  // Quality of the track as a threat (0..1): rises with consistent updates,
  // used by the alert engine's minimum-confidence rule.
  double confidence = 0.0;
  std::vector<SensorId> sensors;  // sensors that updated it recently
  int updates = 0;                // measurements associated so far
};

struct TrackEnd {
  TrackId id;
  UnixTime time;
  TrackEndReason reason = TrackEndReason::kLost;
};

}  // namespace tocsin::track
