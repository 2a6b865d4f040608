#include "core/mode.h"

namespace tocsin {

std::string_view ToString(Mode m) { return m == Mode::kExercise ? "exercise" : "live"; }

std::optional<Mode> ParseMode(std::string_view s) {
  if (s == "live") return Mode::kLive;
  if (s == "exercise") return Mode::kExercise;
  return std::nullopt;
}

}  // namespace tocsin
