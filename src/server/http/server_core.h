// Internal to tocsin_http: the state HttpServer shares with its sessions, so a
// session still unwinding on the io_context never touches a destroyed HttpServer.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/post.hpp>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/http/http_server.h"

namespace tocsin::server::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

// A connection the server can close on Stop().
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection soon; callable from any thread.
  virtual void Shutdown() = 0;
  // Stream sessions: posts a pump of the subscription onto the session's strand.
  virtual void Wake() {}
};

// Coalesces stream wake-ups from the publishing thread: a publish to N subscribers
// costs one cross-thread post to the io_context, not N; the io thread that runs the
// batch then posts each session's pump to its strand (cheap from inside an io thread).
class WakeBatcher : public std::enable_shared_from_this<WakeBatcher> {
 public:
  explicit WakeBatcher(net::io_context& ioc) : ioc_(ioc) {}
  // Thread-safe; called under the Broadcaster's lock, so it only queues.
  void Add(std::weak_ptr<SessionBase> session) {
    bool first;
    {
      std::lock_guard lock(mu_);
      first = pending_.empty();
      pending_.push_back(std::move(session));
    }
    if (first) net::post(ioc_, [self = shared_from_this()] { self->Run(); });
  }

 private:
  void Run() {
    std::vector<std::weak_ptr<SessionBase>> batch;
    {
      std::lock_guard lock(mu_);
      batch.swap(pending_);
    }
    for (auto& w : batch) {
      if (auto s = w.lock()) s->Wake();
    }
  }
  net::io_context& ioc_;
  std::mutex mu_;
  std::vector<std::weak_ptr<SessionBase>> pending_;
};

struct HttpServer::Core {
  Core(net::io_context& io, ServerOptions opts)
      : ioc(io), options(std::move(opts)), acceptor(io), wakes(std::make_shared<WakeBatcher>(io)) {}

  net::io_context& ioc;
  const ServerOptions options;
  Router router;
  tcp::acceptor acceptor;
  std::shared_ptr<WakeBatcher> wakes;

  // Returns false when the server is stopping (the caller must close at once).
  bool Register(SessionBase* s, std::weak_ptr<SessionBase> w) {
    std::lock_guard lock(mu);
    if (stopping) return false;
    sessions.emplace(s, std::move(w));
    return true;
  }
  void Unregister(SessionBase* s) {
    std::lock_guard lock(mu);
    sessions.erase(s);
  }
  void ShutdownAll() {
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard lock(mu);
      stopping = true;
      for (auto& [p, w] : sessions) {
        if (auto s = w.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->Shutdown();
  }
  size_t open() const {
    std::lock_guard lock(mu);
    return sessions.size();
  }

  mutable std::mutex mu;
  bool stopping = false;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;

  std::atomic<uint64_t> accepted{0}, requests{0}, errors_4xx{0}, errors_5xx{0}, timeouts{0},
      streams_open{0};
};

// Hands an accepted, already-parsed GET over to a stream session (stream_sessions.cpp).
void StartSseSession(std::shared_ptr<HttpServer::Core> core, beast::tcp_stream stream,
                     const StreamEndpoint& endpoint, Request request);
void StartWebSocketSession(std::shared_ptr<HttpServer::Core> core, beast::tcp_stream stream,
                           const StreamEndpoint& endpoint, Request request,
                           beast::http::request<beast::http::string_body> raw);

// The subscriber filter and Last-Event-ID of a stream request.
SubscriberFilter StreamFilter(const Request& request);
std::optional<uint64_t> LastEventId(const Request& request);
std::string DefaultHello(const Request& request, const SubscriberFilter& filter,
                         const StreamEndpoint& endpoint, size_t capacity, size_t replayed);

}  // namespace tocsin::server::http
