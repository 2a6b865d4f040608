#include "replay/pipeline.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace tocsin::replay {

Pipeline::Pipeline(const zones::Catalog& catalog, alert::Policy policy, alert::AlertSink& sink,
                   predict::PredictorConfig predictor, double tick_interval_s,
                   alert::AlertIdAllocator::State ids)
    : predictor_(predictor), engine_(catalog, std::move(policy), sink, ids), tick_interval_(tick_interval_s) {}

void Pipeline::OnTrackUpdate(const track::TrackUpdate& update) {
  ++stats_.updates;
  if (update.time > now_) now_ = update.time;
  std::optional<alert::Danger> danger = predictor_.OnUpdate(update);
  const std::vector<TrackId> handovers = predictor_.TakeHandovers();
  if (danger) {
    ++stats_.dangers;
    if (observer_) observer_(*danger);
    if (defer_ && handovers.empty()) {
      if (pending_.Put(std::move(*danger), now_)) ++stats_.superseded;
    } else {
      // A re-acquired track's danger goes in before the lost one's coast is lifted.
      pending_.Take(update.id);
      engine_.UpsertDanger(*danger, now_);
    }
  }
  for (const TrackId& lost : handovers) {
    ++stats_.handovers;
    engine_.RemoveDanger(lost, alert::EndReason::kThreatPassed, now_);
  }
}

void Pipeline::OnTrackEnd(const track::TrackEnd& end) {
  ++stats_.ends;
  if (end.time > now_) now_ = end.time;
  if (auto waiting = pending_.Take(end.id)) Apply(*waiting);  // the latest estimate, then the end
  predict::EndDecision decision = predictor_.OnEnd(end);
  if (decision.coast) {
    if (decision.dead_reckoning) ++stats_.coasts;
    engine_.UpsertDanger(*decision.coast, now_);
  }
  engine_.RemoveDanger(end.id, decision.reason, now_);
}

void Pipeline::SetDeferDangers(bool defer) {
  defer_ = defer;
  if (!defer_) ApplyPendingDangers();
}

std::size_t Pipeline::ApplyPendingDangers(const std::function<bool()>& keep_going) {
  std::size_t applied = 0;
  while (!pending_.empty() && (applied == 0 || !keep_going || keep_going())) {
    Apply(pending_.TakeOldest());
    ++applied;
  }
  return applied;
}

void Pipeline::Apply(const PendingDangers::Waiting& waiting) {
  stats_.max_wait_s = std::max(stats_.max_wait_s, now_.seconds() - waiting.since.seconds());
  engine_.UpsertDanger(waiting.danger, now_);
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
