#include "eval/intervals.h"

#include <algorithm>

namespace tocsin::eval {

std::vector<Interval> Union(std::vector<Interval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Interval> out;
  for (const Interval& i : intervals) {
    if (!out.empty() && i.start <= out.back().end) {
      out.back().end = std::max(out.back().end, i.end);
    } else {
      out.push_back(i);
    }
  }
  return out;
}

double UnionLength(std::vector<Interval> intervals) {
  double total = 0;
  for (const Interval& i : Union(std::move(intervals))) total += i.length();
  return total;
}

const Interval* Containing(const std::vector<Interval>& disjoint, double t) {
  auto it = std::upper_bound(disjoint.begin(), disjoint.end(), t,
                             [](double v, const Interval& i) { return v < i.start; });
  if (it == disjoint.begin()) return nullptr;
  --it;
  return t <= it->end ? &*it : nullptr;
}

}  // namespace tocsin::eval
