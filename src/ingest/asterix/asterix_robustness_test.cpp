// Negative and robustness tests: the mismatched-edition sample, the ed. 1.23
// sample the peer could not decode, hand-made malformed blocks, and random
// truncations / bit flips of every sample (must never crash or read out of
// bounds; run under -fsanitize=address to check the latter).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "ingest/asterix/asterix_test_util.h"
#include "ingest/asterix/decoder.h"
#include "ingest/asterix/pcap.h"

namespace tocsin::ingest::asterix {
namespace {

using testing::AsterixDir;
using testing::Payloads;
using testing::ReadBytes;

Status DecodeError(std::vector<std::uint8_t> bytes) {
  Result<std::vector<DecodedRecord>> r = DecodeDatagram(bytes);
  return r.status();
}

bool Contains(const Status& s, const char* text) {
  return s.message().find(text) != std::string::npos;
}

TEST(AsterixDecoder, RejectsEmptyAndShortHeaders) {
  EXPECT_FALSE(DecodeError({}).ok());
  Status s = DecodeError({48, 0});
  EXPECT_TRUE(Contains(s, "truncated")) << s.message();
  s = DecodeError({48, 0, 2});
  EXPECT_TRUE(Contains(s, "LEN 2")) << s.message();
  s = DecodeError({48, 0, 10, 0x80, 0, 1});
  EXPECT_TRUE(Contains(s, "exceeds")) << s.message();
}

TEST(AsterixDecoder, RejectsRecordRunningPastTheBlock) {
  // CAT048, FSPEC announces I048/010 and I048/140 but the block ends after 010.
  Status s = DecodeError({48, 0, 6, 0xC0, 0x19, 0xC9});
  EXPECT_TRUE(Contains(s, "I048/140")) << s.message();
  EXPECT_TRUE(Contains(s, "record 1")) << s.message();
}

TEST(AsterixDecoder, RejectsSpareFrn) {
  // CAT062 FRN 2 is spare.
  Status s = DecodeError({62, 0, 6, 0x40, 0x00, 0x00});
  EXPECT_TRUE(Contains(s, "FRN 2")) << s.message();
}

TEST(AsterixDecoder, RejectsEmptyFspecAndZeroExplicitLength) {
  EXPECT_TRUE(Contains(DecodeError({48, 0, 4, 0x00}), "no item"));
  // CAT048 FSPEC with FRN 27 (SP): 4 octets 01 01 01 04, SP length 0.
  Status s = DecodeError({48, 0, 8, 0x01, 0x01, 0x01, 0x04, 0x00});
  EXPECT_TRUE(Contains(s, "explicit length of 0")) << s.message();
}

TEST(AsterixDecoder, RejectsRepetitionBeyondTheBlock) {
  // CAT048 I048/250 (FRN 10) with REP = 200.
  Status s = DecodeError({48, 0, 6, 0x01, 0x20, 200});
  EXPECT_TRUE(Contains(s, "I048/250")) << s.message();
}

// The capture install/sample_data/asterix.pcap of the peer's repository is
// CAT062 recorded in May 2008 that does not follow the ed. 1.18 UAP: the peer
// decoded it with the 1.18 UAP anyway and printed impossible values (latitudes of thousands of degrees, times
// of track beyond 24 h, control characters in identifications). Our decoder must
// reject every datagram with a message that says so.
TEST(AsterixDecoder, MismatchedEditionCaptureIsRejected) {
  TOCSIN_REQUIRE_ASTERIX_SAMPLES();
  const auto payloads = Payloads(AsterixDir() / "samples" / "install_sample_data_asterix.pcap");
  ASSERT_EQ(payloads.size(), 100u);
  int rejected = 0;
  for (const auto& p : payloads) {
    ASSERT_EQ(p[0], 62);
    Result<std::vector<DecodedRecord>> r = DecodeDatagram(p);
    if (r.ok()) continue;
    ++rejected;
    EXPECT_TRUE(Contains(r.status(), "CAT062")) << r.status().message();
    EXPECT_TRUE(Contains(r.status(), "edition")) << r.status().message();
  }
  EXPECT_EQ(rejected, 100) << "every datagram of the mismatched capture must be rejected";
}

// cat048ed1.23.bin has no peer output: it is the ed1.15 record re-encoded in
// CAT048 ed. 1.23 with the extended range flag (I048/020 ERR) and the RE item's
// ERR subfield (257 NM, beyond the 256 NM of I048/040). The peer's ed. 1.21 UAP
// did not decode it; ours does, and everything else equals the ed. 1.15 record.
TEST(AsterixDecoder, Cat048Edition123ExtendedRange) {
  TOCSIN_REQUIRE_ASTERIX_SAMPLES();
  Result<std::vector<DecodedRecord>> a = DecodeDatagram(ReadBytes(AsterixDir() / "samples" / "cat048ed1.15.bin"));
  Result<std::vector<DecodedRecord>> b = DecodeDatagram(ReadBytes(AsterixDir() / "samples" / "cat048ed1.23.bin"));
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  ASSERT_EQ(a->size(), 1u);
  ASSERT_EQ(b->size(), 1u);
  const auto& x = std::get<Cat048Record>((*a)[0].record);
  const auto& y = std::get<Cat048Record>((*b)[0].record);
  ASSERT_TRUE(y.descriptor && y.descriptor->has_extension);
  EXPECT_TRUE(y.descriptor->err);
  EXPECT_TRUE(y.descriptor->mi);
  EXPECT_TRUE(y.has_reserved_expansion);
  ASSERT_TRUE(y.extended_range_m.has_value());
  EXPECT_DOUBLE_EQ(*y.extended_range_m, 257.0 * kMetresPerNm);
  EXPECT_DOUBLE_EQ(*y.range_m, 65535.0 / 256.0 * kMetresPerNm);  // saturated RHO
  EXPECT_EQ(x.source, y.source);
  EXPECT_NEAR(*x.time_of_day_s, *y.time_of_day_s, 1.0 / 128);
  EXPECT_DOUBLE_EQ(*x.azimuth_deg, *y.azimuth_deg);
  EXPECT_EQ(x.mode3a->code, y.mode3a->code);
  EXPECT_EQ(x.aircraft_address, y.aircraft_address);
  EXPECT_EQ(x.identification, y.identification);
  EXPECT_EQ(x.mode_s.size(), y.mode_s.size());
  EXPECT_EQ(x.track_number, y.track_number);
  EXPECT_EQ(x.ground_speed_mps, y.ground_speed_mps);
}

std::vector<std::string> AllSamples() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(AsterixDir() / "samples")) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t Touch(const Result<std::vector<DecodedRecord>>& r) {
  // Read every decoded record so that a sanitizer sees any bad object.
  if (!r.ok()) return r.status().message().size();
  std::size_t n = 0;
  for (const DecodedRecord& d : *r) n += d.length;
  return n;
}

// TOCSIN_FUZZ_SEED=<n> in the environment picks other random cases (e.g. for a
// longer run under a sanitizer); the default seed keeps CI deterministic.
unsigned FuzzSeed() {
  const char* s = std::getenv("TOCSIN_FUZZ_SEED");
  return s != nullptr ? static_cast<unsigned>(std::strtoul(s, nullptr, 10)) : 20261124u;
}

TEST(AsterixDecoder, TruncationsAndBitFlipsNeverCrash) {
  TOCSIN_REQUIRE_ASTERIX_SAMPLES();
  std::mt19937 rng(FuzzSeed());
  std::size_t total = 0, cases = 0;
  for (const std::string& name : AllSamples()) {
    SCOPED_TRACE(name);
    for (const auto& p : Payloads(AsterixDir() / "samples" / name)) {
      for (std::size_t n = 0; n <= p.size(); ++n) {  // every truncation
        const std::vector<std::uint8_t> cut(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n));
        total += Touch(DecodeDatagram(cut));
        ++cases;
      }
      for (int k = 0; k < 200; ++k) {  // random bit flips, 1-4 per case
        std::vector<std::uint8_t> m = p;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f) m[rng() % m.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        total += Touch(DecodeDatagram(m));
        ++cases;
      }
    }
  }
  for (int k = 0; k < 2000; ++k) {  // random garbage with a plausible header
    std::vector<std::uint8_t> m(3 + rng() % 64);
    for (auto& b : m) b = static_cast<std::uint8_t>(rng());
    m[0] = (k % 2) ? 48 : 62;
    total += Touch(DecodeDatagram(m));
    ++cases;
  }
  EXPECT_GT(cases, 10000u);
  EXPECT_GT(total, 0u);
}

TEST(AsterixPcap, TruncatedCapturesFailCleanly) {
  TOCSIN_REQUIRE_ASTERIX_SAMPLES();
  const auto bytes = ReadBytes(AsterixDir() / "samples" / "asterix_sample_data_cat_062_065.pcap");
  Result<PcapContents> full = ReadPcap(bytes);
  ASSERT_TRUE(full.ok()) << full.status().message();
  ASSERT_EQ(full->datagrams.size(), 1u);
  EXPECT_EQ(full->datagrams[0].dst_port, 10001);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    Result<PcapContents> r = ReadPcap(std::span(bytes).first(n));
    if (n == 24) {
      EXPECT_TRUE(r.ok());  // the global header alone is an empty capture
    } else {
      EXPECT_FALSE(r.ok()) << n;
    }
  }
  std::mt19937 rng(7);
  for (int k = 0; k < 2000; ++k) {
    std::vector<std::uint8_t> m = bytes;
    m[24 + rng() % (m.size() - 24)] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    Result<PcapContents> r = ReadPcap(m);
    if (r.ok()) {
      for (const auto& d : r->datagrams) Touch(DecodeDatagram(d.payload));
    }
  }
}

TEST(AsterixPcap, ReadsEveryDatagramOfTheCaptures) {
  TOCSIN_REQUIRE_ASTERIX_SAMPLES();
  Result<PcapContents> r = ReadPcapFile((AsterixDir() / "samples" / "asterix_sample_data_cat_034_048.pcap").string());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->packets, 100u);
  EXPECT_EQ(r->datagrams.size(), 100u);
  EXPECT_EQ(r->skipped, 0u);
  EXPECT_FALSE(ReadPcapFile("/nonexistent.pcap").ok());
}

}  // namespace
}  // namespace tocsin::ingest::asterix
