#include "server/http/broadcaster.h"

#include <algorithm>

namespace tocsin::server::http {

std::shared_ptr<const Message> MakeMessage(uint64_t id, std::string topic,
                                           std::vector<std::string> zones,
                                           std::string_view json_data) {
  auto m = std::make_shared<Message>();
  m->id = id;
  m->topic = std::move(topic);
  m->zones = std::move(zones);
  std::string& sse = m->sse;
  sse.reserve(json_data.size() + m->topic.size() + 40);
  sse += "id: ";
  sse += std::to_string(id);
  sse += "\nevent: ";
  sse += m->topic;
  sse += '\n';
  size_t start = 0;
  while (true) {
    size_t nl = json_data.find('\n', start);
    std::string_view line = json_data.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    sse += "data: ";
    sse += line;
    sse += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  sse += '\n';
  std::string& ws = m->ws;
  ws.reserve(json_data.size() + m->topic.size() + 40);
  ws += "{\"type\":\"";
  ws += m->topic;  // topics are plain identifiers chosen by the server
  ws += "\",\"id\":";
  ws += std::to_string(id);
  ws += ",\"event\":";
  ws += json_data;
  ws += '}';
  return m;
}

bool SubscriberFilter::Matches(const Message& m) const {
  if (zones.empty() || m.zones.empty()) return true;
  for (const auto& z : m.zones) {
    if (zones.count(z)) return true;
  }
  return false;
}

SubscriberFilter ParseZonesFilter(std::string_view param) {
  SubscriberFilter f;
  while (!param.empty()) {
    size_t comma = param.find(',');
    std::string_view item = param.substr(0, comma);
    param = comma == std::string_view::npos ? std::string_view() : param.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) f.zones.emplace(item);
  }
  return f;
}

// --- Subscription ---

Subscription::Subscription(Broadcaster* owner, SubscriberFilter filter, size_t capacity,
                           std::function<void()> wake)
    : owner_(owner), filter_(std::move(filter)), capacity_(capacity), wake_(std::move(wake)) {}

Subscription::~Subscription() { Cancel(); }

void Subscription::Cancel() {
  {
    std::lock_guard lock(mu_);
    if (cancelled_) return;
    cancelled_ = true;
  }
  owner_->Remove(this);
}

bool Subscription::Offer(const std::shared_ptr<const Message>& m, bool* overflowed_now) {
  std::lock_guard lock(mu_);
  *overflowed_now = false;
  if (overflowed_ || cancelled_) return false;
  if (queue_.size() >= capacity_) {
    overflowed_ = true;
    *overflowed_now = true;
    dropped_ = queue_.size() + 1;
    queue_.clear();
    return true;  // always wake so the session sends the overflow notice
  }
  queue_.push_back(m);
  if (wake_pending_) return false;
  wake_pending_ = true;
  return true;
}

size_t Subscription::Drain(std::vector<std::shared_ptr<const Message>>& out, size_t max) {
  std::lock_guard lock(mu_);
  size_t n = std::min(max, queue_.size());
  for (size_t i = 0; i < n; ++i) {
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (queue_.empty()) wake_pending_ = false;
  return n;
}

bool Subscription::overflowed() const {
  std::lock_guard lock(mu_);
  return overflowed_;
}

uint64_t Subscription::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

// --- Broadcaster ---

Broadcaster::Broadcaster(Options options) : options_(options) {
  if (options_.default_capacity == 0) const_cast<Options&>(options_).default_capacity = 1;
}

Broadcaster::~Broadcaster() = default;

uint64_t Broadcaster::NextId() {
  std::lock_guard lock(mu_);
  return next_id_++;
}

uint64_t Broadcaster::Publish(std::string topic, std::vector<std::string> zones,
                              std::string_view json_data) {
  uint64_t id = NextId();
  Publish(MakeMessage(id, std::move(topic), std::move(zones), json_data));
  return id;
}

void Broadcaster::Publish(std::shared_ptr<const Message> m) {
  std::lock_guard lock(mu_);
  if (m->id >= next_id_) next_id_ = m->id + 1;
  published_.fetch_add(1, std::memory_order_relaxed);
  if (options_.replay_capacity > 0) {
    recent_.push_back(m);
    if (recent_.size() > options_.replay_capacity) recent_.pop_front();
  }
  uint64_t enqueued = 0;
  bool any_overflow = false;
  for (Subscription* s : subscribers_) {
    if (!s->filter_.Matches(*m)) continue;
    bool overflowed_now = false;
    bool wake = s->Offer(m, &overflowed_now);
    if (overflowed_now) {
      any_overflow = true;
      dropped_.fetch_add(s->dropped(), std::memory_order_relaxed);
      overflows_.fetch_add(1, std::memory_order_relaxed);
    } else {
      ++enqueued;
    }
    if (wake && s->wake_) s->wake_();
  }
  enqueued_.fetch_add(enqueued, std::memory_order_relaxed);
  if (any_overflow) {
    std::erase_if(subscribers_, [](Subscription* s) {
      std::lock_guard l(s->mu_);
      return s->overflowed_;
    });
  }
}

std::shared_ptr<Subscription> Broadcaster::Subscribe(SubscriberFilter filter, std::function<void()> wake,
                                                     size_t capacity, std::optional<uint64_t> last_event_id) {
  if (capacity == 0) capacity = options_.default_capacity;
  std::shared_ptr<Subscription> s(new Subscription(this, std::move(filter), capacity, std::move(wake)));
  std::lock_guard lock(mu_);
  if (last_event_id) {
    std::lock_guard sl(s->mu_);
    for (const auto& m : recent_) {
      if (m->id > *last_event_id && s->filter_.Matches(*m) && s->queue_.size() < capacity) {
        s->queue_.push_back(m);
        ++s->replayed_;
      }
    }
  }
  subscribers_.push_back(s.get());
  return s;
}

void Broadcaster::Remove(Subscription* s) {
  std::lock_guard lock(mu_);
  auto it = std::find(subscribers_.begin(), subscribers_.end(), s);
  if (it != subscribers_.end()) subscribers_.erase(it);
}

Broadcaster::Stats Broadcaster::stats() const {
  Stats st;
  {
    std::lock_guard lock(mu_);
    st.subscribers = subscribers_.size();
  }
  st.published = published_.load();
  st.enqueued = enqueued_.load();
  st.sent = sent_.load();
  st.dropped = dropped_.load();
  st.overflow_disconnects = overflows_.load();
  return st;
}

}  // namespace tocsin::server::http
