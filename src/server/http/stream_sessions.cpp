// SSE and WebSocket sessions: long-lived connections fed from a Broadcaster
// Subscription. Each runs on its connection's strand; the Broadcaster's wake
// callback posts Pump() onto that strand.
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "server/http/server_core.h"

namespace tocsin::server::http {
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;

SubscriberFilter StreamFilter(const Request& request) { return ParseZonesFilter(request.Query("zones")); }

std::optional<uint64_t> LastEventId(const Request& request) {
  std::string text;
  if (auto h = request.Header("Last-Event-ID")) text = std::string(*h);
  else text = request.Query("last_event_id");
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::string DefaultHello(const Request&, const SubscriberFilter& filter, const StreamEndpoint& endpoint,
                         size_t capacity, size_t replayed) {
  nlohmann::json j;
  if (filter.zones.empty()) j["zones"] = nullptr;
  else j["zones"] = filter.zones;
  j["queue_capacity"] = capacity;
  j["keepalive_s"] = std::chrono::duration<double>(endpoint.keepalive).count();
  j["replayed"] = replayed;
  return j.dump();
}

namespace {

std::string OverflowJson(const Subscription& sub) {
  return "{\"error\":\"this client fell " + std::to_string(sub.capacity()) +
         " messages behind and was disconnected so that it cannot miss alerts silently; " +
         "reconnect (with Last-Event-ID to replay what is still retained) and read faster\",\"dropped\":" +
         std::to_string(sub.dropped()) + "}";
}

// Serialises a plain response (a stream request rejected by the endpoint's check).
std::shared_ptr<bhttp::response<bhttp::string_body>> ToBeast(Response r) {
  auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
  res->version(11);
  res->result(static_cast<unsigned>(r.status));
  res->set(bhttp::field::server, "tocsin");
  if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
  for (auto& [n, v] : r.headers) res->insert(n, v);
  res->body() = std::move(r.body);
  res->keep_alive(false);
  res->prepare_payload();
  return res;
}

void RejectAndClose(std::shared_ptr<HttpServer::Core> core, beast::tcp_stream& stream, Response r,
                    std::function<void()> close) {
  if (r.status >= 500) core->errors_5xx.fetch_add(1);
  else if (r.status >= 400) core->errors_4xx.fetch_add(1);
  auto res = ToBeast(std::move(r));
  stream.expires_after(std::chrono::seconds(10));
  bhttp::async_write(stream, *res, [res, close](beast::error_code, size_t) { close(); });
}

class SseSession : public SessionBase, public std::enable_shared_from_this<SseSession> {
 public:
  SseSession(std::shared_ptr<HttpServer::Core> core, beast::tcp_stream stream, StreamEndpoint endpoint,
             Request request)
      : core_(std::move(core)),
        stream_(std::move(stream)),
        endpoint_(std::move(endpoint)),
        request_(std::move(request)),
        timer_(stream_.get_executor()) {}

  ~SseSession() override {
    if (registered_) {
      core_->Unregister(this);
      core_->streams_open.fetch_sub(1);
    }
  }

  void Start() {
    SubscriberFilter filter = StreamFilter(request_);
    if (endpoint_.check) {
      if (auto reject = endpoint_.check(request_, filter)) {
        RejectAndClose(core_, stream_, std::move(*reject), [self = shared_from_this()] { self->Close(); });
        return;
      }
    }
    if (!core_->Register(this, weak_from_this())) return;
    registered_ = true;
    core_->streams_open.fetch_add(1);
    std::weak_ptr<SessionBase> weak = weak_from_this();
    auto wakes = core_->wakes;
    sub_ = endpoint_.broadcaster->Subscribe(
        filter,
        [weak, wakes] { wakes->Add(weak); },
        endpoint_.queue_capacity, LastEventId(request_));
    std::string hello = endpoint_.hello
                            ? endpoint_.hello(request_, filter)
                            : DefaultHello(request_, filter, endpoint_, sub_->capacity(), sub_->replayed());
    head_ =
        "HTTP/1.1 200 OK\r\n"
        "Server: tocsin\r\n"
        "Content-Type: text/event-stream; charset=utf-8\r\n"
        "Cache-Control: no-cache, no-store\r\n"
        "Connection: keep-alive\r\n"
        "X-Accel-Buffering: no\r\n"
        "\r\n"
        "retry: 3000\n"
        "event: hello\n"
        "data: " + hello + "\n\n";
    Write(net::buffer(head_), /*messages=*/false);
    Read();
    Tick();
  }

  void Shutdown() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
  }
  void Wake() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->Pump(); });
  }

 private:
  void Pump() {
    if (closed_ || writing_) return;
    if (sub_->overflowed()) {
      tail_ = "event: overflow\ndata: " + OverflowJson(*sub_) + "\n\n";
      close_after_write_ = true;
      Write(net::buffer(tail_), false);
      return;
    }
    batch_.clear();
    sub_->Drain(batch_, 512);
    if (batch_.empty()) return;
    bufs_.clear();
    for (const auto& m : batch_) bufs_.push_back(net::buffer(m->sse));
    Write(bufs_, true);
  }

  template <typename Buffers>
  void Write(const Buffers& buffers, bool messages) {
    writing_ = true;
    write_started_ = Clock::now();
    net::async_write(stream_, buffers, [self = shared_from_this(), messages](beast::error_code ec, size_t) {
      self->writing_ = false;
      if (ec) return self->Close();
      if (messages) self->endpoint_.broadcaster->CountSent(self->batch_.size());
      self->batch_.clear();
      self->last_write_ = Clock::now();
      if (self->close_after_write_) return self->Close();
      self->Pump();
    });
  }

  // The client sends nothing after its request; a read completes on close.
  void Read() {
    stream_.async_read_some(net::buffer(rbuf_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->Read();
    });
  }

  void Tick() {
    timer_.expires_after(endpoint_.keepalive);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      auto now = Clock::now();
      if (self->writing_) {
        if (now - self->write_started_ >= self->endpoint_.write_timeout) return self->Close();
      } else if (now - self->last_write_ >= self->endpoint_.keepalive * 9 / 10) {
        static const std::string kKeepalive = ": keepalive\n\n";
        self->Write(net::buffer(kKeepalive), false);
      }
      self->Tick();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    if (sub_) sub_->Cancel();
    timer_.cancel();
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  std::shared_ptr<HttpServer::Core> core_;
  beast::tcp_stream stream_;
  StreamEndpoint endpoint_;
  Request request_;
  net::steady_timer timer_;
  std::shared_ptr<Subscription> sub_;
  std::string head_, tail_;
  std::vector<std::shared_ptr<const Message>> batch_;
  std::vector<net::const_buffer> bufs_;
  char rbuf_[256];
  Clock::time_point write_started_{}, last_write_{Clock::now()};
  bool writing_ = false, closed_ = false, close_after_write_ = false, registered_ = false;
};

class WsSession : public SessionBase, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(std::shared_ptr<HttpServer::Core> core, beast::tcp_stream stream, StreamEndpoint endpoint,
            Request request, bhttp::request<bhttp::string_body> raw)
      : core_(std::move(core)),
        ws_(std::move(stream)),
        endpoint_(std::move(endpoint)),
        request_(std::move(request)),
        raw_(std::move(raw)),
        timer_(ws_.get_executor()) {}

  ~WsSession() override {
    if (registered_) {
      core_->Unregister(this);
      core_->streams_open.fetch_sub(1);
    }
  }

  void Start() {
    filter_ = StreamFilter(request_);
    if (endpoint_.check) {
      if (auto reject = endpoint_.check(request_, filter_)) {
        RejectAndClose(core_, beast::get_lowest_layer(ws_), std::move(*reject),
                       [self = shared_from_this()] { self->Close(); });
        return;
      }
    }
    if (!core_->Register(this, weak_from_this())) return;
    registered_ = true;
    core_->streams_open.fetch_add(1);
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = endpoint_.keepalive * 2;  // a ping after `keepalive` of silence
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(bhttp::field::server, "tocsin"); }));
    ws_.read_message_max(64 * 1024);
    ws_.async_accept(raw_, [self = shared_from_this()](beast::error_code ec) { self->OnAccept(ec); });
  }

  void Wake() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->Pump(); });
  }
  void Shutdown() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->closed_) return;
      if (!self->accepted_) return self->Close();
      // Graceful close (going away) once the write in flight, if any, is done; a peer
      // that does not answer within 1 s is cut off.
      self->shutting_down_ = true;
      if (!self->writing_) self->GoingAway();
      self->timer_.expires_after(std::chrono::seconds(1));
      self->timer_.async_wait([self](beast::error_code ec) {
        if (!ec) self->Close();
      });
    });
  }

 private:
  void OnAccept(beast::error_code ec) {
    if (ec) return Close();
    accepted_ = true;
    std::weak_ptr<SessionBase> weak = weak_from_this();
    auto wakes = core_->wakes;
    sub_ = endpoint_.broadcaster->Subscribe(
        filter_,
        [weak, wakes] { wakes->Add(weak); },
        endpoint_.queue_capacity, LastEventId(request_));
    std::string hello = endpoint_.hello
                            ? endpoint_.hello(request_, filter_)
                            : DefaultHello(request_, filter_, endpoint_, sub_->capacity(), sub_->replayed());
    control_ = "{\"type\":\"hello\",\"event\":" + hello + "}";
    ws_.text(true);
    WriteText(net::buffer(control_), false);
    Read();
    Tick();
  }

  void GoingAway() {
    writing_ = true;
    ws_.async_close(websocket::close_code::going_away, [self = shared_from_this()](beast::error_code) { self->Close(); });
  }

  void Pump() {
    if (closed_ || writing_ || !accepted_) return;
    if (shutting_down_) return GoingAway();
    if (sub_->overflowed()) {
      control_ = "{\"type\":\"overflow\",\"event\":" + OverflowJson(*sub_) + "}";
      writing_ = true;
      write_started_ = Clock::now();
      ws_.async_write(net::buffer(control_), [self = shared_from_this()](beast::error_code ec, size_t) {
        if (ec) return self->Close();
        self->ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, "overflow"),
                              [self](beast::error_code) { self->Close(); });
      });
      return;
    }
    if (next_ >= batch_.size()) {
      batch_.clear();
      next_ = 0;
      sub_->Drain(batch_, 512);
      if (batch_.empty()) return;
    }
    const auto& m = batch_[next_++];
    WriteText(net::buffer(m->ws), true);
  }

  void WriteText(net::const_buffer b, bool message) {
    writing_ = true;
    write_started_ = Clock::now();
    ws_.async_write(b, [self = shared_from_this(), message](beast::error_code ec, size_t) {
      self->writing_ = false;
      if (ec) return self->Close();
      if (message) self->endpoint_.broadcaster->CountSent(1);
      self->Pump();
    });
  }

  // Incoming text is ignored; pings/pongs/close are handled by Beast during reads.
  void Read() {
    ws_.async_read(rbuf_, [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->Close();
      self->rbuf_.consume(n);
      self->Read();
    });
  }

  void Tick() {
    timer_.expires_after(endpoint_.keepalive);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      if (self->writing_ && Clock::now() - self->write_started_ >= self->endpoint_.write_timeout) {
        return self->Close();
      }
      self->Tick();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    if (sub_) sub_->Cancel();
    timer_.cancel();
    beast::get_lowest_layer(ws_).close();
  }

  bool shutting_down_ = false;  // Shutdown() asked for a graceful close
  std::shared_ptr<HttpServer::Core> core_;
  websocket::stream<beast::tcp_stream> ws_;
  StreamEndpoint endpoint_;
  Request request_;
  bhttp::request<bhttp::string_body> raw_;
  net::steady_timer timer_;
  SubscriberFilter filter_;
  std::shared_ptr<Subscription> sub_;
  std::string control_;
  std::vector<std::shared_ptr<const Message>> batch_;
  size_t next_ = 0;
  beast::flat_buffer rbuf_;
  Clock::time_point write_started_{};
  bool writing_ = false, closed_ = false, accepted_ = false, registered_ = false;
};

}  // namespace

void StartSseSession(std::shared_ptr<HttpServer::Core> core, beast::tcp_stream stream,
                     const StreamEndpoint& endpoint, Request request) {
  std::make_shared<SseSession>(std::move(core), std::move(stream), endpoint, std::move(request))->Start();
}

void StartWebSocketSession(std::shared_ptr<HttpServer::Core> core, beast::tcp_stream stream,
                           const StreamEndpoint& endpoint, Request request,
                           bhttp::request<bhttp::string_body> raw) {
  std::make_shared<WsSession>(std::move(core), std::move(stream), endpoint, std::move(request), std::move(raw))
      ->Start();
}

}  // namespace tocsin::server::http
