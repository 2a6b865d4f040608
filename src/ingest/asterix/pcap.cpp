#include "ingest/asterix/pcap.h"

#include <fstream>
#include <iterator>

namespace tocsin::ingest::asterix {
namespace {

std::uint32_t Le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}
std::uint32_t Be32(const std::uint8_t* p) {
  return std::uint32_t{p[3]} | std::uint32_t{p[2]} << 8 | std::uint32_t{p[1]} << 16 |
         std::uint32_t{p[0]} << 24;
}
std::uint16_t Be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

// The IPv4 packet inside a link-layer frame; empty when the frame is not IPv4.
std::span<const std::uint8_t> IpPacket(std::uint32_t link, std::span<const std::uint8_t> f) {
  switch (link) {
    case 1: {  // Ethernet II, optional 802.1Q / 802.1ad tags
      std::size_t off = 12;
      while (off + 2 <= f.size()) {
        const std::uint16_t type = Be16(&f[off]);
        if (type == 0x8100 || type == 0x88A8) {
          off += 4;
          continue;
        }
        if (type != 0x0800) return {};
        return f.subspan(off + 2);
      }
      return {};
    }
    case 101:
    case 228:
      return f;
    case 113:  // Linux cooked capture: 16-byte header, protocol at 14
      if (f.size() < 16 || Be16(&f[14]) != 0x0800) return {};
      return f.subspan(16);
    case 0:  // BSD loopback: 4-byte address family in host order (2 = IPv4)
      if (f.size() < 4 || (Le32(f.data()) != 2 && Be32(f.data()) != 2)) return {};
      return f.subspan(4);
    default:
      return {};
  }
}

}  // namespace

Result<PcapContents> ReadPcap(std::span<const std::uint8_t> file) {
  if (file.size() < 24) {
    return Status::Error("pcap: file of " + std::to_string(file.size()) +
                         " bytes is shorter than the 24-byte global header");
  }
  const std::uint32_t magic = Le32(file.data());
  bool swapped = false;
  double frac = 1e-6;
  if (magic == 0xA1B2C3D4) {
  } else if (magic == 0xD4C3B2A1) {
    swapped = true;
  } else if (magic == 0xA1B23C4D) {
    frac = 1e-9;
  } else if (magic == 0x4D3CB2A1) {
    swapped = true;
    frac = 1e-9;
  } else {
    return Status::Error("pcap: unknown magic number (not a classic pcap file; convert pcapng"
                         " with `editcap -F pcap`)");
  }
  auto u32 = [&](const std::uint8_t* p) { return swapped ? Be32(p) : Le32(p); };
  const std::uint32_t link = u32(&file[20]);
  PcapContents out;
  std::size_t off = 24;
  while (off < file.size()) {
    if (file.size() - off < 16) {
      return Status::Error("pcap: packet " + std::to_string(out.packets + 1) +
                           " header is truncated at byte " + std::to_string(off));
    }
    const std::uint32_t sec = u32(&file[off]);
    const std::uint32_t sub = u32(&file[off + 4]);
    const std::uint32_t incl = u32(&file[off + 8]);
    off += 16;
    if (incl > file.size() - off) {
      return Status::Error("pcap: packet " + std::to_string(out.packets + 1) + " claims " +
                           std::to_string(incl) + " bytes but only " +
                           std::to_string(file.size() - off) + " remain: truncated capture");
    }
    const std::span<const std::uint8_t> frame = file.subspan(off, incl);
    off += incl;
    ++out.packets;
    const std::span<const std::uint8_t> ip = IpPacket(link, frame);
    if (ip.size() < 20 || (ip[0] >> 4) != 4 || ip[9] != 17) {
      ++out.skipped;
      continue;
    }
    const std::size_t ihl = std::size_t{ip[0] & 0x0Fu} * 4;
    const std::uint16_t frag = Be16(&ip[6]);
    const std::size_t total = Be16(&ip[2]);
    if (ihl < 20 || (frag & 0x3FFF) != 0 || total < ihl + 8 || total > ip.size()) {
      ++out.skipped;  // fragment, or header inconsistent with the captured bytes
      continue;
    }
    const std::span<const std::uint8_t> udp = ip.subspan(ihl, total - ihl);
    const std::size_t ulen = Be16(&udp[4]);
    if (ulen < 8 || ulen > udp.size()) {
      ++out.skipped;
      continue;
    }
    UdpDatagram d;
    d.time_s = sec + sub * frac;
    d.src_ip = Be32(&ip[12]);
    d.dst_ip = Be32(&ip[16]);
    d.src_port = Be16(&udp[0]);
    d.dst_port = Be16(&udp[2]);
    d.payload.assign(udp.begin() + 8, udp.begin() + static_cast<std::ptrdiff_t>(ulen));
    out.datagrams.push_back(std::move(d));
  }
  return out;
}

Result<PcapContents> ReadPcapFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("pcap: cannot open " + path + ": check the path and permissions");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<PcapContents> r = ReadPcap(bytes);
  if (!r.ok()) return Status::Error(path + ": " + r.status().message());
  return r;
}

}  // namespace tocsin::ingest::asterix
