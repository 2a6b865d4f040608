#include "publish/mqtt_publisher.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <mosquitto.h>
#include <nlohmann/json.hpp>

namespace tocsin::publish {
namespace {

std::once_flag g_lib_init;

void AddTime(nlohmann::ordered_json& j, const char* key, std::optional<UnixTime> t) {
  if (t) j[key] = t->seconds(); else j[key] = nullptr;
}

}  // namespace

std::string_view ToString(SirenState s) {
  switch (s) {
    case SirenState::kClear: return "clear";
    case SirenState::kPreAlert: return "prealert";
    case SirenState::kAlert: return "alert";
  }
  return "clear";
}

ZoneState ZoneStateFor(const ZoneId& zone, std::span<const PublishedAlert> alerts, UnixTime now) {
  const PublishedAlert* best = nullptr;
  const PublishedAlert* last_ended = nullptr;
  for (const auto& a : alerts) {
    if (a.zone_id != zone || a.started > now) continue;
    if (a.active() || *a.ended > now) {
      const bool better = !best || (a.kind == AlertKind::kAlert && best->kind == AlertKind::kPreAlert) ||
                          (a.kind == best->kind && a.started < best->started);
      if (better) best = &a;
    } else if (!last_ended || *a.ended > *last_ended->ended) {
      last_ended = &a;
    }
  }
  ZoneState s;
  s.zone = zone;
  if (best) {
    s.state = best->kind == AlertKind::kAlert ? SirenState::kAlert : SirenState::kPreAlert;
    s.alert = best->id;
    s.category = best->category;
    s.since = best->started;
    s.expected_at = best->expected_at;
  } else {
    s.state = SirenState::kClear;
    if (last_ended) s.alert = last_ended->id;
    s.since = last_ended ? *last_ended->ended : now;
  }
  return s;
}

std::string ZoneTopic(std::string_view prefix, Mode mode, const ZoneId& zone) {
  std::string t(prefix);
  t += '/';
  t += ToString(mode);
  t += "/zones/";
  t += zone.str();
  return t;
}

std::string FormatZoneStatePayload(const ZoneState& s, Mode mode) {
  nlohmann::ordered_json j;
  j["state"] = ToString(s.state);
  if (s.alert) j["alert"] = s.alert->str(); else j["alert"] = nullptr;
  if (s.category) j["category"] = ToString(*s.category); else j["category"] = nullptr;
  j["since"] = s.since.seconds();
  AddTime(j, "expected_at", s.expected_at);
  j["mode"] = ToString(mode);
  return j.dump();
}

MqttPublisher::MqttPublisher(MqttConfig config, Mode mode)
    : config_(std::move(config)),
      mode_(mode),
      status_topic_(config_.topic_prefix + "/" + std::string(ToString(mode)) + "/status") {}

Result<std::unique_ptr<MqttPublisher>> MqttPublisher::Start(const MqttConfig& config, Mode mode) {
  if (config.port <= 0 || config.port > 65535)
    return Status::Error("mqtt: port " + std::to_string(config.port) + " is not in 1..65535; set a valid broker port");
  if (config.host.empty()) return Status::Error("mqtt: empty broker host; set the broker's host name or address");
  if (!config.ca_file.empty() && !std::filesystem::exists(config.ca_file))
    return Status::Error("mqtt: TLS CA file " + config.ca_file + " does not exist; give the broker's CA certificate");
  std::call_once(g_lib_init, [] { mosquitto_lib_init(); });

  std::unique_ptr<MqttPublisher> p(new MqttPublisher(config, mode));
  const std::string client_id = config.client_id.empty()
                                    ? "tocsin-" + std::string(ToString(mode)) + "-" + std::to_string(::getpid())
                                    : config.client_id;
  p->mosq_ = mosquitto_new(client_id.c_str(), /*clean_session=*/true, p.get());
  if (!p->mosq_) return Status::Error("mqtt: mosquitto_new failed (out of memory or invalid client id)");
  mosquitto_int_option(p->mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  if (!config.username.empty()) {
    int rc = mosquitto_username_pw_set(p->mosq_, config.username.c_str(),
                                       config.password.empty() ? nullptr : config.password.c_str());
    if (rc != MOSQ_ERR_SUCCESS) return Status::Error(std::string("mqtt: username/password: ") + mosquitto_strerror(rc));
  }
  if (!config.ca_file.empty()) {
    int rc = mosquitto_tls_set(p->mosq_, config.ca_file.c_str(), nullptr, nullptr, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      return Status::Error("mqtt: TLS with CA " + config.ca_file + ": " + mosquitto_strerror(rc));
  }
  const std::string offline = "offline";
  mosquitto_will_set(p->mosq_, p->status_topic_.c_str(), static_cast<int>(offline.size()), offline.data(), 1, true);
  mosquitto_reconnect_delay_set(p->mosq_, 1, 30, true);
  mosquitto_connect_callback_set(p->mosq_, &MqttPublisher::OnConnect);
  mosquitto_disconnect_callback_set(p->mosq_, &MqttPublisher::OnDisconnect);
  mosquitto_publish_callback_set(p->mosq_, &MqttPublisher::OnPublish);

  // A broker that is down now is not an error. libmosquitto's loop reconnects by
  // itself only after a first successful connection, so until then the sender
  // thread retries the connection (1 s, doubling up to 30 s).
  int rc = mosquitto_connect_async(p->mosq_, config.host.c_str(), config.port, config.keepalive_s);
  if (rc == MOSQ_ERR_INVAL)
    return Status::Error("mqtt: invalid broker address " + config.host + ":" + std::to_string(config.port));
  if (rc == MOSQ_ERR_SUCCESS) {
    rc = mosquitto_loop_start(p->mosq_);
    if (rc != MOSQ_ERR_SUCCESS)
      return Status::Error(std::string("mqtt: cannot start the network loop: ") + mosquitto_strerror(rc));
    p->loop_started_ = true;
  }
  p->sender_ = std::thread([raw = p.get()] { raw->SenderLoop(); });
  return p;
}

MqttPublisher::~MqttPublisher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  idle_cv_.notify_all();
  if (sender_.joinable()) sender_.join();
  if (mosq_) {
    if (loop_started_) {
      const int rc = mosquitto_disconnect(mosq_);
      // Not connected: the loop may be waiting to reconnect, so it is cancelled.
      mosquitto_loop_stop(mosq_, /*force=*/rc != MOSQ_ERR_SUCCESS);
    }
    mosquitto_destroy(mosq_);
  }
}

void MqttPublisher::Enqueue(const std::string& zone) {
  if (queued_.insert(zone).second) queue_.push_back(zone);
}

void MqttPublisher::Publish(const ZoneState& state) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    const std::string& zone = state.zone.str();
    auto it = slots_.find(zone);
    if (it == slots_.end()) {
      if (queue_.size() >= config_.max_queued_zones) {
        ++counters_.dropped;
        return;
      }
      it = slots_.emplace(zone, Slot{}).first;
    }
    Slot& s = it->second;
    if (s.acked_version == s.version) ++unacked_zones_;
    if (queued_.count(zone)) ++counters_.coalesced;
    s.state = state;
    ++s.version;
    Enqueue(zone);
  }
  work_cv_.notify_one();
}

void MqttPublisher::SenderLoop() {
  double retry_s = 1;
  while (!loop_started_) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (work_cv_.wait_for(lock, std::chrono::duration<double>(retry_s), [&] { return stop_; })) return;
    }
    retry_s = std::min(retry_s * 2, 30.0);
    if (mosquitto_connect_async(mosq_, config_.host.c_str(), config_.port, config_.keepalive_s) == MOSQ_ERR_SUCCESS &&
        mosquitto_loop_start(mosq_) == MOSQ_ERR_SUCCESS)
      loop_started_ = true;
  }
  for (;;) {
    std::string zone, topic, payload;
    std::uint64_t version = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return stop_ || (connected_ && !queue_.empty()); });
      if (stop_) return;
      zone = std::move(queue_.front());
      queue_.pop_front();
      queued_.erase(zone);
      const Slot& s = slots_.at(zone);
      version = s.version;
      topic = ZoneTopic(config_.topic_prefix, mode_, s.state.zone);
      payload = FormatZoneStatePayload(s.state, mode_);
    }
    std::lock_guard<std::mutex> publish_lock(publish_mu_);
    int mid = 0;
    const int rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(),
                                     /*qos=*/1, /*retain=*/true);
    std::lock_guard<std::mutex> lock(mu_);
    if (rc == MOSQ_ERR_SUCCESS) {
      in_flight_[mid] = {zone, version};
    } else {
      // Not handed over; the zone stays unacknowledged and is queued again at
      // the next connection.
      ++counters_.failed;
    }
  }
}

void MqttPublisher::Acked(int mid) {
  auto it = in_flight_.find(mid);
  if (it == in_flight_.end()) return;
  const InFlight f = std::move(it->second);
  in_flight_.erase(it);
  if (f.zone.empty()) return;  // the status message
  ++counters_.published;
  auto s = slots_.find(f.zone);
  if (s == slots_.end() || f.version <= s->second.acked_version) return;
  const bool was_unacked = s->second.acked_version < s->second.version;
  s->second.acked_version = f.version;
  if (was_unacked && s->second.acked_version == s->second.version) --unacked_zones_;
  if (unacked_zones_ == 0) idle_cv_.notify_all();
}

void MqttPublisher::OnConnect(struct mosquitto* mosq, void* obj, int rc) {
  auto* self = static_cast<MqttPublisher*>(obj);
  if (rc != 0) return;  // refused (e.g. bad credentials); the loop retries
  {
    std::lock_guard<std::mutex> publish_lock(self->publish_mu_);
    int mid = 0;
    const std::string online = "online";
    if (mosquitto_publish(mosq, &mid, self->status_topic_.c_str(), static_cast<int>(online.size()), online.data(), 1,
                          true) == MOSQ_ERR_SUCCESS) {
      std::lock_guard<std::mutex> lock(self->mu_);
      self->in_flight_[mid] = {std::string(), 0};
    }
  }
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    self->connected_ = true;
    ++self->counters_.connects;
    // Whatever was in flight on the old connection is sent again.
    for (auto it = self->in_flight_.begin(); it != self->in_flight_.end();)
      it = it->second.zone.empty() ? std::next(it) : self->in_flight_.erase(it);
    // Every zone's latest state is sent again, not only the unacknowledged ones: a
    // broker that restarted without persistence has lost the retained states.
    for (const auto& [zone, slot] : self->slots_) self->Enqueue(zone);
  }
  self->work_cv_.notify_all();
}

void MqttPublisher::OnDisconnect(struct mosquitto*, void* obj, int) {
  auto* self = static_cast<MqttPublisher*>(obj);
  std::lock_guard<std::mutex> lock(self->mu_);
  self->connected_ = false;
}

void MqttPublisher::OnPublish(struct mosquitto*, void* obj, int mid) {
  auto* self = static_cast<MqttPublisher*>(obj);
  std::lock_guard<std::mutex> publish_lock(self->publish_mu_);
  std::lock_guard<std::mutex> lock(self->mu_);
  self->Acked(mid);
}

bool MqttPublisher::WaitIdle(Seconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, std::chrono::duration<double>(std::max(0.0, timeout.value())),
                           [&] { return stop_ || unacked_zones_ == 0; });
}

MqttPublisher::Counters MqttPublisher::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  Counters c = counters_;
  c.queued = queue_.size();
  c.connected = connected_;
  return c;
}

}  // namespace tocsin::publish
