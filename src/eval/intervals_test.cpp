#include "eval/intervals.h"

#include <gtest/gtest.h>

namespace tocsin::eval {
namespace {

TEST(Intervals, UnionMergesOverlappingAndTouching) {
  const auto u = Union({{5, 6}, {0, 2}, {2, 3}, {1, 1.5}, {7, 9}, {8, 8.5}});
  ASSERT_EQ(u.size(), 3u);
  EXPECT_DOUBLE_EQ(u[0].start, 0);
  EXPECT_DOUBLE_EQ(u[0].end, 3);
  EXPECT_DOUBLE_EQ(u[1].start, 5);
  EXPECT_DOUBLE_EQ(u[2].end, 9);
  EXPECT_DOUBLE_EQ(UnionLength({{5, 6}, {0, 2}, {2, 3}, {1, 1.5}, {7, 9}, {8, 8.5}}), 6);
}

TEST(Intervals, ContainingIsClosedAtBothEnds) {
  const auto u = Union({{0, 2}, {5, 6}});
  EXPECT_EQ(Containing(u, -1), nullptr);
  EXPECT_EQ(Containing(u, 0)->start, 0);
  EXPECT_EQ(Containing(u, 2)->start, 0);
  EXPECT_EQ(Containing(u, 3), nullptr);
  EXPECT_EQ(Containing(u, 6)->start, 5);
  EXPECT_EQ(Containing(u, 7), nullptr);
  EXPECT_EQ(Containing({}, 1), nullptr);
}

}  // namespace
}  // namespace tocsin::eval
