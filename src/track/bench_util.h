// Per-call latency figures for the benchmarks (tracker_bench, replay's pipeline_bench).
// Header-only; needs Google Benchmark.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

namespace tocsin::track::testing {

// Wall time of each call, microseconds, in call order, and of the whole run, seconds.
struct PerCallTimes {
  std::vector<double> us;
  double total_s = 0.0;
};

// Times `step(i)` for every i in [first, last).
template <class Step>
PerCallTimes TimeEach(std::size_t first, std::size_t last, Step&& step) {
  PerCallTimes t;
  t.us.reserve(last > first ? last - first : 0);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = first; i < last; ++i) {
    const auto a = std::chrono::steady_clock::now();
    step(i);
    const auto b = std::chrono::steady_clock::now();
    t.us.push_back(std::chrono::duration<double, std::micro>(b - a).count());
  }
  t.total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return t;
}

// Sets the counters reports, mean_us, p50_us, p99_us, p999_us, max_us, reports_per_s
// (percentile q: the sorted value at floor(q x (n - 1))). REQUIRES: !t.us.empty().
inline void SetLatencyCounters(benchmark::State& state, PerCallTimes t) {
  std::vector<double>& us = t.us;
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double x : us) sum += x;
  const auto at = [&](double q) { return us[static_cast<std::size_t>(q * static_cast<double>(us.size() - 1))]; };
  state.counters["reports"] = static_cast<double>(us.size());
  state.counters["mean_us"] = sum / static_cast<double>(us.size());
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["p999_us"] = at(0.999);
  state.counters["max_us"] = us.back();
  state.counters["reports_per_s"] = static_cast<double>(us.size()) / t.total_s;
}

}  // namespace tocsin::track::testing
