// The predict stage: turns each TrackUpdate into an alert::Danger (where and when
// the threat can be on the ground) for the alert engine. Design: docs/quality.md.
//
//  - Drones, cruise missiles, aircraft, unknown: a disc around the current position
//    (earliest arrival now) plus corridor pieces along the current heading, every
//    piece a window of flight time; the half-width grows with time to cover turns
//    (turn-rate envelope) and position uncertainty; arrival windows come from the
//    min/max speeds. Beyond the alert reach, wider pieces are prealert_only.
//  - Ballistic missiles, rockets, and unclassified tracks faster than the cruise
//    ceiling or climbing/diving steeper than ~17 degrees: impact-point prediction by integrating gravity +
//    drag from sigma points of the state; an ellipse around the impacts, window =
//    impact times +/- a spread. While climbing (boost) the impact is unknown: a wide
//    corridor along the heading.
// Every shape includes PredictorConfig::zone_margin (the scoring counts zones within
// 2,000 m of the threat).
//
// Rate limit: a track's danger is recomputed at most once per *recompute_interval_s of
// its category in scenario time, except on the first update, a category change or a
// status change.
//
// Thread-safety: a Predictor is used by one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "alert/alert_log.h"
#include "alert/danger.h"
#include "ingest/sensor.h"
#include "track/track_state.h"

namespace tocsin::predict {

struct PredictorConfig {
  double zone_margin_m = 2000.0;   // added to every shape (scoring radius)
  double sigma_k = 3.0;            // position uncertainty multiplier
  double recompute_interval_s = 1.0;        // ballistic, rocket (short flights: impact refined often)
  // Cruise missiles: every danger's near disc covers near_disc_s of flight in any
  // direction from when it was made, so one 2 s old still holds the threat. Measured
  // (2026-11-25, all presets): the same missed / short / dropped pairs as at 1 s,
  // burden equal or lower, and ~35% fewer danger updates on the live server's bench.
  double cruise_recompute_interval_s = 2.0;
  double drone_recompute_interval_s = 2.0;  // drones, aircraft, unknown (slow movers)
  // Tracks of unknown heading (rings of the reachable disc): their danger, computed from
  // one position, stays a superset of where the threat can be for the whole reach, so
  // it is recomputed at most this often (single-bearing tracks update every few seconds
  // and each 900 s disc set covers hundreds of zones). A change of heading-known,
  // category or status recomputes at once.
  double vague_recompute_interval_s = 30.0;
  // Drone / cruise corridors.
  double near_disc_s = 20.0;       // the near disc covers this much flight in any direction
  double alert_reach_s = 240.0;    // pieces up to here are alert pieces
  double piece_s = 30.0;           // alert piece length (flight time)
  double max_horizon_s = 600.0;    // one pre-alert piece from alert_reach_s to here
  double max_prealert_half_width_m = 15000.0;  // cap on that piece's half-width
  double turn_rate_deg_s = 3.0;    // turn-rate envelope
  double max_heading_change_deg = 30.0;  // total heading change covered by alert pieces
  double min_speed_factor = 0.6;   // slowest plausible speed / current speed
  double max_speed_factor = 1.3;   // fastest
  double min_speed_mps = 15.0;     // floor for the speed used by corridors
  // Physical ceilings on the speed a category can reach (a poorly estimated
  // velocity must not inflate the corridor beyond what the threat can fly).
  double drone_max_speed_mps = 75.0;
  // A drone track with a position sigma above this (observer-only, single bearing)
  // measured faster than the cruise ceiling + 2 sigma gets an unknown heading (rings
  // at the drone ceiling) instead of a corridor; see Plausible() in predictor.cpp.
  double vague_position_sigma_m = 1000.0;
  // A drone track of unknown heading (one observer report, a single bearing) can go
  // unseen for as long as its only sensor's revisit: observers report a given drone
  // every few minutes (kyiv-combined-night seed 3: 742 s between two reports of one
  // Shahed, which entered a zone 590 s after the first; rings reaching 240 s and
  // held 480 s missed it). Its reachable-disc rings reach this much flight time
  // (pieces of 2 x piece_s beyond alert_reach_s) and all stay until then.
  double vague_reach_drone_s = 900.0;
  // Also the ceiling of an unclassified track of unknown heading that no radar measured
  // (one observer report, one acoustic sensor): observers and microphones report low
  // air-breathers, and its "velocity" is the tracker's prior (rings growing at 2 x 300 m/s
  // covered all of israel-iran-salvo's il-areas from each false observer report).
  double cruise_max_speed_mps = 320.0;
  double cruise_turn_rate_deg_s = 2.0;
  // Ballistic / rocket.
  double ballistic_coefficient = 20000.0;  // kg/m^2
  double impact_margin_m = 3000.0;         // model error margin around the impact spread
  double impact_margin_fraction = 0.05;    // + this fraction of the remaining ground range
  double impact_time_before_s = 20.0;      // window before the earliest sampled impact
  double impact_time_after_s = 30.0;       // window after the latest
  double boost_range_factor = 1.5;         // boost: corridor up to this x current range estimate
  double unknown_alt_m = 20000.0;          // ballistic track without altitude: assumed height
  // A confirmed track (M-of-N) is treated as at least this confident: a real threat
  // seen by few sensors must still raise alerts (never miss before low burden).
  double confirmed_confidence_floor = 0.5;
  // Tentative tracks make no danger (the tracker does not emit them by default).
  bool tentative_prealerts = false;
  // Duplicate suppression: a track of unknown heading (one observer report, a
  // single-sensor bearing track) whose position is within the gate of a precise track
  // (heading known, position sigma <= precise_max_sigma_m, updated within
  // precise_max_age_s) of the same category is the same threat seen by a coarser
  // sensor: its danger shrinks to a disc of zone_margin + 3 sigma held
  // near_disc_s (the precise track's corridor covers the path). Gate distance:
  // duplicate_gate_k * hypot(sigma_vague, sigma_precise) + zone_margin_m, around the
  // precise track extrapolated to the vague update's time.
  // Off: measured on seed 1 it did not lower odesa-drones or israel-iran-salvo burden
  // and kyiv-combined-night missed 1-2 more pairs (a gated "duplicate" can be another
  // threat flying near a tracked one).
  bool suppress_duplicates = false;
  double precise_max_sigma_m = 1000.0;
  double precise_max_age_s = 30.0;
  double duplicate_gate_k = 3.0;
  // Lost tracks (dead reckoning). A drone or cruise missile track with a known
  // heading that the tracker drops keeps flying: its last state becomes a
  // coast danger whose ALERT pieces reach this far in flight time from the last
  // update (the corridor, turn envelope included, as for a live track), so the zones
  // ahead are alerted as the threat could reach them, not only the 240 s of alert
  // reach it had when last seen. Low drones and cruise missiles leave radar cover for
  // minutes (kyiv-combined-night: a Shahed unseen for 745 s before it entered a zone).
  double lost_reach_drone_s = 900.0;
  double lost_reach_cruise_s = 480.0;
  // The coast corridor's envelope (tighter than a live track's: a threat that keeps
  // flying unseen follows its programmed route; wider along-track spread instead).
  double lost_max_heading_change_deg = 30.0;
  double lost_min_speed_factor = 0.6;
  // A drone track that vanished inside radar cover (its last position and its dead-reckoned
  // position at the loss both seen by a radar given with SetRadars, at its last
  // altitude - 2 sigma) was destroyed or came down: it does not dead-reckon. One that
  // left cover (below the radar horizon, out of range, altitude unknown) does. Cruise
  // missiles always do: they hug the ground and tracks of them break inside cover
  // (kyiv-combined-night C0013 was missed when they did not).
  // Dead reckoning needs a classified track (drone, cruise missile: gaza-rockets'
  // unclassified rockets must not coast 10 minutes) worth extrapolating: at least lost_min_updates
  // measurements, a position sigma <= vague_position_sigma_m (radar quality, not
  // observers and bearings, whose "velocities" of 100-400 m/s for drones in
  // odesa-drones are reports of different threats joined), and a speed its category
  // can fly (drones: drone_max_speed_mps, others: cruise_max_speed_mps, + 2 sigma;
  // kyiv-combined-night had 600-6,000 m/s "tracks" of 3 plots). Other lost tracks,
  // and those of unknown heading (rings: the reachable disc is already the whole
  // envelope), keep their last danger for lost_hold_s after they were dropped.
  // A track whose heading became unknown near its end (low drones lost by radar,
  // left with observers and bearings) dead-reckons from its last position with the
  // velocity of its last update of known heading, if that is at most
  // lost_headed_max_age_s older.
  // A drone track last seen in a terminal dive (altitude measured, descending faster
  // than dive_min_descent_mps and steeper than dive_min_slope x its ground speed) that
  // would have reached the ground before it was dropped came down: it does not
  // dead-reckon (israel-iran-salvo: Shaheds diving at 35-40 m/s onto their targets, lost
  // below the radar floor at ~600 m, coasted 900 s over Jerusalem and Tel Aviv).
  double dive_min_descent_mps = 20.0;
  double dive_min_slope = 0.5;
  int lost_min_updates = 6;
  double lost_hold_s = 120.0;
  double lost_headed_max_age_s = 300.0;
  // Hand-over: a coasting lost track is released (its coast danger removed) when a
  // track BORN AFTER it was lost re-acquires it: confirmed, heading known, position
  // sigma <= precise_max_sigma_m, same category (or either unknown), heading (when
  // the new track's is known) within handover_max_heading_deg of the lost track's
  // and speed within x0.5-x2 of it, and within the gate of the lost
  // track's dead-reckoned position: sigma_k * hypot(sigmas) + zone_margin_m +
  // handover_gate_per_s * (lost speed) * (time since it was last seen). A track that
  // was alive while the lost one was can only be another threat and never releases
  // it; each new track releases at most one (the nearest).
  bool handover = true;
  double handover_max_heading_deg = 45.0;
  double handover_gate_per_s = 0.5;
};

// What the engine should do with a track that ended: the end reason, and for a
// lost track a coast danger to upsert first (see PredictorConfig::lost_reach_*).
struct EndDecision {
  alert::EndReason reason = alert::EndReason::kThreatPassed;
  std::optional<alert::Danger> coast;
  bool dead_reckoning = false;  // the coast extends along the path (else: the last danger, briefly)
};

class Predictor {
 public:
  explicit Predictor(PredictorConfig config = {});
  // The danger for this update, or nullopt when it is rate-limited (the previous
  // danger stands) or the track is tentative.
  std::optional<alert::Danger> OnUpdate(const track::TrackUpdate& u);
  // Forgets the track; returns the engine's end reason (lost -> kTrackLost, impact ->
  // kThreatPassed, which ends its zones after the ordinary hold) and, for a lost
  // track that made a danger, its coast danger (see PredictorConfig::lost_reach_*).
  // The caller upserts the coast danger, then removes the track with the reason; the
  // policy's lost_coast_s must be at least the reach for the coast to act fully.
  EndDecision OnEnd(const track::TrackEnd& e);
  // The coast danger for a track last seen as `last` (and last seen with a known
  // heading as `headed`, time 0 if never) and dropped at `end_time`.
  // Sets *dead_reckoned (if given) when the coast extends along the path.
  alert::Danger CoastDanger(const track::TrackUpdate& last, const track::TrackUpdate& headed, UnixTime end_time,
                            bool* dead_reckoned = nullptr) const;
  // The radars whose cover tells a lost threat that vanished in it from one that left
  // it (see PredictorConfig); other sensors are ignored. Without radars every lost
  // track that qualifies dead-reckons (the wider choice).
  void SetRadars(const std::vector<ingest::SensorDescription>& sensors);
  // Lost tracks re-acquired by new tracks since the last call (see
  // PredictorConfig::handover); the caller removes their coast dangers.
  std::vector<TrackId> TakeHandovers();
  // Builds the danger for `u` now (no rate limit, no state).
  alert::Danger Compute(const track::TrackUpdate& u) const;

  std::size_t computed() const { return computed_; }
  std::size_t skipped() const { return skipped_; }
  // Dangers of unknown-heading tracks shrunk because a precise track explains them.
  std::size_t suppressed() const { return suppressed_; }
  // Per-track entries held for tracks updated and not yet ended (0 once every track
  // ended), and lost tracks kept for hand-over; for memory checks.
  std::size_t per_track_entries() const { return last_.size() + born_.size() + precise_.size(); }
  std::size_t coasting_tracks() const { return coasting_.size(); }

 private:
  struct Last {
    double time = -1e300;
    ThreatCategory category = ThreatCategory::kUnknown;
    track::TrackStatus status = track::TrackStatus::kTentative;
    track::TrackUpdate update;  // the last update a danger was computed from
    track::TrackUpdate headed;  // the last such update with a known heading (time 0: none)
    bool heading_unknown = false;  // of `update`
  };
  // A confirmed track with a known heading and a small position sigma.
  struct Precise {
    double time = 0, lat = 0, lon = 0, vel_east = 0, vel_north = 0, sigma = 0;
    ThreatCategory category = ThreatCategory::kUnknown;
  };
  // A lost track coasting on its dead-reckoning danger.
  struct Coasting {
    track::TrackUpdate last;
    double lost_at = 0, until = 0;
  };
  // The state a lost track coasts from: `last_seen`, with `headed`'s velocity when its
  // heading had become unknown (see lost_headed_max_age_s).
  track::TrackUpdate CoastState(const track::TrackUpdate& last_seen, const track::TrackUpdate& headed) const;
  // True when `last`, lost at `end_time`, vanished inside radar cover.
  bool VanishedInCover(const track::TrackUpdate& last, double end_time) const;
  // True when a precise track other than u's explains u's position (see config).
  bool ExplainedByPreciseTrack(const track::TrackUpdate& u) const;
  // Releases the coasting track nearest to `u` that u re-acquires (see config).
  void HandOver(const track::TrackUpdate& u, bool heading_unknown);
  PredictorConfig config_;
  std::unordered_map<std::string, Last> last_;
  std::unordered_map<std::string, Precise> precise_;
  std::unordered_map<std::string, double> born_;  // track -> time of its first update
  std::unordered_map<std::string, Coasting> coasting_;
  std::vector<TrackId> handovers_;
  std::vector<ingest::SensorDescription> radars_;
  std::size_t computed_ = 0, skipped_ = 0, suppressed_ = 0;
};

// Impact prediction for a ballistic state: position (local frame, metres, z up,
// relative to the ground), velocity m/s. Returns the ground impact point (x, y) and
// flight time, or nullopt when it does not come down within `max_time_s`.
struct Impact {
  double x = 0, y = 0, t = 0;
};
std::optional<Impact> PropagateToGround(double x, double y, double z, double vx, double vy, double vz,
                                        double ballistic_coefficient, double max_time_s = 3600.0);

}  // namespace tocsin::predict
