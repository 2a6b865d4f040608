// Every class of fault the loader rejects, with the file, feature and reason.
#include <gtest/gtest.h>

#include <string>

#include "zones/catalog.h"

namespace tocsin::zones {
namespace {

const char* kGoodRing = "[[30,50],[30.1,50],[30.1,50.1],[30,50.1],[30,50]]";

std::string Feature(const std::string& props, const std::string& geometry) {
  return R"({"type":"Feature","properties":)" + props + R"(,"geometry":)" + geometry + "}";
}
std::string Poly(const std::string& rings) { return R"({"type":"Polygon","coordinates":)" + rings + "}"; }
std::string Good(const std::string& id = "Z1") {
  return Feature(R"({"id":")" + id + R"(","name":"n","shelter_s":90})", Poly(std::string("[") + kGoodRing + "]"));
}
std::string Collection(const std::string& features) {
  return R"({"type":"FeatureCollection","features":[)" + features + "]}";
}

// Loads a collection of a good feature followed by `bad`; expects exactly one
// problem, on feature 1, whose reason contains `reason`.
void ExpectRejected(const std::string& bad, const std::string& reason, const std::string& id = "") {
  std::vector<LoadProblem> problems;
  auto r = Catalog::LoadText(Collection(Good() + "," + bad), "bad.geojson", {}, &problems);
  ASSERT_FALSE(r.ok()) << bad;
  ASSERT_EQ(problems.size(), 1u) << r.status().message();
  EXPECT_EQ(problems[0].file, "bad.geojson");
  EXPECT_EQ(problems[0].feature_index, 1);
  EXPECT_EQ(problems[0].feature_id, id);
  EXPECT_NE(problems[0].reason.find(reason), std::string::npos) << problems[0].reason;
  EXPECT_NE(r.status().message().find(problems[0].ToString()), std::string::npos);
  // With skip_invalid_features the good feature still loads.
  auto skipped = Catalog::LoadText(Collection(Good() + "," + bad), "bad.geojson", {true});
  ASSERT_TRUE(skipped.ok()) << skipped.status().message();
  EXPECT_EQ(skipped->zones().size(), 1u);
}

std::string WithProps(const std::string& props) { return Feature(props, Poly(std::string("[") + kGoodRing + "]")); }
std::string WithRings(const std::string& rings) {
  return Feature(R"({"id":"Z2","name":"n","shelter_s":90})", Poly(rings));
}

TEST(ValidationTest, DocumentLevel) {
  for (const auto& [text, reason] : std::vector<std::pair<std::string, std::string>>{
           {"", "empty"},
           {"   \n", "empty"},
           {"{", "not valid JSON"},
           {"[]", "not a GeoJSON FeatureCollection"},
           {R"({"type":"Feature"})", "not a GeoJSON FeatureCollection"},
           {R"({"type":"FeatureCollection"})", "no \"features\" array"},
           {R"({"type":"FeatureCollection","features":{}})", "no \"features\" array"},
           {R"({"type":"FeatureCollection","features":[]})", "no valid zones"}}) {
    std::vector<LoadProblem> problems;
    auto r = Catalog::LoadText(text, "doc.geojson", {true}, &problems);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(reason), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("doc.geojson"), std::string::npos);
  }
}

TEST(ValidationTest, MissingFileNamesIt) {
  auto r = Catalog::LoadFile("/nonexistent/zones.geojson");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/zones.geojson"), std::string::npos);
}

TEST(ValidationTest, Ids) {
  ExpectRejected(WithProps(R"({"name":"n","shelter_s":90})"), "missing id");
  ExpectRejected(WithProps(R"({"id":7,"name":"n","shelter_s":90})"), "id is a number");
  ExpectRejected(WithProps(R"({"id":"","name":"n","shelter_s":90})"), "id is empty");
  ExpectRejected(Good("Z1"), "duplicate id", "Z1");
}

TEST(ValidationTest, Properties) {
  ExpectRejected(Feature("null", Poly(std::string("[") + kGoodRing + "]")), "missing properties");
  ExpectRejected(Feature("[1]", Poly(std::string("[") + kGoodRing + "]")), "properties is an array");
  ExpectRejected(WithProps(R"({"id":"Z2","shelter_s":90})"), "missing name", "Z2");
  ExpectRejected(WithProps(R"({"id":"Z2","name":5,"shelter_s":90})"), "name is a number", "Z2");
  ExpectRejected(WithProps(R"({"id":"Z2","name":"n"})"), "missing shelter_s", "Z2");
  ExpectRejected(WithProps(R"({"id":"Z2","name":"n","shelter_s":"90"})"), "shelter_s is a string", "Z2");
  ExpectRejected(WithProps(R"({"id":"Z2","name":"n","shelter_s":-1})"), "shelter_s is negative", "Z2");
  ExpectRejected(WithProps(R"({"id":"Z2","name":"n","shelter_s":90,"population":-5})"),
                 "population is negative", "Z2");
  ExpectRejected(WithProps(R"({"id":"Z2","name":"n","shelter_s":90,"population":"many"})"),
                 "population is a string", "Z2");
  ExpectRejected(WithProps(R"({"id":"Z2","name":"n","shelter_s":90,"parent":3})"), "parent is a number", "Z2");
  ExpectRejected(WithProps(R"({"id":"Z2","name":"n","shelter_s":90,"name_en":[]})"), "name_en is an array", "Z2");
  // Optional properties may be null; population null means unknown.
  auto r = Catalog::LoadText(
      Collection(WithProps(R"({"id":"Z2","name":"n","shelter_s":0,"population":null,"parent":null})")), "ok");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->zone(0).population.has_value());
  EXPECT_FALSE(r->has_population());
}

TEST(ValidationTest, GeometryTypes) {
  const std::string props = R"({"id":"Z2","name":"n","shelter_s":90})";
  ExpectRejected(Feature(props, "null"), "geometry is null", "Z2");
  ExpectRejected(R"({"type":"Feature","properties":)" + props + "}", "missing geometry", "Z2");
  ExpectRejected(Feature(props, R"({"type":"Point","coordinates":[30,50]})"), "Point is not supported", "Z2");
  ExpectRejected(Feature(props, R"({"type":"LineString","coordinates":[[30,50],[31,50]]})"),
                 "LineString is not supported", "Z2");
  ExpectRejected(Feature(props, R"({"type":"GeometryCollection","geometries":[]})"),
                 "GeometryCollection is not supported", "Z2");
  ExpectRejected(Feature(props, R"({"type":"Polygon"})"), "no \"coordinates\"", "Z2");
  ExpectRejected(Feature(props, R"({"type":"MultiPolygon","coordinates":[]})"), "no polygons", "Z2");
  ExpectRejected(R"({"type":"Nope"})", "not a GeoJSON Feature");
  ExpectRejected("42", "not a GeoJSON Feature");
}

TEST(ValidationTest, Rings) {
  ExpectRejected(WithRings("[]"), "no rings", "Z2");
  ExpectRejected(WithRings("[[[30,50],[31,50],[30,51]]]"), "at least 4", "Z2");
  ExpectRejected(WithRings("[[[30,50],[31,50],[31,51],[30,51]]]"), "not closed", "Z2");
  ExpectRejected(WithRings("[[[30,50],[31,51],[32,52],[30,50]]]"), "degenerate", "Z2");
  ExpectRejected(WithRings("[[[30,50],[31,50],[30,50],[30,50]]]"), "degenerate", "Z2");
  // A bow tie: edges 0 and 2 cross.
  ExpectRejected(WithRings("[[[30,50],[31,51],[31,50],[30,51],[30,50]]]"), "intersects itself", "Z2");
  // A hole outside the outer ring, and a hole crossing it.
  ExpectRejected(WithRings(std::string("[") + kGoodRing + ",[[31,51],[31.1,51],[31.1,51.1],[31,51]]]"),
                 "hole 1 is not inside the outer ring", "Z2");
  ExpectRejected(WithRings(std::string("[") + kGoodRing + ",[[30.05,50.05],[30.2,50.05],[30.05,50.08],[30.05,50.05]]]"),
                 "cross each other", "Z2");
}

TEST(ValidationTest, Coordinates) {
  ExpectRejected(WithRings("[[[30,50],[31,50],[31,\"51\"],[30,51],[30,50]]]"), "not a number", "Z2");
  ExpectRejected(WithRings("[[[30,50],[31,50],[31],[30,51],[30,50]]]"), "position 2", "Z2");
  ExpectRejected(WithRings("[[[30,50],[181,50],[31,51],[30,51],[30,50]]]"), "out of range", "Z2");
  ExpectRejected(WithRings("[[[30,50],[31,-91],[31,51],[30,51],[30,50]]]"), "out of range", "Z2");
  ExpectRejected(WithRings("[[[30,50],[31,50],[31,51,0,0],[30,51],[30,50]]]"), "position 2", "Z2");
  ExpectRejected(WithRings("[[[30,50],[31,50],null,[30,51],[30,50]]]"), "position 2", "Z2");
}

TEST(ValidationTest, NumbersTooLargeForADoubleAreNotJson) {
  // nlohmann_json rejects 1e999 (it overflows a double): the whole document fails.
  auto r = Catalog::LoadText(Collection(Good() + "," + WithRings("[[[30,50],[31,1e999],[31,51],[30,51],[30,50]]]")),
                             "big.geojson", {true});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("big.geojson"), std::string::npos);
}

TEST(ValidationTest, MultiPolygonPartsMustNotCross) {
  const std::string props = R"({"id":"Z2","name":"n","shelter_s":90})";
  ExpectRejected(Feature(props, R"({"type":"MultiPolygon","coordinates":[[)" + std::string(kGoodRing) +
                                    "],[[[30.05,50.05],[30.2,50.05],[30.2,50.2],[30.05,50.2],[30.05,50.05]]]]}"),
                 "cross each other", "Z2");
}

TEST(ValidationTest, AcceptedOddities) {
  // Repeated consecutive positions, altitude, a ring touching itself at a vertex,
  // and a hole touching the outer ring at one point are all accepted.
  const std::string text = Collection(
      WithRings("[[[30,50,100],[30,50],[31,50],[31,51],[30,51],[30,50]]]") + "," +
      Feature(R"({"id":"Z3","name":"n","shelter_s":90})",
              Poly("[[[32,50],[34,50],[34,52],[33,52],[33,51],[33.5,51.5],[33,52],[32,52],[32,50]]]")) +
      "," +
      Feature(R"({"id":"Z4","name":"n","shelter_s":90})",
              Poly("[[[36,50],[38,50],[38,52],[36,52],[36,50]],[[36,50],[37,50.5],[37,51],[36,50]]]")));
  std::vector<LoadProblem> problems;
  auto r = Catalog::LoadText(text, "odd.geojson", {}, &problems);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->zones().size(), 3u);
  EXPECT_EQ(r->zone(0).geometry[0].outer.size(), 5u);  // the repeated position is dropped
}

TEST(ValidationTest, EveryProblemIsListed) {
  std::string features = Good();
  for (int i = 0; i < 30; ++i) features += "," + WithProps(R"({"id":"X)" + std::to_string(i) + R"("})");
  std::vector<LoadProblem> problems;
  auto r = Catalog::LoadText(Collection(features), "many.geojson", {}, &problems);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(problems.size(), 30u);
  EXPECT_NE(r.status().message().find("30 problems"), std::string::npos);
  EXPECT_NE(r.status().message().find("and 10 more"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::zones
