// Who sent a payload: handed with every line, datagram or frame to the callbacks.
// Thread-safety: plain data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tocsin::ingest::net {

enum class Transport { kTcp, kUdp, kTls };

// "tcp", "udp", "tls".
std::string_view ToString(Transport t);

struct PeerInfo {
  Transport transport = Transport::kTcp;
  std::string remote;            // "address:port" of the sender
  std::uint16_t local_port = 0;  // the listener's bound port
  // TLS only: the verified client certificate's subject CN, which is the sensor id
  // the connection is authenticated as. Empty for TCP and UDP.
  std::string tls_common_name;
};

}  // namespace tocsin::ingest::net
