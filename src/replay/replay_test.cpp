// End to end: simulate a preset, replay it (without truth.json), score it.
#include "replay/replay.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "eval/alert_log.h"
#include "eval/pairs.h"
#include "eval/score.h"
#include "eval/truth.h"
#include "sim/data_files.h"
#include "sim/simulate.h"

namespace tocsin::replay {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  eval::Score score;
  ReplayStats stats;
};

// Simulates `preset` into a temp folder, moves truth.json away (replay must not need
// it), replays and scores.
Result<Outcome> SimulateReplayScore(const std::string& preset, std::uint64_t seed) {
  const fs::path dir = fs::temp_directory_path() / ("tocsin-replay-test-" + preset + "-" + std::to_string(seed) +
                                                    "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  sim::SimulateConfig sc;
  sc.attack = preset;
  sc.out_dir = dir.string();
  sc.seed = seed;
  sc.quiet = true;
  std::ostringstream out, err;
  if (int rc = sim::RunSimulate(sc, out, err); rc != 0) return Status::Error("simulate: " + err.str());
  const fs::path truth_path = dir.parent_path() / (dir.filename().string() + "-truth.json");
  fs::rename(dir / "truth.json", truth_path);
  auto truth = eval::ReadTruthFile(truth_path.string());
  if (!truth) return truth.status();
  auto catalog_path = zones::ResolveCatalogPath(truth->zones);
  if (!catalog_path) return catalog_path.status();
  auto catalog = zones::Catalog::LoadFile(*catalog_path);
  if (!catalog) return catalog.status();

  ReplayConfig rc;
  rc.scenario_dir = dir.string();
  rc.progress = false;
  alert::MemoryAlertSink sink;
  auto stats = Replay(rc, *catalog, alert::Policy::Defaults(), sink, err);
  if (!stats) return stats.status();
  std::stringstream log_text;
  for (const auto& e : sink.events()) log_text << alert::ToJsonLine(e) << "\n";
  const eval::AlertLog log = eval::ParseAlertLog(log_text, "alerts");
  const auto pairs = eval::FindPairs(*truth, *catalog);
  Outcome o{eval::ComputeScore(*truth, log, *catalog, pairs), *stats};
  fs::remove_all(dir);
  fs::remove(truth_path);
  return o;
}

TEST(ReplayTest, MissingFolderIsAnErrorNamingTheFile) {
  auto catalog = zones::Catalog::LoadText(
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"A","name":"A","shelter_s":90},"geometry":{"type":"Polygon","coordinates":[[[30,48],[30.1,48],[30.1,48.1],[30,48.1],[30,48]]]}}]})",
      "one");
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  ReplayConfig rc;
  rc.scenario_dir = "/nonexistent/scenario";
  alert::MemoryAlertSink sink;
  std::ostringstream err;
  auto r = Replay(rc, *catalog, alert::Policy::Defaults(), sink, err);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("sensors.json"), std::string::npos) << r.status().message();
}

TEST(ReplayTest, KharkivBallisticWithoutTruthNeverMissesOrDrops) {
  auto o = SimulateReplayScore("kharkiv-ballistic", 1);
  if (!o.ok()) GTEST_SKIP() << "cannot simulate kharkiv-ballistic: " << o.status().message();
  const eval::Score& s = o->score;
  EXPECT_GT(o->stats.reports, 0);
  EXPECT_GT(s.scored, 0u);
  EXPECT_EQ(s.missed, 0u);
  EXPECT_EQ(s.dropped, 0u);
}

TEST(ReplayTest, OdesaDronesWithoutTruthNeverMissesOrDrops) {
  auto o = SimulateReplayScore("odesa-drones", 1);
  if (!o.ok()) GTEST_SKIP() << "cannot simulate odesa-drones: " << o.status().message();
  const eval::Score& s = o->score;
  EXPECT_GT(s.scored, 0u);
  EXPECT_EQ(s.missed, 0u);
  EXPECT_EQ(s.dropped, 0u);
}

}  // namespace
}  // namespace tocsin::replay
