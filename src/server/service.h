// `tocsin serve`: the long-running daemon. A Service loads the catalog, sensors,
// policy, keys and operators named by a ServeConfig, opens the event store, starts
// the live pipeline (live_core.h), the ingest listeners (JSON lines over TCP/UDP/TLS,
// ASTERIX over UDP, SAPIENT over TCP), the HTTP server (API, SSE/WebSocket streams,
// CAP/HFC/alerts.in.ua feeds, /metrics, the console) and the MQTT siren publisher.
//
// Threads: the pipeline thread, an io_context run by `io_threads` threads for every
// socket, and the MQTT client's threads. Start-up errors (bad files, ports in use)
// are returned as Status with what to fix; nothing throws after Create.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>

#include "core/clock.h"
#include "core/status.h"
#include "server/serve_config.h"

namespace tocsin::server {

// Where the service listens once started (the bound ports; 0 = not listening).
struct ServiceEndpoints {
  std::uint16_t http = 0, tcp = 0, udp = 0, tls = 0, asterix = 0, sapient = 0;
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> Create(const ServeConfig& config, std::ostream& log);
  ~Service();  // Stop()
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Restores from the store, binds every port and starts serving.
  Status Start();
  // Stops accepting input, drains the pipeline, closes streams. Idempotent.
  void Stop();
  ServiceEndpoints endpoints() const;
  // The server's clock (wall, or the scenario clock of --clock-start/--clock-rate).
  const Clock& clock() const;

  struct Impl;

 private:
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Runs the daemon until SIGINT/SIGTERM; prints where it listens on `out`.
// Returns the process exit code (0 clean stop, 1 bad configuration, 2 runtime error).
int RunServe(const ServeConfig& config, std::ostream& out, std::ostream& err);

}  // namespace tocsin::server
