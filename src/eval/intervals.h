// Closed time intervals and their unions, for alert coverage and burden.
#pragma once

#include <vector>

namespace tocsin::eval {

// [start, end], Unix s. REQUIRES: start <= end.
struct Interval {
  double start = 0;
  double end = 0;
  double length() const { return end - start; }
};

// The union as disjoint intervals sorted by start; intervals that touch
// (next.start <= current.end) merge, so back-to-back alerts are one coverage.
std::vector<Interval> Union(std::vector<Interval> intervals);

// Total length of the union.
double UnionLength(std::vector<Interval> intervals);

// The interval of a sorted disjoint union containing t; nullptr when none does.
const Interval* Containing(const std::vector<Interval>& disjoint, double t);

}  // namespace tocsin::eval
