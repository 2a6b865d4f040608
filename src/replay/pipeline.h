// The stages after the tracker, in scenario time: track updates -> predictor ->
// alert engine -> alert sink. A Pipeline is the tracker's TrackSink; the caller
// advances time (AdvanceTo) as it feeds reports, and the pipeline ticks the engine
// once per `tick_interval` of scenario time.
//
// Dangers go to the engine at once, unless deferred (SetDeferDangers, for the live
// server): then each update's danger waits in a PendingDangers line (a newer one of
// the same track replaces it) until ApplyPendingDangers, so an engine that falls
// behind the tracker decides each track's latest danger once instead of every
// superseded one. A danger that comes with a handover, and a waiting danger of a
// track that ends, are applied at once (never dropped).
//
// Time: the pipeline's "now" is the latest time it was given (AdvanceTo or an
// update's time), never decreasing; engine calls use it.
//
// Thread-safety: one thread. The catalog and the sink must outlive the pipeline.
#pragma once

#include <cstddef>
#include <functional>
#include <utility>

#include "alert/engine.h"
#include "predict/predictor.h"
#include "replay/pending_dangers.h"
#include "track/tracker.h"
#include "zones/catalog.h"

namespace tocsin::replay {

struct PipelineStats {
  std::size_t updates = 0, ends = 0, dangers = 0, ticks = 0;
  std::size_t coasts = 0;     // lost tracks that dead-reckon (PredictorConfig::lost_reach_*)
  std::size_t handovers = 0;  // lost tracks released because a new track re-acquired them
  // Deferred dangers (SetDeferDangers): replaced by a newer one while waiting, and
  // the longest any waited (pipeline time, seconds) before the engine took it.
  std::size_t superseded = 0;
  double max_wait_s = 0;
};

class Pipeline final : public track::TrackSink {
 public:
  Pipeline(const zones::Catalog& catalog, alert::Policy policy, alert::AlertSink& sink,
           predict::PredictorConfig predictor = {}, double tick_interval_s = 1.0,
           alert::AlertIdAllocator::State ids = {});

  void OnTrackUpdate(const track::TrackUpdate& update) override;
  void OnTrackEnd(const track::TrackEnd& end) override;

  // Off (the default): every danger is decided when its update comes, as the
  // replay needs for deterministic logs. Turning it off applies what waits.
  void SetDeferDangers(bool defer);
  // Hands waiting dangers to the engine, longest-waiting first, while
  // `keep_going()` returns true (asked before each; at least one is applied when
  // any waits), or all of them when it is empty. Returns how many were applied.
  std::size_t ApplyPendingDangers(const std::function<bool()>& keep_going = {});
  std::size_t pending_dangers() const { return pending_.size(); }
  // Marks for telling when an input's dangers are decided (PendingDangers tickets):
  // read danger_mark() after feeding a report to the tracker; every danger it made
  // has reached the engine once first_waiting_danger() >= that mark.
  std::uint64_t danger_mark() const { return pending_.issued(); }
  std::uint64_t first_waiting_danger() { return pending_.FirstWaiting(); }

  // Called with every danger the predictor makes (before it waits or is decided);
  // the live server shows it on its track. Empty: none.
  void SetDangerObserver(std::function<void(const alert::Danger&)> observer) { observer_ = std::move(observer); }

  // Moves scenario time to `now` (ignored if earlier), ticking the engine at every
  // tick boundary passed; `on_tick` (may be empty) runs before each engine tick
  // with the tick's time (the replay advances the tracker there).
  void AdvanceTo(UnixTime now, const std::function<void(UnixTime)>& on_tick = {});

  UnixTime now() const { return now_; }
  const PipelineStats& stats() const { return stats_; }
  const alert::AlertEngine& engine() const { return engine_; }
  // For the live server's operator actions and restore (same thread as the rest).
  alert::AlertEngine& engine() { return engine_; }
  const predict::Predictor& predictor() const { return predictor_; }
  // See Predictor::SetRadars.
  void SetRadars(const std::vector<ingest::SensorDescription>& sensors) { predictor_.SetRadars(sensors); }

 private:
  predict::Predictor predictor_;
  void Apply(const PendingDangers::Waiting& waiting);

  alert::AlertEngine engine_;
  PendingDangers pending_;
  bool defer_ = false;
  double tick_interval_;
  UnixTime now_;
  double next_tick_ = -1;  // < 0: not started
  PipelineStats stats_;
  std::function<void(const alert::Danger&)> observer_;
};

}  // namespace tocsin::replay
