// UDP listener on a boost::asio::io_context. In kLines mode a datagram holds one or
// more '\n'-separated lines (JSON Lines reports), each handed to the callback
// separately (a line longer than max_line_bytes is counted too_long and dropped); in
// kRaw mode the whole datagram is handed over (ASTERIX). Receives are serialised on
// one strand. Lifetime and Stop() as StreamListener (stream_listener.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

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
};

class UdpListener {
 public:
  // REQUIRES: counters not null; `io` outlives every handler of this listener.
  UdpListener(boost::asio::io_context& io, UdpListenerConfig config, PayloadCallback callback,
              std::shared_ptr<IngestCounters> counters);
  ~UdpListener();
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  Status Start();
  std::uint16_t port() const;
  void Stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::ingest::net
