#include "publish/cap.h"

#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "publish/test_support.h"
#include "publish/time_format.h"

namespace tocsin::publish {
namespace {

using testing::CapXsd;
using testing::HaveProgram;
using testing::RunCommand;
using testing::TempDir;

constexpr const char* kXmllint = "/usr/bin/xmllint";

// Skips the calling test when the validator or the schema is missing.
#define REQUIRE_XMLLINT_AND_XSD()                                                                     \
  do {                                                                                                \
    if (!HaveProgram(kXmllint)) GTEST_SKIP() << "xmllint not installed (apt-get install libxml2-utils)"; \
    if (!std::filesystem::exists(CapXsd()))                                                           \
      GTEST_SKIP() << "CAP schema " << CapXsd() << " not found (../shared missing)";                 \
  } while (0)

// Validates every file against the CAP 1.2 schema with one xmllint run.
void ExpectAllValid(const std::vector<std::string>& files) {
  ASSERT_FALSE(files.empty());
  const std::size_t kBatch = 800;
  for (std::size_t i = 0; i < files.size(); i += kBatch) {
    std::string cmd = std::string(kXmllint) + " --noout --schema '" + CapXsd() + "'";
    for (std::size_t k = i; k < std::min(files.size(), i + kBatch); ++k) cmd += " '" + files[k] + "'";
    auto r = RunCommand(cmd);
    EXPECT_EQ(r.exit_code, 0) << r.output.substr(0, 4000);
  }
}

PublishedAlert MakeAlert(const zones::Catalog& cat, zones::ZoneIndex zi, const std::string& id, double t,
                         AlertKind kind = AlertKind::kAlert) {
  PublishedAlert a;
  a.id = AlertId(id);
  a.zone_index = zi;
  a.zone_id = cat.zone(zi).id;
  a.zone_name = cat.zone(zi).name;
  a.region = cat.zone(zi).parent;
  a.shelter = cat.zone(zi).shelter;
  a.kind = kind;
  a.category = ThreatCategory::kBallisticMissile;
  a.started = UnixTime(t);
  a.expected_at = UnixTime(t + 90);
  a.threats = {TrackId("trk-4"), TrackId("trk-7")};
  return a;
}

CapConfig TestConfig() {
  CapConfig c;
  c.sender = "tocsin@example.org";
  c.base_url = "https://alerts.example.org";
  return c;
}

pugi::xml_node Child(pugi::xml_node n, const char* name) { return n.child(name); }

TEST(Cap, AlertMessageCarriesTheRequiredFields) {
  auto cat = testing::LoadCatalogOrDie(testing::SquareCatalogJson({"Tel Aviv & <Yafo>", "בארי"}, "IL-", 90, true));
  PublishedAlert a = MakeAlert(cat, 1, "A-000017", 1696649280);
  CapConfig config = TestConfig();
  config.utc_offset_minutes = IsraelUtcOffsetMinutes;
  const std::string xml = FormatCapAlert(a, cat.zone(1), Mode::kLive, config);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  pugi::xml_node alert = doc.child("alert");
  EXPECT_STREQ(alert.attribute("xmlns").value(), "urn:oasis:names:tc:emergency:cap:1.2");
  EXPECT_STREQ(Child(alert, "identifier").text().get(), "tocsin-tocsin_example.org-A-000017");
  EXPECT_STREQ(Child(alert, "sender").text().get(), "tocsin@example.org");
  EXPECT_STREQ(Child(alert, "sent").text().get(), "2023-10-07T06:28:00+03:00");
  EXPECT_STREQ(Child(alert, "status").text().get(), "Actual");
  EXPECT_STREQ(Child(alert, "msgType").text().get(), "Alert");
  EXPECT_STREQ(Child(alert, "scope").text().get(), "Public");
  EXPECT_TRUE(Child(alert, "references").empty());
  pugi::xml_node info = alert.child("info");
  EXPECT_STREQ(Child(info, "event").text().get(), "Ballistic missile attack");
  EXPECT_STREQ(Child(info, "responseType").text().get(), "Shelter");
  EXPECT_STREQ(Child(info, "urgency").text().get(), "Immediate");
  EXPECT_STREQ(Child(info, "severity").text().get(), "Extreme");
  EXPECT_STREQ(Child(info, "certainty").text().get(), "Observed");
  EXPECT_STREQ(Child(info, "onset").text().get(), "2023-10-07T06:29:30+03:00");
  EXPECT_STREQ(Child(info, "expires").text().get(), "2023-10-07T07:28:00+03:00");
  EXPECT_NE(std::string(Child(info, "instruction").text().get()).find("90 seconds"), std::string::npos);
  EXPECT_STREQ(Child(info, "web").text().get(),
               "https://alerts.example.org/cap/alerts/tocsin-tocsin_example.org-A-000017.xml");
  pugi::xml_node area = info.child("area");
  EXPECT_STREQ(Child(area, "areaDesc").text().get(), "בארי");
  EXPECT_STREQ(area.child("geocode").child("value").text().get(), "IL-2");
  // One polygon (the hole is not representable), closed, lat first.
  int polygons = 0;
  for (pugi::xml_node p : area.children("polygon")) {
    ++polygons;
    std::istringstream in(p.text().get());
    std::vector<std::string> pts;
    for (std::string s; in >> s;) pts.push_back(s);
    ASSERT_GE(pts.size(), 4u);
    EXPECT_EQ(pts.front(), pts.back());
    EXPECT_EQ(pts.front(), "32,34.9");
  }
  EXPECT_EQ(polygons, 1);
  // Escaping: a name with & and < survives a round trip.
  PublishedAlert b = MakeAlert(cat, 0, "A-000018", 1696649280);
  pugi::xml_document doc2;
  ASSERT_TRUE(doc2.load_string(FormatCapAlert(b, cat.zone(0), Mode::kLive, config).c_str()));
  EXPECT_STREQ(doc2.child("alert").child("info").child("area").child("areaDesc").text().get(), "Tel Aviv & <Yafo>");
}

TEST(Cap, UpdateAndCancelReferenceEveryEarlierMessage) {
  auto cat = testing::LoadCatalogOrDie(testing::SquareCatalogJson({"a"}));
  PublishedAlert a = MakeAlert(cat, 0, "A-000017", 1000);
  a.updates = {UnixTime(1010), UnixTime(1020)};
  a.ended = UnixTime(1100);
  a.end_reason = alert::EndReason::kOperator;
  const CapConfig config = TestConfig();
  const auto msgs = CapMessagesOf(a, config, Mode::kLive);
  ASSERT_EQ(msgs.size(), 4u);
  EXPECT_EQ(msgs[1].identifier, "tocsin-tocsin_example.org-A-000017-U1");
  EXPECT_EQ(msgs[3].identifier, "tocsin-tocsin_example.org-A-000017-C");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(FormatLatestCapMessage(a, cat.zone(0), Mode::kLive, config).c_str()));
  pugi::xml_node alert = doc.child("alert");
  EXPECT_STREQ(alert.child("msgType").text().get(), "Cancel");
  EXPECT_STREQ(alert.child("sent").text().get(), "1970-01-01T00:18:20-00:00");
  EXPECT_EQ(std::string(alert.child("references").text().get()),
            "tocsin@example.org,tocsin-tocsin_example.org-A-000017,1970-01-01T00:16:40-00:00 "
            "tocsin@example.org,tocsin-tocsin_example.org-A-000017-U1,1970-01-01T00:16:50-00:00 "
            "tocsin@example.org,tocsin-tocsin_example.org-A-000017-U2,1970-01-01T00:17:00-00:00");
  EXPECT_STREQ(alert.child("info").child("responseType").text().get(), "AllClear");
  pugi::xml_document upd;
  ASSERT_TRUE(upd.load_string(FormatCapMessage(a, cat.zone(0), msgs[1], Mode::kLive, config).c_str()));
  EXPECT_STREQ(upd.child("alert").child("msgType").text().get(), "Update");
  EXPECT_EQ(std::string(upd.child("alert").child("references").text().get()),
            "tocsin@example.org,tocsin-tocsin_example.org-A-000017,1970-01-01T00:16:40-00:00");
}

TEST(Cap, ExerciseIsMarkedAndHasItsOwnIdentifiers) {
  auto cat = testing::LoadCatalogOrDie(testing::SquareCatalogJson({"a"}));
  PublishedAlert a = MakeAlert(cat, 0, "A-000017", 1000);
  const CapConfig config = TestConfig();
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(FormatCapAlert(a, cat.zone(0), Mode::kExercise, config).c_str()));
  EXPECT_STREQ(doc.child("alert").child("status").text().get(), "Exercise");
  EXPECT_NE(std::string(doc.child("alert").child("note").text().get()).find("EXERCISE"), std::string::npos);
  EXPECT_NE(CapIdentifier(config, Mode::kExercise, a.id, CapMsgType::kAlert),
            CapIdentifier(config, Mode::kLive, a.id, CapMsgType::kAlert));
}

TEST(Cap, IdentifiersParseBackAndFindRebuildsTheMessage) {
  auto cat = testing::LoadCatalogOrDie(testing::SquareCatalogJson({"a", "b"}));
  const CapConfig config = TestConfig();
  for (Mode mode : {Mode::kLive, Mode::kExercise}) {
    for (auto [type, seq] : {std::pair{CapMsgType::kAlert, 0}, {CapMsgType::kUpdate, 12}, {CapMsgType::kCancel, 0}}) {
      const std::string id = CapIdentifier(config, mode, AlertId("P-000003"), type, seq);
      AlertId alert;
      auto ref = ParseCapIdentifier(config, mode, id, &alert);
      ASSERT_TRUE(ref.has_value()) << id;
      EXPECT_EQ(ref->type, type);
      EXPECT_EQ(ref->update_seq, seq);
      EXPECT_EQ(alert.str(), "P-000003");
    }
  }
  AlertId ignored;
  for (const char* bad : {"", "tocsin-x-A-1", "tocsin-tocsin_example.org-A-", "tocsin-tocsin_example.org-A-1-U0",
                          "tocsin-tocsin_example.org-A-1-X", "tocsin-tocsin_example.org-A-1-U1x"})
    EXPECT_FALSE(ParseCapIdentifier(config, Mode::kLive, bad, &ignored).has_value()) << bad;

  std::vector<PublishedAlert> alerts = {MakeAlert(cat, 0, "A-000001", 100), MakeAlert(cat, 1, "A-000002", 200)};
  alerts[1].ended = UnixTime(300);
  auto found = FindCapMessage(alerts, cat, "tocsin-tocsin_example.org-A-000002-C", Mode::kLive, config);
  ASSERT_TRUE(found.has_value());
  EXPECT_NE(found->find("<msgType>Cancel</msgType>"), std::string::npos);
  EXPECT_FALSE(FindCapMessage(alerts, cat, "tocsin-tocsin_example.org-A-000001-C", Mode::kLive, config));
  EXPECT_FALSE(FindCapMessage(alerts, cat, "tocsin-tocsin_example.org-A-000002", Mode::kExercise, config));
}

TEST(Cap, PolygonIsClosedEvenWhenTheRingIsNot) {
  zones::Ring open = {{32, 34}, {32, 35}, {33, 35}};
  EXPECT_EQ(CapPolygon(open), "32,34 32,35 33,35 32,34");
  EXPECT_EQ(CapPolygon({{32, 34}, {32, 35}}), "");
  EXPECT_EQ(CapPolygon({{-0.0000001, 30.1234567}, {1, 1}, {2, 2}, {-0.0000001, 30.1234567}}),
            "0,30.123457 1,1 2,2 0,30.123457");
}

// Every kind of message for a small catalog, validated against the CAP 1.2 XSD.
TEST(CapSchema, EveryMessageKindValidates) {
  REQUIRE_XMLLINT_AND_XSD();
  auto cat = testing::LoadCatalogOrDie(testing::SquareCatalogJson({"Tel Aviv & <Yafo>", "בארי", "c"}, "IL-", 0, true));
  TempDir dir;
  std::vector<std::string> files;
  CapConfig config = TestConfig();
  for (Mode mode : {Mode::kLive, Mode::kExercise}) {
    for (AlertKind kind : {AlertKind::kAlert, AlertKind::kPreAlert}) {
      for (int variant = 0; variant < 3; ++variant) {
        PublishedAlert a = MakeAlert(cat, static_cast<zones::ZoneIndex>(variant), "A-0000" + std::to_string(variant), 1e9, kind);
        if (variant == 1) {
          a.manual = true;
          a.note = "Operator <note> & test";
          a.threats.clear();
          a.expected_at.reset();
          a.category = ThreatCategory::kUnknown;
          config.base_url.clear();
          config.utc_offset_minutes = IsraelUtcOffsetMinutes;
        }
        a.updates = {UnixTime(1e9 + 5)};
        a.ended = UnixTime(1e9 + 60);
        for (const auto& m : CapMessagesOf(a, config, mode))
          files.push_back(dir.Write(m.identifier + ".xml", FormatCapMessage(a, cat.zone(a.zone_index), m, mode, config)));
      }
    }
  }
  EXPECT_EQ(files.size(), 2u * 2 * 3 * 3);
  ExpectAllValid(files);
}

// The validation can fail: a message with a wrong status is rejected.
TEST(CapSchema, XmllintRejectsABrokenMessage) {
  REQUIRE_XMLLINT_AND_XSD();
  auto cat = testing::LoadCatalogOrDie(testing::SquareCatalogJson({"a"}));
  std::string xml = FormatCapAlert(MakeAlert(cat, 0, "A-1", 1000), cat.zone(0), Mode::kLive, TestConfig());
  xml.replace(xml.find("<status>Actual"), 14, "<status>Real");
  TempDir dir;
  auto r = RunCommand(std::string(kXmllint) + " --noout --schema '" + CapXsd() + "' '" + dir.Write("bad.xml", xml) + "'");
  EXPECT_NE(r.exit_code, 0) << r.output;
}

// One Alert message per zone of the shipped catalogs (every real polygon).
void ValidateWholeCatalog(const std::string& name, int (*offset)(UnixTime)) {
  REQUIRE_XMLLINT_AND_XSD();
  const std::string path = testing::SharedDir() + "/data/zones/" + name + ".geojson";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found (../shared missing)";
  auto cat = zones::Catalog::LoadFile(path);
  ASSERT_TRUE(cat.ok()) << cat.status().message();
  CapConfig config = TestConfig();
  config.utc_offset_minutes = offset;
  TempDir dir;
  std::vector<std::string> files;
  for (zones::ZoneIndex i = 0; i < cat->zones().size(); ++i) {
    PublishedAlert a = MakeAlert(*cat, i, "A-" + std::to_string(100000 + i), 1757203400 + i);
    const Mode mode = i % 2 ? Mode::kExercise : Mode::kLive;
    if (i % 3 == 0) a.ended = a.started + Seconds(300);
    const std::string xml = FormatLatestCapMessage(a, cat->zone(i), mode, config);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.c_str())) << cat->zone(i).id.str();
    int polygons = 0;
    for (pugi::xml_node p : doc.child("alert").child("info").child("area").children("polygon")) {
      ++polygons;
      std::istringstream in(p.text().get());
      std::vector<std::string> pts;
      for (std::string s; in >> s;) pts.push_back(s);
      ASSERT_GE(pts.size(), 4u) << cat->zone(i).id.str();
      ASSERT_EQ(pts.front(), pts.back()) << cat->zone(i).id.str();
    }
    EXPECT_EQ(polygons, static_cast<int>(cat->zone(i).geometry.size())) << cat->zone(i).id.str();
    files.push_back(dir.Write(std::to_string(i) + ".xml", xml));
  }
  ExpectAllValid(files);
}

TEST(CapSchema, EveryUkrainianHromadaValidates) { ValidateWholeCatalog("ua-hromadas", KyivUtcOffsetMinutes); }
TEST(CapSchema, EveryIsraeliAreaValidates) { ValidateWholeCatalog("il-areas", IsraelUtcOffsetMinutes); }

TEST(CapAtom, FeedIsWellFormedParsesBackAndEmbeddedMessagesValidate) {
  auto cat = testing::LoadCatalogOrDie(testing::SquareCatalogJson({"a", "b", "c", "d"}));
  const CapConfig config = TestConfig();
  std::vector<PublishedAlert> alerts;
  for (int i = 0; i < 4; ++i) alerts.push_back(MakeAlert(cat, static_cast<zones::ZoneIndex>(i), "A-00000" + std::to_string(i), 1000 + 10 * i));
  alerts[0].ended = UnixTime(2000);                      // Alert + Cancel
  alerts[1].updates = {UnixTime(1500)};                  // Alert + Update
  AtomOptions options;
  options.max_entries = 5;  // of 6 messages: the oldest (A-000000's Alert at 1000) is left out
  const std::string xml = FormatCapAtomFeed(alerts, cat, Mode::kLive, config, UnixTime(5000), options);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  pugi::xml_node feed = doc.child("feed");
  EXPECT_STREQ(feed.attribute("xmlns").value(), "http://www.w3.org/2005/Atom");
  EXPECT_STREQ(feed.child("updated").text().get(), "1970-01-01T00:33:20-00:00");  // the Cancel at 2000
  std::vector<std::string> ids, hrefs;
  for (pugi::xml_node e : feed.children("entry")) {
    ids.push_back(e.child("content").child("alert").child("identifier").text().get());
    hrefs.push_back(e.child("link").attribute("href").value());
    EXPECT_FALSE(e.child("updated").empty());
    EXPECT_FALSE(e.child("title").empty());
  }
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(ids[0], "tocsin-tocsin_example.org-A-000000-C");
  EXPECT_EQ(ids[1], "tocsin-tocsin_example.org-A-000001-U1");
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).count("tocsin-tocsin_example.org-A-000000"), 0u);
  EXPECT_EQ(hrefs[0], "https://alerts.example.org/cap/alerts/tocsin-tocsin_example.org-A-000000-C.xml");

  // Empty feed: updated is `now`.
  pugi::xml_document empty;
  ASSERT_TRUE(empty.load_string(FormatCapAtomFeed({}, cat, Mode::kExercise, config, UnixTime(5000)).c_str()));
  EXPECT_STREQ(empty.child("feed").child("updated").text().get(), "1970-01-01T01:23:20-00:00");
  EXPECT_TRUE(empty.child("feed").child("entry").empty());
  EXPECT_NE(std::string(empty.child("feed").child("title").text().get()).find("EXERCISE"), std::string::npos);

  REQUIRE_XMLLINT_AND_XSD();
  TempDir dir;
  auto r = RunCommand(std::string(kXmllint) + " --noout '" + dir.Write("atom.xml", xml) + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::vector<std::string> files;
  int n = 0;
  for (pugi::xml_node e : feed.children("entry")) {
    pugi::xml_document one;
    one.append_copy(e.child("content").child("alert"));
    std::ostringstream out;
    one.save(out);
    files.push_back(dir.Write("embedded-" + std::to_string(n++) + ".xml", out.str()));
  }
  ExpectAllValid(files);
}

}  // namespace
}  // namespace tocsin::publish
