#include "replay/pipeline.h"

#include <cmath>

namespace tocsin::replay {

Pipeline::Pipeline(const zones::Catalog& catalog, alert::Policy policy, alert::AlertSink& sink,
                   predict::PredictorConfig predictor, double tick_interval_s,
                   alert::AlertIdAllocator::State ids)
    : predictor_(predictor), engine_(catalog, std::move(policy), sink, ids), tick_interval_(tick_interval_s) {}

void Pipeline::OnTrackUpdate(const track::TrackUpdate& update) {
  ++stats_.updates;
  if (update.time > now_) now_ = update.time;
  if (auto danger = predictor_.OnUpdate(update)) {
    ++stats_.dangers;
    engine_.UpsertDanger(*danger, now_);
  }
  for (const TrackId& lost : predictor_.TakeHandovers()) {
    ++stats_.handovers;
    engine_.RemoveDanger(lost, alert::EndReason::kThreatPassed, now_);
  }
}

void Pipeline::OnTrackEnd(const track::TrackEnd& end) {
  ++stats_.ends;
  if (end.time > now_) now_ = end.time;
  predict::EndDecision decision = predictor_.OnEnd(end);
  if (decision.coast) {
    if (decision.dead_reckoning) ++stats_.coasts;
    engine_.UpsertDanger(*decision.coast, now_);
  }
  engine_.RemoveDanger(end.id, decision.reason, now_);
}

void Pipeline::AdvanceTo(UnixTime now, const std::function<void(UnixTime)>& on_tick) {
  if (next_tick_ < 0) next_tick_ = std::floor(now.seconds() / tick_interval_) * tick_interval_ + tick_interval_;
  while (next_tick_ <= now.seconds()) {
    const UnixTime t(next_tick_);
    if (t > now_) now_ = t;
    if (on_tick) on_tick(now_);
    engine_.Tick(now_);
    ++stats_.ticks;
    next_tick_ += tick_interval_;
  }
  if (now > now_) now_ = now;
}

}  // namespace tocsin::replay
