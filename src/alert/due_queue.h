// DueQueue: a min-heap of items keyed by a time, for "wake me when `now` reaches my
// key" bookkeeping where items go stale instead of being removed. The alert engine
// keeps one per zone: each contribution has one live item at a time (the next time
// its decision could change); replacing a contribution just pushes a new item, and
// the old one is recognised as stale when popped or when the queue is compacted.
//
// Items are popped in ascending key order (ties in no particular order). Keys must
// not be NaN (callers map "never" to +inf and simply do not push).
//
// Cost: Push and Pop O(log n); Top O(1); Compact O(n).
// Thread-safety: a plain value.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <vector>

namespace tocsin::alert {

template <class T>
class DueQueue {
 public:
  // T must have a member `double key`.
  void Push(const T& item) {
    heap_.push_back(item);
    std::push_heap(heap_.begin(), heap_.end(), Later);
  }
  // REQUIRES: !empty().
  const T& Top() const { return heap_.front(); }
  // Removes Top(). REQUIRES: !empty().
  void Pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    heap_.pop_back();
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void clear() { heap_.clear(); }
  // Drops every item for which live(item) is false, when the queue holds more than
  // 2 * `expected_live` + 16 items (so that stale items cost O(1) amortised each).
  // Returns true when it compacted.
  template <class Live>
  bool CompactIfBloated(std::size_t expected_live, Live live) {
    if (heap_.size() <= 2 * expected_live + 16) return false;
    heap_.erase(std::remove_if(heap_.begin(), heap_.end(), [&](const T& t) { return !live(t); }), heap_.end());
    std::make_heap(heap_.begin(), heap_.end(), Later);
    return true;
  }

 private:
  // std heap functions build a max-heap of the "less" order: "later" puts the
  // earliest key on top.
  static bool Later(const T& a, const T& b) { return a.key > b.key; }
  std::vector<T> heap_;
};

}  // namespace tocsin::alert
