#include <google/protobuf/stubs/logging.h>

#include <limits>

#include "ingest/sapient/convert.h"

namespace tocsin::ingest::sapient {

Status ParseSapientMessage(std::string_view body, SapientMessage* out) {
  if (body.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    return Status::Error("SAPIENT message of " + std::to_string(body.size()) + " bytes is too large");
  // Protobuf logs (to stderr) each invalid UTF-8 string it meets: a hostile sender
  // must not be able to flood the log; the refusal is counted and reported instead.
  google::protobuf::LogSilencer quiet;
  if (!out->ParseFromArray(body.data(), static_cast<int>(body.size())))
    return Status::Error("not a SAPIENT v2 SapientMessage (" + std::to_string(body.size()) +
                         " bytes that protobuf cannot parse); check the sender speaks BSI Flex 335 v2.0 with a "
                         "4-byte little-endian length prefix");
  return Status::Ok();
}

SapientOutcome DecodeSapientFrame(std::string_view body, const SapientNodes& nodes, const SensorIndex* sensors) {
  SapientMessage m;
  if (Status s = ParseSapientMessage(body, &m); !s.ok()) {
    SapientOutcome out;
    out.reason = net::RejectReason::kMalformed;
    out.message = s.message();
    return out;
  }
  return ToReport(m, nodes, sensors);
}

Result<std::vector<std::string_view>> SplitFrames(std::string_view bytes, std::size_t max_frame_bytes) {
  std::vector<std::string_view> frames;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 4)
      return Status::Error("frame at byte " + std::to_string(pos) + ": " + std::to_string(bytes.size() - pos) +
                           " bytes left, fewer than the 4-byte length prefix");
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + pos);
    std::uint32_t len = std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
                        (std::uint32_t(p[3]) << 24);
    if (len > max_frame_bytes)
      return Status::Error("frame at byte " + std::to_string(pos) + ": length " + std::to_string(len) +
                           " exceeds the maximum " + std::to_string(max_frame_bytes) +
                           " (is the prefix little-endian?)");
    if (bytes.size() - pos - 4 < len)
      return Status::Error("frame at byte " + std::to_string(pos) + ": length " + std::to_string(len) +
                           " but only " + std::to_string(bytes.size() - pos - 4) + " bytes follow (truncated)");
    frames.push_back(bytes.substr(pos + 4, len));
    pos += 4 + len;
  }
  return frames;
}

}  // namespace tocsin::ingest::sapient
