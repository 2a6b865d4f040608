// ASTERIX data block decoding: a UDP datagram (or a file) holds one or more data
// blocks [CAT (1 octet), LEN (2 octets, counting the 3-octet header), records].
// Records of CAT048 and CAT062 are decoded (records.h); blocks of other
// categories (034, 065, ...) are skipped and counted, not errors.
//
// Contract: the decoder never reads outside the given bytes and never throws on
// any input. A block whose header or records are malformed (truncated item,
// spare FRN set, records not ending exactly at LEN, implausible values that
// betray another edition's UAP) makes the whole datagram fail with a Status
// naming the block offset, category, record number, item and reason.
// Thread-safety: stateless functions, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "ingest/asterix/records.h"

namespace tocsin::ingest::asterix {

// Counters a caller may keep across datagrams (e.g. for /metrics).
struct DecodeStats {
  std::size_t blocks = 0;              // well-formed blocks seen, any category
  std::size_t records = 0;             // CAT048 + CAT062 records decoded
  std::size_t skipped_blocks = 0;      // blocks of unsupported categories
  std::size_t skipped_by_category[256] = {};
};

// Decodes every data block of a datagram. stats (optional) is incremented only
// when the datagram decodes.
Result<std::vector<DecodedRecord>> DecodeDatagram(std::span<const std::uint8_t> datagram,
                                                  DecodeStats* stats = nullptr);

// Same as DecodeDatagram: a file of concatenated data blocks has the same layout.
inline Result<std::vector<DecodedRecord>> DecodeBlocks(std::span<const std::uint8_t> bytes,
                                                       DecodeStats* stats = nullptr) {
  return DecodeDatagram(bytes, stats);
}

}  // namespace tocsin::ingest::asterix
