#include "eval/run_score.h"

#include <optional>
#include <utility>

#include "eval/alert_log.h"
#include "eval/pairs.h"
#include "eval/score.h"
#include "eval/truth.h"
#include "zones/catalog.h"

namespace tocsin::eval {

int RunScore(const ScoreConfig& config, std::ostream& out, std::ostream& err) {
  auto truth = ReadTruthFile(config.truth_path);
  if (!truth.ok()) {
    err << "tocsin score: " << truth.status().message() << "\n";
    return kScoreFailed;
  }
  std::string zones_name = config.zones;
  if (zones_name.empty()) zones_name = truth->zones.empty() ? zones::kDefaultCatalog : truth->zones;
  auto zones_path = zones::ResolveCatalogPath(zones_name);
  if (!zones_path.ok()) {
    err << "tocsin score: zone catalog \"" << zones_name << "\": " << zones_path.status().message()
        << " (give one with --zones)\n";
    return kScoreFailed;
  }
  auto catalog = zones::Catalog::LoadFile(*zones_path);
  if (!catalog.ok()) {
    err << "tocsin score: " << catalog.status().message() << "\n";
    return kScoreFailed;
  }
  auto log = ReadAlertLogFile(config.alerts_path);
  if (!log.ok()) {
    err << "tocsin score: " << log.status().message() << "\n";
    return kScoreFailed;
  }
  const std::vector<Pair> pairs = FindPairs(*truth, *catalog, config.crossing);
  ScoreOptions options;
  options.max_missed_examples = config.max_missed_examples;
  options.pair_details = config.pair_details;
  std::optional<TrackLog> track_log;
  if (!config.tracks_path.empty()) {
    auto read = ReadTrackLogFile(config.tracks_path);
    if (!read.ok()) {
      err << "tocsin score: " << read.status().message() << "\n";
      return kScoreFailed;
    }
    track_log = std::move(read.value());
    for (const std::string& p : track_log->problems) err << p << "\n";
  }
  const Score score = ComputeScore(*truth, *log, *catalog, pairs, options);
  for (const std::string& w : score.warnings) err << "warning: " << w << "\n";
  std::optional<TrackAccuracy> accuracy;
  if (track_log) accuracy = ComputeTrackAccuracy(*truth, *track_log, config.accuracy);
  if (config.json) {
    auto j = ToJson(score);
    if (accuracy) {
      j["track_accuracy"] = ToJson(*accuracy);
      j["track_accuracy"]["unreadable_lines"] = track_log->bad_lines;
    }
    out << j.dump(1) << "\n";
  } else {
    out << "score of " << config.alerts_path << " against " << config.truth_path << " on "
        << catalog->name() << "\n";
    PrintTable(score, out);
    if (accuracy) {
      out << "tracks: " << config.tracks_path << "\n";
      PrintTrackAccuracy(*accuracy, out);
    }
  }
  if (score.unreadable_lines > 0) {
    err << "tocsin score: " << score.unreadable_lines << " unreadable line(s) in " << config.alerts_path
        << " were left out; fix the system that wrote the log\n";
    return kScoreWithBadLines;
  }
  if (track_log && track_log->bad_lines > 0) {
    err << "tocsin score: " << track_log->bad_lines << " unreadable line(s) in " << config.tracks_path
        << " were left out of the track accuracy; fix the system that wrote the track log\n";
    return kScoreWithBadLines;
  }
  return kScoreOk;
}

}  // namespace tocsin::eval
