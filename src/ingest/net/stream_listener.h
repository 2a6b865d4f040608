// TCP listeners on a boost::asio::io_context: newline-delimited lines (JSON Lines
// reports) or length-prefixed frames (SAPIENT: 4-byte little-endian length, then the
// message), each optionally over TLS with required client certificates.
//
// Bounded memory: a connection never buffers more than max_message_bytes + one read
// chunk. An overlong line or frame is counted as too_long and the connection is
// closed. Connections beyond max_connections are closed at accept (counted as
// too_many_connections; the listener refuses the newcomer rather than evicting an
// open connection, since squatters are bounded by the timeouts below). TLS: the server presents cert_file/key_file and requires a
// client certificate signed by a CA in ca_file; a failed handshake (no certificate,
// untrusted certificate, timeout) is counted as tls_handshake. The verified client
// certificate's subject CN is handed in PeerInfo::tls_common_name (the sensor id).
//
// Squatting: a connection that has had no message accepted (the verdict callback
// returned true) within auth_timeout of being accepted is closed and counted as
// auth_timeout; one that delivers no complete line or frame for idle_timeout is
// closed and counted as idle_timeout. So silent or trickling peers cannot hold the
// max_connections slots. Timers run on the connection's strand (never blocking).
//
// Threading: handlers run on the io_context's threads (any number); each connection
// is serialised on its own strand, so the callback is called concurrently for
// different connections, and in order for one connection. Callbacks must not block
// for long. Lifetime: the listener may be destroyed while the io_context runs;
// pending handlers keep the internal state alive. After Stop() returns no new
// callback starts (one already running may finish).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "core/status.h"
#include "core/units.h"
#include "ingest/net/counters.h"
#include "ingest/net/peer_info.h"

namespace tocsin::ingest::net {

enum class Framing {
  kLines,           // '\n'-terminated lines; a trailing '\r' and empty lines are dropped
  kLengthPrefixed,  // uint32 little-endian length, then that many bytes
};

struct TlsServerConfig {
  std::string cert_file;  // PEM: the server certificate (chain)
  std::string key_file;   // PEM: its private key
  std::string ca_file;    // PEM: CA certificate(s) that sign the sensors' client certificates
};

struct StreamListenerConfig {
  std::string address = "127.0.0.1";  // "0.0.0.0" / "::" to listen on every interface
  std::uint16_t port = 0;             // 0: an ephemeral port (see StreamListener::port())
  Framing framing = Framing::kLines;
  std::size_t max_message_bytes = 64 * 1024;  // longest line (without '\n') or frame body
  std::size_t max_connections = 1024;
  std::optional<TlsServerConfig> tls;  // set: TLS with required client certificates
  Seconds handshake_timeout{10.0};     // TLS only
  // No accepted message this long after accept (TLS handshake included): closed,
  // counted auth_timeout. <= 0: off.
  Seconds auth_timeout{10.0};
  // No complete line/frame this long: closed, counted idle_timeout. <= 0: off.
  Seconds idle_timeout{60.0};
};

// One line (without '\n' and '\r') or one frame body. `payload` is valid only during the call.
using PayloadCallback = std::function<void(std::string_view payload, const PeerInfo& peer)>;
// The same, returning whether the message was accepted (authenticated); the first
// accepted message ends the connection's auth_timeout.
using VerdictCallback = std::function<bool(std::string_view payload, const PeerInfo& peer)>;

class StreamListener {
 public:
  // REQUIRES: counters not null; `io` outlives every handler of this listener.
  // Every delivered message counts as accepted (auth_timeout only closes connections
  // that deliver no complete message).
  StreamListener(boost::asio::io_context& io, StreamListenerConfig config, PayloadCallback callback,
                 std::shared_ptr<IngestCounters> counters);
  StreamListener(boost::asio::io_context& io, StreamListenerConfig config, VerdictCallback callback,
                 std::shared_ptr<IngestCounters> counters);
  ~StreamListener();  // Stop()
  StreamListener(const StreamListener&) = delete;
  StreamListener& operator=(const StreamListener&) = delete;

  // Binds, listens and starts accepting. Errors (address in use, unreadable TLS
  // files) say what failed and what to do. Call once.
  Status Start();
  // The bound port (after Start succeeded).
  std::uint16_t port() const;
  // Stops accepting and closes every connection. Idempotent; thread-safe.
  void Stop();

  IngestCounters& counters();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::ingest::net
