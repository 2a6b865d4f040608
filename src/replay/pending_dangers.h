// Dangers waiting for the alert engine when it falls behind the tracker: at most
// one per track. A newer danger of a track replaces its waiting one (the newer
// estimate supersedes it) and keeps its place in line; dangers are taken in the
// order their tracks started waiting, so each waits at most one pass over the line
// however many updates keep arriving.
//
// Time: `since` is the caller's time (scenario or clock seconds) when the track's
// first waiting danger was put, kept across replacements.
//
// Thread-safety: not synchronised; one owner thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>

#include "alert/danger.h"
#include "core/ids.h"
#include "core/units.h"

namespace tocsin::replay {

class PendingDangers {
 public:
  struct Waiting {
    alert::Danger danger;
    UnixTime since;  // when the track started waiting
  };

  // Queues `danger` at the back, or replaces the track's waiting danger in place
  // (its `since` kept). Returns true when it replaced one.
  bool Put(alert::Danger danger, UnixTime now);
  // Removes and returns the track's waiting danger, if any.
  std::optional<Waiting> Take(const TrackId& track);
  // Removes and returns the danger that has waited longest. REQUIRES: !empty().
  Waiting TakeOldest();

  bool empty() const { return waiting_.empty(); }
  std::size_t size() const { return waiting_.size(); }

  // Tickets: every track that starts waiting takes the next number, and keeps it
  // while replaced. Whatever waited when issued() was read has left the line (taken)
  // once FirstWaiting() >= that value, replacements included: so a caller can tell
  // when the dangers of an input it fed have all been decided.
  std::uint64_t issued() const { return next_ticket_; }
  // The ticket of the track waiting longest, or issued() when none waits.
  // Amortised O(1) (drops the line's skipped entries in front).
  std::uint64_t FirstWaiting();

 private:
  struct Entry {
    Waiting waiting;
    std::uint64_t ticket = 0;  // its place in `line_`
  };
  // Tracks in the order they started waiting, with the ticket they got; an entry
  // whose ticket no longer matches (taken, or taken and put again) is skipped.
  std::deque<std::pair<std::uint64_t, TrackId>> line_;
  std::unordered_map<TrackId, Entry> waiting_;
  std::uint64_t next_ticket_ = 0;
};

}  // namespace tocsin::replay
