// Router: maps (method, path) to a route: a plain handler, a Server-Sent Events
// stream or a WebSocket stream. Exact paths win over prefixes; the longest prefix
// wins among prefixes. HEAD is served by the GET route (body omitted).
//
// Thread-safety: configure before HttpServer::Start(); afterwards it is read-only
// and read concurrently by the io threads.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/http/broadcaster.h"
#include "server/http/request.h"

namespace tocsin::server::http {

// Runs on an io thread: must be quick and must not block (read a snapshot).
// An exception escaping it becomes a 500 JSON error.
using Handler = std::function<Response(const Request&)>;

// A long-lived stream fed from a Broadcaster (SSE or WebSocket).
// The subscriber filter comes from the `zones` query parameter ("Z1,Z2"; absent = all);
// Last-Event-ID comes from the `Last-Event-ID` header or `last_event_id` parameter.
struct StreamEndpoint {
  std::shared_ptr<Broadcaster> broadcaster;      // REQUIRES: non-null
  size_t queue_capacity = 0;                      // 0 = the broadcaster's default
  std::chrono::milliseconds keepalive{15000};     // SSE ": keepalive" / WebSocket ping period
  std::chrono::milliseconds write_timeout{30000}; // a write stalled longer closes the stream
  // Optional gate run before subscribing (auth, unknown zones): a Response rejects.
  std::function<std::optional<Response>(const Request&, const SubscriberFilter&)> check;
  // Optional JSON for the first `hello` event; default
  // {"zones":[..]|null,"queue_capacity":N,"keepalive_s":S,"replayed":N}.
  std::function<std::string(const Request&, const SubscriberFilter&)> hello;
};

struct Route {
  enum class Kind { kHandler, kSse, kWebSocket };
  std::string method;
  std::string path;  // exact path or prefix
  bool prefix = false;
  Kind kind = Kind::kHandler;
  Handler handler;
  StreamEndpoint stream;
};

class Router {
 public:
  // Exact path.
  void Handle(std::string method, std::string path, Handler h);
  void Get(std::string path, Handler h) { Handle("GET", std::move(path), std::move(h)); }
  void Post(std::string path, Handler h) { Handle("POST", std::move(path), std::move(h)); }
  // Every path starting with `prefix`; Request::path_suffix holds the rest.
  void HandlePrefix(std::string method, std::string prefix, Handler h);
  // GET `path` becomes a text/event-stream session (see docs/http.md).
  void Sse(std::string path, StreamEndpoint endpoint);
  // GET `path` with an Upgrade: websocket becomes a WebSocket session.
  void WebSocket(std::string path, StreamEndpoint endpoint);
  // GET/HEAD of files under `root` at `prefix` (e.g. "/"); see static_files.h.
  void Static(std::string prefix, std::filesystem::path root);

  struct Match {
    const Route* route = nullptr;  // set when found
    int status = 0;                // 0 found, 404 no such path, 405 wrong method
    std::string allow;             // for 405: "GET, HEAD, POST"
  };
  Match Find(std::string_view method, std::string_view path) const;

 private:
  void Add(Route r);
  std::vector<Route> routes_;
};

}  // namespace tocsin::server::http
