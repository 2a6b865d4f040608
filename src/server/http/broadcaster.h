// Broadcaster: the distribution fabric behind the SSE and WebSocket streams.
//
// A publisher (the pipeline thread) publishes immutable Messages; each Message is
// serialised once (its SSE frame and its WebSocket text are built when it is made)
// and shared by every subscriber that takes it. Each subscriber has a bounded
// queue. Publish never blocks on a subscriber and never waits for the network.
//
// Overflow policy: when a message finds a subscriber's queue full, that subscriber
// is cut off: its queued messages are discarded, it is removed from the broadcaster
// (it receives nothing more), `overflowed()` becomes true and its wake callback runs;
// the owning stream session then sends a final `event: overflow` notice and closes
// the connection. The discarded messages are counted in Stats::dropped and the
// subscriber in Stats::overflow_disconnects, so a dropped alert never goes
// unnoticed. A client that reconnects with Last-Event-ID gets the missed messages
// replayed from the broadcaster's recent-message ring if they are still in it.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::server::http {

// One published item, immutable once made, shared by all subscribers.
struct Message {
  uint64_t id = 0;                 // > 0, increasing per Broadcaster (SSE `id:`)
  std::string topic;               // SSE event name and WebSocket "type", e.g. "alert"
  std::vector<std::string> zones;  // keys a filter matches; empty = every subscriber
  std::string sse;                 // complete SSE frame: "id: ..\nevent: ..\ndata: ..\n\n"
  std::string ws;                  // WebSocket text: {"type":topic,"id":id,"event":data}
};

// Builds both serialisations. `json_data` is one serialised JSON value; newlines
// in it are split across SSE `data:` lines (receivers re-join them).
std::shared_ptr<const Message> MakeMessage(uint64_t id, std::string topic,
                                           std::vector<std::string> zones,
                                           std::string_view json_data);

// Which messages a subscriber takes: all, or those carrying one of `zones`.
// A message with no zones goes to every subscriber.
struct SubscriberFilter {
  std::set<std::string> zones;  // empty = all zones
  bool Matches(const Message& m) const;
};

// Parses a `zones` query value "Z1,Z2" (spaces trimmed, empty items ignored).
SubscriberFilter ParseZonesFilter(std::string_view zones_param);

class Broadcaster;

// One subscriber's bounded queue. Owned (shared) by the stream session; destroying
// it, or calling Cancel(), unsubscribes. REQUIRES: the Broadcaster outlives it.
class Subscription {
 public:
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // Moves up to `max` queued messages to the end of `out`, oldest first. When it
  // leaves the queue empty, the next publish calls the wake callback again.
  size_t Drain(std::vector<std::shared_ptr<const Message>>& out, size_t max = SIZE_MAX);
  // True once this subscriber was cut off by the overflow policy (see above).
  bool overflowed() const;
  // Messages discarded for this subscriber when it overflowed.
  uint64_t dropped() const;
  size_t capacity() const { return capacity_; }
  const SubscriberFilter& filter() const { return filter_; }
  // Number of messages replayed into the queue at subscription (Last-Event-ID).
  size_t replayed() const { return replayed_; }
  void Cancel();

 private:
  friend class Broadcaster;
  Subscription(Broadcaster* owner, SubscriberFilter filter, size_t capacity,
               std::function<void()> wake);
  // Called by Broadcaster under its lock. Returns true if the caller must wake.
  bool Offer(const std::shared_ptr<const Message>& m, bool* overflowed_now);

  Broadcaster* owner_;
  const SubscriberFilter filter_;
  const size_t capacity_;
  const std::function<void()> wake_;
  size_t replayed_ = 0;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<const Message>> queue_;
  bool wake_pending_ = false;
  bool overflowed_ = false;
  bool cancelled_ = false;
  uint64_t dropped_ = 0;
};

class Broadcaster {
 public:
  struct Options {
    size_t default_capacity = 1024;  // per-subscriber queue length (messages)
    size_t replay_capacity = 1024;   // recent messages kept for Last-Event-ID replay
  };
  struct Stats {
    uint64_t subscribers = 0;           // current
    uint64_t published = 0;             // messages published
    uint64_t enqueued = 0;              // message copies put into subscriber queues
    uint64_t sent = 0;                  // message copies written to the network (sessions report)
    uint64_t dropped = 0;               // message copies discarded by the overflow policy
    uint64_t overflow_disconnects = 0;  // subscribers cut off by the overflow policy
  };

  Broadcaster() : Broadcaster(Options{}) {}
  explicit Broadcaster(Options options);
  ~Broadcaster();  // REQUIRES: no Subscription still alive

  // Builds a Message with the next id and publishes it. Returns the id.
  uint64_t Publish(std::string topic, std::vector<std::string> zones, std::string_view json_data);
  // Publishes a prebuilt message. REQUIRES: m->id greater than every earlier id
  // (use NextId()), so Last-Event-ID replay stays ordered.
  void Publish(std::shared_ptr<const Message> m);
  uint64_t NextId();

  // Registers a subscriber. `wake` is called from the publishing thread, under the
  // broadcaster's lock, when the queue turns non-empty or the subscriber overflows;
  // it must be quick (e.g. post to an executor) and must not call back into the
  // Broadcaster. After Cancel()/destruction returns, `wake` is never called again.
  // `capacity` 0 = Options::default_capacity. With `last_event_id`, retained
  // messages with a larger id that match the filter are queued first.
  std::shared_ptr<Subscription> Subscribe(SubscriberFilter filter, std::function<void()> wake,
                                          size_t capacity = 0,
                                          std::optional<uint64_t> last_event_id = std::nullopt);

  void CountSent(uint64_t n) { sent_.fetch_add(n, std::memory_order_relaxed); }
  Stats stats() const;

 private:
  friend class Subscription;
  void Remove(Subscription* s);

  const Options options_;
  mutable std::mutex mu_;
  std::vector<Subscription*> subscribers_;
  std::deque<std::shared_ptr<const Message>> recent_;
  uint64_t next_id_ = 1;
  std::atomic<uint64_t> published_{0}, enqueued_{0}, sent_{0}, dropped_{0}, overflows_{0};
};

}  // namespace tocsin::server::http
