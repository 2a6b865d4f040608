// The loader never crashes or hangs, whatever it is fed: truncations of a real
// catalog, deep nesting, huge numbers, random bytes, wrong types everywhere.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "zones/catalog.h"

namespace tocsin::zones {
namespace {

const char* kSmall = R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"A","name":"a","shelter_s":90,"population":10,"parent":"P"},
 "geometry":{"type":"Polygon","coordinates":[[[30,50],[30.1,50],[30.1,50.1],[30,50.1],[30,50]],
   [[30.02,50.02],[30.04,50.02],[30.04,50.04],[30.02,50.04],[30.02,50.02]]]}},
{"type":"Feature","properties":{"id":"B","name":"b","shelter_s":15},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[31,50],[31.1,50],[31.1,50.1],[31,50]]],
   [[[32,50],[32.1,50],[32.1,50.1],[32,50]]]]}}]})";

// Loads and, when it loads, runs every query once: nothing may crash.
void Exercise(const std::string& text) {
  std::vector<LoadProblem> problems;
  for (bool skip : {false, true}) {
    auto r = Catalog::LoadText(text, "fuzz.geojson", {skip}, &problems);
    if (!r.ok()) {
      EXPECT_FALSE(r.status().message().empty());
      continue;
    }
    const Catalog& c = *r;
    const LatLon p{50.05, 30.05};
    (void)c.ZoneAt(p);
    (void)c.ZonesWithin(p, Metres(1000));
    const LatLon line[2] = {{50.0, 29.9}, {50.2, 32.2}};
    (void)c.ZonesTouchingCorridor(line, Metres(1000));
    (void)c.ZonesTouchingEllipse(p, Metres(5000), Metres(2000), 45);
    for (ZoneIndex i = 0; i < c.zones().size(); ++i) (void)c.DistanceTo(i, p);
  }
  for (const LoadProblem& pr : problems) EXPECT_FALSE(pr.ToString().empty());
}

TEST(MalformedInputTest, EveryTruncationOfASmallCatalog) {
  const std::string text = kSmall;
  ASSERT_TRUE(Catalog::LoadText(text, "small").ok());
  for (size_t n = 0; n < text.size(); ++n) Exercise(text.substr(0, n));
}

TEST(MalformedInputTest, TruncatedRealCatalog) {
  const std::string path = std::string(TOCSIN_DATA_DIR) + "/zones/ua-oblasts.geojson";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << path << " not found";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  for (size_t n : {size_t{1}, size_t{100}, text.size() / 3, text.size() / 2, text.size() - 2}) {
    auto r = Catalog::LoadText(text.substr(0, n), "cut.geojson");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("not valid JSON"), std::string::npos);
  }
}

TEST(MalformedInputTest, DeepNesting) {
  for (const std::string& open : {std::string("["), std::string("{\"a\":")}) {
    std::string deep;
    for (int i = 0; i < 200000; ++i) deep += open;
    Exercise(deep);
    std::string fc = R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"A","name":"a","shelter_s":90},"geometry":{"type":"Polygon","coordinates":)";
    for (int i = 0; i < 100000; ++i) fc += "[";
    Exercise(fc);
  }
}

TEST(MalformedInputTest, HugeAndOddNumbers) {
  for (const char* n : {"1e400", "-1e400", "1e-400", "123456789012345678901234567890", "-0", "NaN",
                        "Infinity", "0x10", "1.7976931348623157e308"}) {
    std::string text = kSmall;
    text.replace(text.find("30.1,50]"), 4, n);
    Exercise(text);
    std::string s2 = kSmall;
    s2.replace(s2.find("\"shelter_s\":90") + 12, 2, n);
    Exercise(s2);
    std::string s3 = kSmall;
    s3.replace(s3.find("\"population\":10") + 13, 2, n);
    Exercise(s3);
  }
}

TEST(MalformedInputTest, WrongTypesEverywhere) {
  const std::string text = kSmall;
  const std::vector<std::string> values = {"null", "true", "0", "-1", "\"x\"", "[]", "{}", "[[]]", "[null]"};
  // Replace every scalar, array or object opening position with each value.
  std::mt19937 rng(7);
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c != '"' && c != '[' && c != '{' && !(c >= '0' && c <= '9')) continue;
    // Find the end of the value starting here (naively: to the next , ] or }).
    size_t end = text.find_first_of(",]}", pos + 1);
    if (end == std::string::npos) continue;
    const std::string& v = values[rng() % values.size()];
    Exercise(text.substr(0, pos) + v + text.substr(end));
  }
}

TEST(MalformedInputTest, RandomBytesAndMutations) {
  std::mt19937 rng(11);
  const std::string base = kSmall;
  for (int round = 0; round < 3000; ++round) {
    std::string t = base;
    const int edits = 1 + rng() % 4;
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % t.size();
      switch (rng() % 3) {
        case 0: t[at] = static_cast<char>(rng() % 256); break;
        case 1: t.erase(at, 1 + rng() % 8); break;
        default: t.insert(at, 1, "[]{},:\"0-e.\\"[rng() % 12]); break;
      }
      if (t.empty()) t = "x";
    }
    Exercise(t);
  }
  std::string noise(4096, '\0');
  for (char& ch : noise) ch = static_cast<char>(rng() % 256);
  Exercise(noise);
}

}  // namespace
}  // namespace tocsin::zones
