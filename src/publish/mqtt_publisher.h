// MQTT for sirens: one RETAINED topic per zone, carrying the zone's current state,
// published with QoS 1 through libmosquitto (Debian libmosquitto1).
//
//   topic    <prefix>/<mode>/zones/<zone-id>        e.g. tocsin/live/zones/IL-5000511
//   payload  {"state":"alert"|"prealert"|"clear","alert":"A-000017"|null,
//             "category":"drone"|null,"since":T,"expected_at":T|null,"mode":"live"}
//   status   <prefix>/<mode>/status, retained: "online" once connected, "offline"
//            as the broker-held last will when the connection is lost.
// Times are Unix seconds. A late subscriber gets every zone's latest state from
// the broker at once (retained messages).
//
// Threading: mosquitto's network loop runs in its own thread (mosquitto_loop_start)
// and reconnects by itself (1 s, doubling up to 30 s); until the first connection
// succeeds the sender thread retries it with the same back-off. A sender thread hands queued
// states to the library while connected. Publish() never blocks on the network: it
// only takes a short internal lock.
//
// Queue and overflow policy: the queue holds at most one state per zone — a newer
// state of a zone replaces the queued one (coalescing: only a zone's latest state
// matters to a siren), so no zone's final state is lost however slow the broker.
// Its size is therefore bounded by the number of zones; `max_queued_zones` guards
// against unbounded zone ids: beyond it a state for a new zone is dropped and
// counted (size the bound to the catalog and this never happens). A state whose
// QoS 1 acknowledgement has not arrived when the connection drops is sent again
// after the reconnection; so is every other zone's latest state, because a broker
// restarted without persistence has lost its retained messages.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/category.h"
#include "core/ids.h"
#include "core/status.h"
#include "core/units.h"
#include "publish/mode.h"
#include "publish/published_alert.h"

struct mosquitto;

namespace tocsin::publish {

enum class SirenState { kClear, kPreAlert, kAlert };
// "clear", "prealert", "alert".
std::string_view ToString(SirenState s);

struct ZoneState {
  ZoneId zone;
  SirenState state = SirenState::kClear;
  std::optional<AlertId> alert;  // the active alert; on clear, the one that ended (if any)
  std::optional<ThreatCategory> category;  // nullopt when clear
  UnixTime since;                           // when the zone entered this state
  std::optional<UnixTime> expected_at;

  friend bool operator==(const ZoneState&, const ZoneState&) = default;
};

// The state of `zone` at `now` from `alerts` (any set holding at least the zone's
// active alerts and its latest ended one): alert if an alert is active (the
// earliest started), else prealert, else clear since the latest end (or `now`).
ZoneState ZoneStateFor(const ZoneId& zone, std::span<const PublishedAlert> alerts, UnixTime now);

std::string ZoneTopic(std::string_view prefix, Mode mode, const ZoneId& zone);
std::string FormatZoneStatePayload(const ZoneState& s, Mode mode);

struct MqttConfig {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string username;  // empty: no authentication
  std::string password;
  std::string ca_file;   // non-empty: TLS, verifying the broker against this CA
  std::string client_id; // empty: "tocsin-<mode>-<pid>"
  std::string topic_prefix = "tocsin";
  int keepalive_s = 30;
  std::size_t max_queued_zones = 100000;
};

class MqttPublisher {
 public:
  struct Counters {
    std::uint64_t published = 0;  // acknowledged by the broker (PUBACK)
    std::uint64_t failed = 0;     // hand-overs the library refused (retried after reconnection)
    std::uint64_t queued = 0;     // zones whose state waits to be handed over now
    std::uint64_t coalesced = 0;  // queued states replaced by a newer one of their zone
    std::uint64_t dropped = 0;    // states refused by the max_queued_zones bound
    std::uint64_t connects = 0;   // successful (re)connections
    bool connected = false;
  };

  // Starts the network loop and the sender. The broker need not be up yet: the
  // client keeps trying to connect. Errors: invalid configuration (port, TLS CA
  // file) or libmosquitto failing to start, with what to fix.
  static Result<std::unique_ptr<MqttPublisher>> Start(const MqttConfig& config, Mode mode);
  // Disconnects cleanly (queued states not yet handed over are lost; call
  // WaitIdle first to flush) and joins both threads.
  ~MqttPublisher();
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  // Queues the zone's new state. Thread-safe; never blocks on the network.
  void Publish(const ZoneState& state);
  // Waits until every zone's latest state is acknowledged by the broker, or the
  // timeout passes. Returns true when idle.
  bool WaitIdle(Seconds timeout);
  Counters counters() const;
  Mode mode() const { return mode_; }

 private:
  MqttPublisher(MqttConfig config, Mode mode);
  struct Slot {
    ZoneState state;
    std::uint64_t version = 0;        // bumped by each Publish
    std::uint64_t acked_version = 0;  // last version the broker acknowledged
  };
  struct InFlight {
    std::string zone;
    std::uint64_t version;
  };

  void SenderLoop();
  void Enqueue(const std::string& zone);  // REQUIRES: mu_ held
  void Acked(int mid);                    // REQUIRES: mu_ held
  static void OnConnect(struct mosquitto*, void* self, int rc);
  static void OnDisconnect(struct mosquitto*, void* self, int rc);
  static void OnPublish(struct mosquitto*, void* self, int mid);

  const MqttConfig config_;
  const Mode mode_;
  const std::string status_topic_;
  struct mosquitto* mosq_ = nullptr;

  // Lock order: publish_mu_ before mu_. publish_mu_ is held across
  // mosquitto_publish and the registration of its mid, so that the PUBACK
  // callback (which takes it too) always finds the mid registered.
  std::mutex publish_mu_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // sender: queue non-empty while connected, or stop
  std::condition_variable idle_cv_;  // WaitIdle
  std::unordered_map<std::string, Slot> slots_;  // latest state of every zone seen
  std::deque<std::string> queue_;                // zones to hand over, each at most once
  std::unordered_set<std::string> queued_;
  std::unordered_map<int, InFlight> in_flight_;  // mid -> what it carries
  std::uint64_t unacked_zones_ = 0;              // slots with acked_version < version
  bool loop_started_ = false;  // set by Start or the sender thread, read by the destructor after the join
  bool connected_ = false;
  bool stop_ = false;
  Counters counters_;
  std::thread sender_;
};

}  // namespace tocsin::publish
