// Catalog internals shared by catalog.cpp and catalog_queries.cpp.
#pragma once

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "zones/catalog.h"
#include "zones/point_grid.h"
#include "zones/zone_shape.h"

namespace tocsin::zones {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BgPoint = bg::model::d2::point_xy<double>;  // x = lon, y = lat
using BgBox = bg::model::box<BgPoint>;
using BgPolygon = bg::model::polygon<BgPoint>;  // clockwise, closed
using BgMultiPolygon = bg::model::multi_polygon<BgPolygon>;
using RTree = bgi::rtree<std::pair<BgBox, ZoneIndex>, bgi::rstar<16>>;

struct Catalog::Impl {
  std::string name;
  std::vector<Zone> zones;
  std::unordered_map<ZoneId, ZoneIndex> by_id;
  bool has_population = false;
  std::vector<internal::ZoneShape> shapes;
  std::vector<BgMultiPolygon> bg_shapes;  // for polygon intersection tests
  internal::PointGrid grid;
  RTree rtree;

  // Zone indexes whose bounding box meets the box, ascending.
  std::vector<ZoneIndex> Candidates(const BgBox& box) const;
};

BgPolygon ToBg(const Polygon& p);

}  // namespace tocsin::zones
