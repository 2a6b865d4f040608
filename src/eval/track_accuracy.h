// Track accuracy: how well a track log (docs/track-log.md, `tocsin replay --tracks`)
// matches a scenario's truth.json (spec/scenario.md), as GOSPA and position RMSE.
//
// Sampling: every `step_s` from the truth's start (min of epoch and the first truth
// point) to its last point. At a sample time t:
// - a threat is present between its first and last truth point; its position is the
//   truth trajectory interpolated linearly in time in lat, lon and altitude;
// - a track is present from its first update until its end event (exclusive) and
//   while its latest update at or before t is at most `max_age_s` old (a track the
//   tracker coasts silently longer than that is not counted: its extrapolation means
//   little); its position is that update moved linearly by the update's east/north/up
//   velocity over (t - update time).
// Distance between a threat and a track: the straight (ECEF) distance in 3D when the
// track's altitude is known (alt_known), else between the two points put on the
// ellipsoid (horizontal). Metres.
//
// GOSPA (Rahmathullah, Garcia-Fernandez, Svensson 2017) with p = 2, alpha = 2 and
// cut-off c (`cutoff_m`, default 10 km): per sample, the optimal assignment between
// threats and tracks minimising sum min(d, c)^2 over assigned pairs + c^2/2 per
// unassigned threat or track; a pair at d >= c counts as a missed threat and a false
// track. GOSPA = sqrt(localisation + missed + false), those three being the summed
// squared errors of the assigned pairs, c^2/2 x missed threats, c^2/2 x false tracks.
// Means are over the *active* samples (at least one threat or track present), so
// hours of empty sky do not dilute them.
// The "seen" figures repeat GOSPA with only the threats reported by then (t >=
// first_seen): threats no sensor has seen yet are not the tracker's fault.
// RMSE: sqrt(mean d^2) over every assigned pair (d < c) of every sample, overall and
// per threat kind.
//
// Thread-safety: plain data and pure functions.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/category.h"
#include "core/status.h"
#include "eval/truth.h"

namespace tocsin::eval {

// One track update as the accuracy needs it.
struct TrackSample {
  double time = 0;        // Unix s
  double lat = 0, lon = 0, alt_m = 0;  // degrees, metres above the ellipsoid
  bool alt_known = false;
  double vel_east = 0, vel_north = 0, vel_up = 0;  // m/s
};

struct TrackHistory {
  std::string id;
  std::vector<TrackSample> updates;  // in log order (time non-decreasing is not required)
  std::optional<double> end_time;    // time of its end event, if any
};

// A track log read back. Lines that do not parse are counted and the first few
// described ("SOURCE: line N: REASON"); they never stop the reading.
struct TrackLog {
  std::vector<TrackHistory> tracks;  // in order of first appearance
  std::size_t lines = 0, bad_lines = 0;
  std::vector<std::string> problems;  // at most 10
};

// Reads a whole track log from `in`. `source_name` names it in problems.
TrackLog ParseTrackLog(std::istream& in, const std::string& source_name);
// Reads a track log file. Fails only when the file cannot be opened.
Result<TrackLog> ReadTrackLogFile(const std::string& path);

struct TrackAccuracyOptions {
  double step_s = 5.0;       // sample period; REQUIRES: > 0
  double cutoff_m = 10000.0; // GOSPA cut-off c; also the RMSE's assignment gate
  double max_age_s = 60.0;   // a track's latest update older than this: not present
};

struct KindAccuracy {
  std::size_t threats = 0;       // threats of this kind in the truth
  std::size_t samples = 0;       // (sample, threat) with the threat present
  std::size_t assigned = 0;      // of them assigned to a track within c
  double rmse_m = 0;             // over the assigned ones; 0 when none
};

struct TrackAccuracy {
  TrackAccuracyOptions options;
  std::size_t samples = 0, active_samples = 0;
  std::size_t tracks = 0;  // track ids in the log
  // Means over the active samples.
  double gospa_mean_m = 0;
  double localisation_mean_m2 = 0, missed_mean_m2 = 0, false_mean_m2 = 0;
  double missed_threats_mean = 0, false_tracks_mean = 0;
  // False tracks within c of some present threat (duplicates rather than clutter),
  // mean per active sample.
  double duplicate_tracks_mean = 0;
  // Over all samples.
  std::size_t threat_samples = 0, assigned = 0;
  double rmse_m = 0;  // 0 when nothing was assigned
  std::map<ThreatCategory, KindAccuracy> by_kind;
  // The same GOSPA with only the threats already reported at the sample time
  // (t >= first_seen; never-reported threats left out): what the tracker could have
  // tracked. Means over the samples with such a threat or a track.
  double seen_gospa_mean_m = 0, seen_missed_threats_mean = 0;
  std::size_t seen_threat_samples = 0, seen_assigned = 0;
  // Distinct track ids ever assigned to a threat, mean over the threats assigned at
  // least once (1.0: one unbroken track each; more: breaks and id swaps).
  double track_ids_per_threat_mean = 0;
};

TrackAccuracy ComputeTrackAccuracy(const Truth& truth, const TrackLog& log,
                                   const TrackAccuracyOptions& options = {});

// {"gospa_mean_m":..., "rmse_m":..., "rmse_by_kind":{"drone":...}, ...}
nlohmann::ordered_json ToJson(const TrackAccuracy& accuracy);
// A few readable lines.
void PrintTrackAccuracy(const TrackAccuracy& accuracy, std::ostream& out);

// Minimum-cost assignment of a rows x cols cost matrix (row-major, finite costs),
// every row assigned when rows <= cols, else every column. Returns for each row its
// column or -1. O(min^2 max) (Hungarian with potentials).
std::vector<int> MinCostAssignment(const std::vector<double>& cost, int rows, int cols);

}  // namespace tocsin::eval
