#include "ingest/asterix/decoder.h"

#include <string>

#include "ingest/asterix/category_decoders.h"

namespace tocsin::ingest::asterix {
namespace {

std::string Where(std::size_t offset, int cat) {
  return "ASTERIX data block at byte " + std::to_string(offset) + " (CAT" +
         (cat < 10 ? "00" : cat < 100 ? "0" : "") + std::to_string(cat) + ")";
}

}  // namespace

Result<std::vector<DecodedRecord>> DecodeDatagram(std::span<const std::uint8_t> datagram,
                                                  DecodeStats* stats) {
  std::vector<DecodedRecord> out;
  DecodeStats local;
  std::size_t offset = 0;
  if (datagram.empty()) {
    return Status::Error("empty ASTERIX datagram: expected at least one data block (CAT, LEN)");
  }
  while (offset < datagram.size()) {
    const std::size_t left = datagram.size() - offset;
    const int cat = datagram[offset];
    if (left < 3) {
      return Status::Error(Where(offset, cat) + ": only " + std::to_string(left) +
                           " bytes left, a block header needs 3 (CAT, LEN): truncated datagram");
    }
    const std::size_t len = (std::size_t{datagram[offset + 1]} << 8) | datagram[offset + 2];
    if (len < 3) {
      return Status::Error(Where(offset, cat) + ": LEN " + std::to_string(len) +
                           " is below the 3-byte header: corrupt block");
    }
    if (len > left) {
      return Status::Error(Where(offset, cat) + ": LEN " + std::to_string(len) + " exceeds the " +
                           std::to_string(left) + " bytes left in the datagram: truncated block");
    }
    const std::span<const std::uint8_t> body = datagram.subspan(offset + 3, len - 3);
    ++local.blocks;
    if (cat != 48 && cat != 62) {
      ++local.skipped_blocks;
      ++local.skipped_by_category[cat];
      offset += len;
      continue;
    }
    if (body.empty()) {
      return Status::Error(Where(offset, cat) + ": holds no record (LEN 3)");
    }
    Cursor c(body);
    int index = 0;
    while (!c.at_end()) {
      ++index;
      const std::size_t start = c.pos();
      DecodedRecord rec;
      rec.category = static_cast<std::uint8_t>(cat);
      Status s;
      if (cat == 48) {
        rec.record.emplace<Cat048Record>();
        s = DecodeCat048Record(c, &std::get<Cat048Record>(rec.record));
      } else {
        rec.record.emplace<Cat062Record>();
        s = DecodeCat062Record(c, &std::get<Cat062Record>(rec.record));
      }
      if (!s.ok()) {
        return Status::Error(Where(offset, cat) + ", record " + std::to_string(index) +
                             " (byte " + std::to_string(offset + 3 + start) + "): " + s.message() +
                             "; the datagram was dropped");
      }
      rec.length = c.pos() - start;
      out.push_back(std::move(rec));
      ++local.records;
    }
  offset += len;
  }
  if (stats != nullptr) {
    stats->blocks += local.blocks;
    stats->records += local.records;
    stats->skipped_blocks += local.skipped_blocks;
    for (int i = 0; i < 256; ++i) stats->skipped_by_category[i] += local.skipped_by_category[i];
  }
  return out;
}

}  // namespace tocsin::ingest::asterix
