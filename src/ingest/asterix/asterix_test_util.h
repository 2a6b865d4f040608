// Test helpers: where the shared ASTERIX samples are, and how to decode a sample
// file (raw concatenated blocks or a pcap capture) into records.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "ingest/asterix/decoder.h"
#include "ingest/asterix/pcap.h"

namespace tocsin::ingest::asterix::testing {

inline std::filesystem::path AsterixDir() {
  return std::filesystem::path(TOCSIN_SHARED_DIR) / "data" / "asterix";
}

inline bool HaveSamples() { return std::filesystem::is_directory(AsterixDir() / "samples"); }

#define TOCSIN_REQUIRE_ASTERIX_SAMPLES()                                                     \
  do {                                                                                       \
    if (!::tocsin::ingest::asterix::testing::HaveSamples()) {                                \
      GTEST_SKIP() << "ASTERIX samples not found at "                                        \
                   << ::tocsin::ingest::asterix::testing::AsterixDir().string()              \
                   << " (set -DTOCSIN_SHARED_DIR to the shared data checkout to run this)"; \
    }                                                                                        \
  } while (0)

inline std::vector<std::uint8_t> ReadBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
}

inline bool IsPcap(const std::filesystem::path& p) { return p.extension() == ".pcap"; }

// The ASTERIX payloads of a sample: the whole file for raw samples, one entry per
// UDP datagram for pcap captures (empty when the capture does not parse).
inline std::vector<std::vector<std::uint8_t>> Payloads(const std::filesystem::path& p) {
  std::vector<std::uint8_t> bytes = ReadBytes(p);
  if (!IsPcap(p)) return {bytes};
  std::vector<std::vector<std::uint8_t>> out;
  Result<PcapContents> pc = ReadPcap(bytes);
  if (!pc.ok()) return out;
  for (UdpDatagram& d : pc->datagrams) out.push_back(std::move(d.payload));
  return out;
}

}  // namespace tocsin::ingest::asterix::testing
