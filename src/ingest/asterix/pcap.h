// A minimal reader of classic pcap captures (not pcapng) that extracts UDP
// payloads over IPv4: link types Ethernet (1, with 802.1Q tags), raw IPv4 (101,
// 228), Linux cooked (113) and BSD loopback (0). Other packets (ARP, IPv6, TCP,
// IP fragments after the first) are skipped and counted. Used by the tests and by
// a replay feed of recorded ASTERIX.
//
// Contract: never reads outside the given bytes; a malformed global header or a
// packet record running past the end of the file is an error naming the packet.
// Thread-safety: stateless functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace tocsin::ingest::asterix {

struct UdpDatagram {
  double time_s = 0.0;  // capture time, Unix seconds
  std::uint32_t src_ip = 0, dst_ip = 0;  // host order
  std::uint16_t src_port = 0, dst_port = 0;
  std::vector<std::uint8_t> payload;
};

struct PcapContents {
  std::vector<UdpDatagram> datagrams;
  std::size_t packets = 0;   // packet records in the file
  std::size_t skipped = 0;   // packets that were not IPv4/UDP (or fragments)
};

Result<PcapContents> ReadPcap(std::span<const std::uint8_t> file);
// Reads the file at path, then ReadPcap; the error names the path.
Result<PcapContents> ReadPcapFile(const std::string& path);

}  // namespace tocsin::ingest::asterix
