#include "replay/pending_dangers.h"

#include <utility>

namespace tocsin::replay {

bool PendingDangers::Put(alert::Danger danger, UnixTime now) {
  auto it = waiting_.find(danger.track);
  if (it != waiting_.end()) {
    it->second.waiting.danger = std::move(danger);
    return true;
  }
  const std::uint64_t ticket = next_ticket_++;
  line_.emplace_back(ticket, danger.track);
  const TrackId track = danger.track;
  waiting_.emplace(track, Entry{Waiting{std::move(danger), now}, ticket});
  return false;
}

std::optional<PendingDangers::Waiting> PendingDangers::Take(const TrackId& track) {
  auto it = waiting_.find(track);
  if (it == waiting_.end()) return std::nullopt;
  Waiting w = std::move(it->second.waiting);
  waiting_.erase(it);
  if (waiting_.empty()) line_.clear();  // only skipped entries remain
  return w;
}

PendingDangers::Waiting PendingDangers::TakeOldest() {
  for (;;) {
    auto [ticket, track] = std::move(line_.front());
    line_.pop_front();
    auto it = waiting_.find(track);
    if (it == waiting_.end() || it->second.ticket != ticket) continue;
    Waiting w = std::move(it->second.waiting);
    waiting_.erase(it);
    return w;
  }
}

std::uint64_t PendingDangers::FirstWaiting() {
  while (!line_.empty()) {
    const auto& [ticket, track] = line_.front();
    auto it = waiting_.find(track);
    if (it != waiting_.end() && it->second.ticket == ticket) return ticket;
    line_.pop_front();
  }
  return next_ticket_;
}

}  // namespace tocsin::replay
