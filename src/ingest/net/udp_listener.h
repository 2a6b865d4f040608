// UDP listener on a boost::asio::io_context. In kLines mode a datagram holds one or
// more '\n'-separated lines (JSON Lines reports), each handed to the callback
// separately (a line longer than max_line_bytes is counted too_long and dropped); in
// kRaw mode the whole datagram is handed over (ASTERIX). Receives are serialised on
// one strand. Lifetime and Stop() as StreamListener (stream_listener.h).
//
// Formats without a MAC (ASTERIX) can only be authenticated by where they come from:
// when `allowed_sources` is not empty, datagrams from any other IP address are
// dropped and counted as unknown_source (use it together with a network that prevents
// address spoofing, e.g. a dedicated sensor VLAN).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/status.h"
#include "ingest/net/counters.h"
#include "ingest/net/peer_info.h"
#include "ingest/net/stream_listener.h"

namespace tocsin::ingest::net {

enum class UdpMode { kLines, kRaw };

struct UdpListenerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: ephemeral
  UdpMode mode = UdpMode::kLines;
  std::size_t max_line_bytes = 64 * 1024;  // kLines only
  int receive_buffer_bytes = 4 * 1024 * 1024;  // SO_RCVBUF asked of the kernel (bursts)
  std::vector<std::string> allowed_sources;  // IP addresses ("192.0.2.7", "::1"); empty: any
};

class UdpListener {
 public:
  // REQUIRES: counters not null; `io` outlives every handler of this listener.
  UdpListener(boost::asio::io_context& io, UdpListenerConfig config, PayloadCallback callback,
              std::shared_ptr<IngestCounters> counters);
  ~UdpListener();
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  // Binds and starts receiving. Errors: bad address, port in use, an allowed source
  // that is not an IP address.
  Status Start();
  std::uint16_t port() const;
  void Stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::ingest::net
