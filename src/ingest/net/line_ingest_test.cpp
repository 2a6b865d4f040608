#include "ingest/net/line_ingest.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "ingest/net/key_file.h"

namespace tocsin::ingest::net {
namespace {

const std::string kKeyHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr double kNow = 1757203325.0;

std::shared_ptr<const SensorKeys> Keys() {
  auto k = ParseSensorKeys(R"({"sensors":{"RAD-01":{"hmac_key":")" + kKeyHex + R"("},
                              "AC-0412":{"hmac_key":"ffeeddccbbaa99887766554433221100"}}})",
                           "test-keys.json");
  EXPECT_TRUE(k.ok()) << k.status().message();
  return std::make_shared<SensorKeys>(std::move(k).value());
}

std::string RadarJson(double time = kNow, const std::string& sensor = "RAD-01") {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                R"({"sensor":"%s","time":%.3f,"kind":"radar","range_m":84210.5,"azimuth_deg":131.27,"elevation_deg":0.41})",
                sensor.c_str(), time);
  return buf;
}

struct LineIngestTest : ::testing::Test {
  ManualClock clock{UnixTime(kNow)};
  std::shared_ptr<IngestCounters> counters = std::make_shared<IngestCounters>();
  std::shared_ptr<const SensorKeys> keys = Keys();
  PeerInfo peer{Transport::kTcp, "127.0.0.1:5555", 7000, ""};

  LineIngest Make(AuthPolicy policy = AuthPolicy::kRequired) {
    LineIngestConfig c;
    c.keys = keys;
    c.policy = policy;
    return LineIngest(c, clock, counters);
  }
  std::string Sign(const std::string& json, const std::string& sensor = "RAD-01") {
    return SignLine(json, *keys->Find(sensor));
  }
};

TEST(HmacTest, MatchesRfc4231TestCase2) {
  MacBytes m = HmacSha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(HexEncode(std::string_view(reinterpret_cast<const char*>(m.data()), m.size())),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacTest, LongKeyIsHashedFirst) {  // RFC 4231 test case 6
  std::string key(131, '\xaa');
  MacBytes m = HmacSha256(key, "Test Using Larger Than Block-Size Key - Hash Key First");
  EXPECT_EQ(HexEncode(std::string_view(reinterpret_cast<const char*>(m.data()), m.size())),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(KeyFileTest, RejectsShortAndNonHexKeysWithTheSensorNamed) {
  auto shortkey = ParseSensorKeys(R"({"sensors":{"S1":{"hmac_key":"0011"}}})", "k.json");
  ASSERT_FALSE(shortkey.ok());
  EXPECT_NE(shortkey.status().message().find("\"S1\""), std::string::npos);
  EXPECT_NE(shortkey.status().message().find("16 to 1024"), std::string::npos);
  EXPECT_FALSE(ParseSensorKeys(R"({"sensors":{"S1":{"hmac_key":"zz112233445566778899aabbccddeeff"}}})", "k.json").ok());
  EXPECT_FALSE(ParseSensorKeys(R"({"sensors":{"S1":{}}})", "k.json").ok());
  EXPECT_FALSE(ParseSensorKeys(R"([1,2])", "k.json").ok());
  EXPECT_FALSE(ParseSensorKeys("{", "k.json").ok());
  EXPECT_FALSE(LoadSensorKeys("/nonexistent/keys.json").ok());
}

TEST(FindTopLevelStringTest, SkipsNestedObjectsAndStrings) {
  EXPECT_EQ(FindTopLevelString(R"({"a":{"sensor":"X"},"note":"\"sensor\":\"Y\"","sensor":"Z"})", "sensor"), "Z");
  EXPECT_EQ(FindTopLevelString(R"( { "sensor" : "RAD-01" } )", "sensor"), "RAD-01");
  EXPECT_EQ(FindTopLevelString(R"({"list":["sensor","x"],"sensor":"B"})", "sensor"), "B");
  EXPECT_FALSE(FindTopLevelString(R"({"sensor":5})", "sensor"));
  EXPECT_FALSE(FindTopLevelString(R"({"other":"x"})", "sensor"));
  EXPECT_FALSE(FindTopLevelString(R"(["sensor","x"])", "sensor"));
  EXPECT_FALSE(FindTopLevelString(R"({"sensor":"unterminated)", "sensor"));
  EXPECT_FALSE(FindTopLevelString("", "sensor"));
}

TEST_F(LineIngestTest, SignedLineIsAccepted) {
  LineIngest ingest = Make();
  std::string json = RadarJson();
  std::string line = Sign(json);  // out.json views into it
  LineOutcome out = ingest.Process(line, peer);
  ASSERT_TRUE(out.ok()) << out.message;
  EXPECT_EQ(out.report->sensor.str(), "RAD-01");
  EXPECT_DOUBLE_EQ(out.report->range_m, 84210.5);
  EXPECT_EQ(out.json, json);
  EXPECT_EQ(counters->Snapshot().accepted_total, 1u);
  EXPECT_EQ(counters->Snapshot().by_sensor.at("RAD-01").accepted, 1u);
}

TEST_F(LineIngestTest, TrailingCarriageReturnAndUpperCaseHexAreAccepted) {
  LineIngest ingest = Make();
  std::string line = Sign(RadarJson());
  for (auto i = line.size() - 64; i < line.size(); ++i) line[i] = static_cast<char>(std::toupper(line[i]));
  LineOutcome out = ingest.Process(line + "\r", peer);
  EXPECT_TRUE(out.ok()) << out.message;
}

TEST_F(LineIngestTest, BadMacIsRejectedAndCounted) {
  LineIngest ingest = Make();
  std::string line = Sign(RadarJson());
  line[line.size() - 1] = line.back() == '0' ? '1' : '0';
  LineOutcome out = ingest.Process(line, peer);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.reason, RejectReason::kBadMac);
  EXPECT_NE(out.message.find("127.0.0.1:5555"), std::string::npos);
  // A MAC made with another sensor's key.
  EXPECT_EQ(ingest.Process(SignLine(RadarJson(), *keys->Find("AC-0412")), peer).reason, RejectReason::kBadMac);
  // The JSON altered after signing.
  std::string altered = Sign(RadarJson());
  altered.replace(altered.find("84210.5"), 7, "94210.5");
  EXPECT_EQ(ingest.Process(altered, peer).reason, RejectReason::kBadMac);
  // Not hex / wrong length.
  EXPECT_EQ(ingest.Process(RadarJson() + "\thmac=xyz", peer).reason, RejectReason::kBadMac);
  EXPECT_EQ(counters->Snapshot().rejected_for(RejectReason::kBadMac), 4u);
  EXPECT_EQ(counters->Snapshot().accepted_total, 0u);
}

TEST_F(LineIngestTest, MissingMacIsRejectedUnlessAllowed) {
  LineIngest strict = Make();
  EXPECT_EQ(strict.Process(RadarJson(), peer).reason, RejectReason::kMissingMac);
  EXPECT_EQ(counters->Snapshot().rejected_for(RejectReason::kMissingMac), 1u);
  LineIngest lax = Make(AuthPolicy::kAllowUnauthenticated);
  EXPECT_TRUE(lax.Process(RadarJson(kNow + 1), peer).ok());
  // A MAC that is present is still checked under the lax policy.
  EXPECT_EQ(lax.Process(RadarJson(kNow + 2) + "\thmac=" + std::string(64, '0'), peer).reason, RejectReason::kBadMac);
}

TEST_F(LineIngestTest, UnknownSensorIsRejectedAndCountedWithoutTrustingItsId) {
  LineIngest ingest = Make();
  HmacKey other("some key of a sensor we do not know");
  LineOutcome out = ingest.Process(SignLine(RadarJson(kNow, "EVIL-9"), other), peer);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.reason, RejectReason::kUnknownSensor);
  EXPECT_EQ(ingest.Process(RadarJson(kNow, "EVIL-9"), peer).reason, RejectReason::kUnknownSensor);
  auto snap = counters->Snapshot();
  EXPECT_EQ(snap.rejected_for(RejectReason::kUnknownSensor), 2u);
  EXPECT_EQ(snap.by_sensor.count("EVIL-9"), 0u);
  EXPECT_EQ(snap.by_sensor.at(std::string(kNoSensor)).rejected_total(), 2u);
}

TEST_F(LineIngestTest, SensorNotInTheSensorListIsUnknown) {
  LineIngestConfig c;
  c.keys = keys;
  SensorDescription d;
  d.id = SensorId("AC-0412");
  d.type = SensorType::kAcoustic;
  c.sensors = std::make_shared<SensorIndex>(std::vector<SensorDescription>{d});
  LineIngest ingest(c, clock, counters);
  EXPECT_EQ(ingest.Process(Sign(RadarJson()), peer).reason, RejectReason::kUnknownSensor);
}

TEST_F(LineIngestTest, ReplayOfAnIdenticalLineIsRejectedWithinTheWindow) {
  LineIngest ingest = Make();
  std::string line = Sign(RadarJson());
  EXPECT_TRUE(ingest.Process(line, peer).ok());
  clock.Advance(Seconds(10));
  LineOutcome again = ingest.Process(line, peer);
  EXPECT_EQ(again.reason, RejectReason::kReplay);
  // Later it falls outside the window: stale, never accepted again.
  clock.Advance(Seconds(25));
  EXPECT_EQ(ingest.Process(line, peer).reason, RejectReason::kStale);
  // A different report of the same sensor at the same time is not a replay.
  std::string other = RadarJson(kNow + 35);
  other.replace(other.find("84210.5"), 7, "84211.5");
  EXPECT_TRUE(ingest.Process(Sign(other), peer).ok());
  EXPECT_EQ(counters->Snapshot().by_sensor.at("RAD-01").rejected[static_cast<int>(RejectReason::kReplay)], 1u);
}

TEST_F(LineIngestTest, ReportTimeOutsideTheWindowIsStale) {
  LineIngest ingest = Make();
  EXPECT_EQ(ingest.Process(Sign(RadarJson(kNow - 31)), peer).reason, RejectReason::kStale);
  EXPECT_EQ(ingest.Process(Sign(RadarJson(kNow + 31)), peer).reason, RejectReason::kStale);
  EXPECT_TRUE(ingest.Process(Sign(RadarJson(kNow - 29)), peer).ok());
  EXPECT_TRUE(ingest.Process(Sign(RadarJson(kNow + 29)), peer).ok());
  EXPECT_EQ(counters->Snapshot().rejected_for(RejectReason::kStale), 2u);
}

TEST_F(LineIngestTest, MalformedLinesAreRejectedAndCounted) {
  LineIngest ingest = Make();
  EXPECT_EQ(ingest.Process("not json at all", peer).reason, RejectReason::kMalformed);
  EXPECT_EQ(ingest.Process(R"({"time":1})", peer).reason, RejectReason::kMalformed);
  // Signed but the report is invalid (azimuth out of range): the parser's reason.
  std::string bad = RadarJson();
  bad.replace(bad.find("131.27"), 6, "400.00");
  LineOutcome out = ingest.Process(Sign(bad), peer);
  EXPECT_EQ(out.reason, RejectReason::kMalformed);
  EXPECT_NE(out.message.find("azimuth_deg"), std::string::npos);
  // Signed truncated JSON.
  std::string cut = RadarJson().substr(0, 40);
  EXPECT_EQ(ingest.Process(Sign(cut), peer).reason, RejectReason::kMalformed);
  EXPECT_EQ(counters->Snapshot().rejected_for(RejectReason::kMalformed), 4u);
}

TEST_F(LineIngestTest, TlsPeerNeedsNoMacButMustMatchItsCertificate) {
  LineIngest ingest = Make();
  PeerInfo tls{Transport::kTls, "127.0.0.1:6000", 7001, "RAD-01"};
  EXPECT_TRUE(ingest.Process(RadarJson(), tls).ok());
  LineOutcome out = ingest.Process(RadarJson(kNow + 1, "AC-0412"), tls);
  EXPECT_EQ(out.reason, RejectReason::kSensorMismatch);
  EXPECT_NE(out.message.find("authenticated as \"RAD-01\""), std::string::npos);
}

TEST_F(LineIngestTest, EscapedSensorIdCannotBorrowAnotherSensorsKey) {
  LineIngest ingest = Make();
  // Raw bytes "RAD\u002d01" differ from the decoded id "RAD-01".
  std::string json = RadarJson(kNow, "RAD\\u002d01");
  EXPECT_FALSE(ingest.Process(Sign(json), peer).ok());
}

TEST(ReplayCacheTest, ForgetsExpiredEntriesAndStaysBounded) {
  ReplayCache cache(3);
  MacBytes a{}, b{}, c{}, d{};
  a[0] = 1; b[0] = 2; c[0] = 3; d[0] = 4;
  EXPECT_TRUE(cache.Insert(a, 10, 0));
  EXPECT_FALSE(cache.Insert(a, 10, 5));
  EXPECT_TRUE(cache.Insert(a, 20, 11));  // expired at 10
  EXPECT_TRUE(cache.Insert(b, 30, 11));
  EXPECT_TRUE(cache.Insert(c, 40, 11));
  EXPECT_TRUE(cache.Insert(d, 50, 11));
  EXPECT_LE(cache.size(), 3u);
}

}  // namespace
}  // namespace tocsin::ingest::net

namespace tocsin::ingest::net {
namespace {

// Runs the shell loop of docs/ingest-auth.md ("Signing lines with standard tools")
// and checks that its output is accepted.
TEST(LineIngestDocTest, DocumentedShellRecipeIsAccepted) {
  if (std::system("openssl version > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "the openssl binary is missing (apt-get install openssl)";
  const std::string dir = ::testing::TempDir();
  const std::string in = dir + "/doc-reports.jsonl", out = dir + "/doc-signed.jsonl";
  {
    std::FILE* f = std::fopen(in.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs((RadarJson() + "\n" + RadarJson(kNow + 1) + "\n").c_str(), f);
    std::fclose(f);
  }
  const std::string script =
      "KEY=" + kKeyHex + "\n"
      "while IFS= read -r line; do\n"
      "  mac=$(printf '%s' \"$line\" | openssl dgst -sha256 -mac HMAC -macopt \"hexkey:$KEY\" | sed 's/^.*= //')\n"
      "  printf '%s\\thmac=%s\\n' \"$line\" \"$mac\"\n"
      "done < '" + in + "' > '" + out + "'\n";
  ASSERT_EQ(std::system(("sh -c \"$(cat <<'TOCSIN_EOF'\n" + script + "TOCSIN_EOF\n)\"").c_str()), 0);
  std::ifstream signed_lines(out);
  ManualClock clock{UnixTime(kNow)};
  auto counters = std::make_shared<IngestCounters>();
  LineIngestConfig c;
  c.keys = Keys();
  LineIngest ingest(c, clock, counters);
  PeerInfo peer{Transport::kTcp, "127.0.0.1:1", 2, ""};
  std::string line;
  int n = 0;
  while (std::getline(signed_lines, line)) {
    LineOutcome o = ingest.Process(line, peer);
    EXPECT_TRUE(o.ok()) << o.message << "\n" << line;
    ++n;
  }
  EXPECT_EQ(n, 2);
}

}  // namespace
}  // namespace tocsin::ingest::net

namespace tocsin::ingest::net {
namespace {

// Mutated and truncated lines are refused with a reason, never accepted, never crash.
TEST(LineIngestRobustnessTest, CorruptedSignedLinesAreAllRejected) {
  ManualClock clock{UnixTime(kNow)};
  auto counters = std::make_shared<IngestCounters>();
  LineIngestConfig c;
  c.keys = Keys();
  LineIngest ingest(c, clock, counters);
  PeerInfo peer{Transport::kTcp, "127.0.0.1:1", 2, ""};
  const std::string good = SignLine(RadarJson(), *c.keys->Find("RAD-01"));
  // Accepted once; a variant differing only in the MAC's hex case is then a replay.
  ASSERT_TRUE(ingest.Process(good, peer).ok());
  std::uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string line = good;
    int edits = 1 + next() % 3;
    for (int k = 0; k < edits; ++k) line[next() % line.size()] = static_cast<char>(next() >> 8);
    if (next() % 4 == 0) line.resize(next() % line.size());
    if (line == good) continue;
    if (ingest.Process(line, peer).ok()) ++accepted;
  }
  EXPECT_EQ(accepted, 0);
  for (std::size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(ingest.Process(good.substr(0, n), peer).ok());
}

}  // namespace
}  // namespace tocsin::ingest::net
