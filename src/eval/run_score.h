// Entry point of `tocsin score`: reads a truth, an alert log and a zone catalog,
// scores the log and prints the result.
#pragma once

#include <ostream>
#include <string>

#include "eval/pairs.h"
#include "eval/track_accuracy.h"

namespace tocsin::eval {

struct ScoreConfig {
  std::string truth_path;   // truth.json
  std::string alerts_path;  // alert log, JSON Lines
  // Catalog name or path; empty: the truth's "zones" field, else zones::kDefaultCatalog.
  std::string zones;
  bool json = false;        // print a JSON object instead of a table
  CrossingMethod crossing = CrossingMethod::kExact;
  std::size_t max_missed_examples = 10;
  bool pair_details = false;  // with json: list every pair and its outcome
  // Track log (docs/track-log.md); when set, the output also gives the track accuracy
  // (eval/track_accuracy.h; JSON key "track_accuracy").
  std::string tracks_path;
  TrackAccuracyOptions accuracy;
};

// Exit codes of RunScore.
inline constexpr int kScoreOk = 0;
inline constexpr int kScoreFailed = 1;           // nothing scored: see the message on err
inline constexpr int kScoreWithBadLines = 3;     // scored, but a log had unreadable lines

// Prints the score on `out` (table or JSON) and every problem found on `err`, one per
// line ("FILE: line N: REASON"). Returns one of the exit codes above.
int RunScore(const ScoreConfig& config, std::ostream& out, std::ostream& err);

}  // namespace tocsin::eval
