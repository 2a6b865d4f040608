// HttpServer: HTTP/1.1 server (Boost.Beast) with a Router, SSE and WebSocket
// streams fed by a Broadcaster, and static files.
//
// Usage:
//   http::HttpServer server(ioc, {.address = "127.0.0.1", .port = 8080});
//   server.router().Get("/api/health", [&](const http::Request&) { return ...; });
//   server.router().Sse("/api/stream", {.broadcaster = bc});
//   server.router().Static("/", "web/dist");
//   if (auto st = server.Start(); !st.ok()) ...;   // binds; port() is now known
//   ... ioc.run() on the caller's threads ...
//   server.Stop();
//
// Limits (ServerOptions): a request must arrive completely within read_timeout
// (slowloris -> connection closed; the same timeout closes idle keep-alive
// connections); header block > max_header_bytes -> 431; body > max_body_bytes ->
// 413 (checked on Content-Length before the body is read); unparsable HTTP -> 400;
// no route -> 404; route with other methods -> 405 with Allow. Errors are JSON
// {"error": "..."} and close the connection; successful responses keep it alive
// when the client asks to.
//
// Thread-safety: Start/Stop from one controlling thread. Each connection runs on
// its own strand, so the io_context may be run by several threads. Handlers run on
// io threads. Destroying the server stops it; sessions still unwinding on the
// io_context keep only shared state alive, never the HttpServer object.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/status.h"
#include "server/http/router.h"

namespace tocsin::server::http {

struct ServerOptions {
  std::string address = "127.0.0.1";   // "0.0.0.0" / "::" to listen on all interfaces
  uint16_t port = 8080;                 // 0 = ephemeral; see HttpServer::port()
  size_t max_body_bytes = 64 * 1024;    // larger request bodies -> 413
  size_t max_header_bytes = 16 * 1024;  // larger header blocks -> 431
  std::chrono::milliseconds read_timeout{10000};  // whole request, and keep-alive idle
  int backlog = 4096;
  std::string server_name = "tocsin";   // Server: header
};

class HttpServer {
 public:
  struct Stats {
    uint64_t connections_accepted = 0;
    uint64_t connections_open = 0;   // HTTP, SSE and WebSocket
    uint64_t requests = 0;           // complete requests dispatched
    uint64_t errors_4xx = 0;         // 4xx answers, including malformed requests
    uint64_t errors_5xx = 0;
    uint64_t timeouts = 0;           // connections closed by read_timeout
    uint64_t streams_open = 0;       // SSE + WebSocket sessions open now
  };

  // Runs on the caller's io_context (the caller runs it, on any number of threads).
  HttpServer(boost::asio::io_context& ioc, ServerOptions options);
  // Owns its io_context, run by `threads` threads between Start() and Stop().
  explicit HttpServer(ServerOptions options, int threads = 1);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // REQUIRES: not started. Configure routes before Start().
  Router& router();

  // Binds and listens; returns an error saying which address/port failed and why.
  Status Start();
  // The bound port (the ephemeral one when options.port was 0). REQUIRES: Start() ok.
  uint16_t port() const;
  // Closes the listener and every open connection (streams included); with an owned
  // io_context also joins its threads. Idempotent. REQUIRES: not called from a
  // handler or any other code running on the io_context.
  void Stop();

  Stats stats() const;

  struct Core;  // shared with sessions (implementation detail)

 private:
  std::unique_ptr<boost::asio::io_context> owned_ioc_;
  boost::asio::io_context* ioc_;
  int threads_;
  std::vector<std::thread> pool_;
  std::shared_ptr<Core> core_;
};

}  // namespace tocsin::server::http
