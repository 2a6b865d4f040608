// Records decoded per second over the shared sample captures (CAT048 plots from
// asterix_sample_data_cat_034_048.pcap, CAT062 tracks from the raw samples).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "ingest/asterix/decoder.h"
#include "ingest/asterix/pcap.h"

namespace {

using tocsin::ingest::asterix::DecodeDatagram;

std::vector<std::vector<std::uint8_t>> Load(const std::string& name) {
  const auto path = std::filesystem::path(TOCSIN_SHARED_DIR) / "data" / "asterix" / "samples" / name;
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (path.extension() != ".pcap") return {bytes};
  std::vector<std::vector<std::uint8_t>> out;
  auto pc = tocsin::ingest::asterix::ReadPcap(bytes);
  if (pc.ok()) {
    for (auto& d : pc->datagrams) out.push_back(std::move(d.payload));
  }
  return out;
}

void Run(benchmark::State& state, const std::vector<std::vector<std::uint8_t>>& datagrams) {
  if (datagrams.empty()) {
    state.SkipWithError("shared ASTERIX samples not found");
    return;
  }
  std::size_t records = 0, bytes = 0;
  for (auto _ : state) {
    for (const auto& d : datagrams) {
      auto r = DecodeDatagram(d);
      if (r.ok()) records += r->size();
      bytes += d.size();
      benchmark::DoNotOptimize(r);
    }
  }
  state.counters["records/s"] = benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_DecodeCat048Plots(benchmark::State& state) {
  static const auto d = Load("asterix_sample_data_cat_034_048.pcap");
  Run(state, d);
}
BENCHMARK(BM_DecodeCat048Plots);

void BM_DecodeCat062Tracks(benchmark::State& state) {
  static const auto d = [] {
    auto a = Load("asterix_sample_data_cat062cat065.raw");
    for (const char* n : {"cat062ed1.12.bin", "cat062ed1.16.bin"}) {
      auto b = Load(n);
      a.insert(a.end(), b.begin(), b.end());
    }
    return a;
  }();
  Run(state, d);
}
BENCHMARK(BM_DecodeCat062Tracks);

}  // namespace

BENCHMARK_MAIN();
