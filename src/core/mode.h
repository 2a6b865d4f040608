// Live or exercise: which world a decision or message belongs to. Every stage that
// stores or publishes decisions carries it, so exercise output can never pass for a
// real alert (CAP status Exercise, MQTT topics under tocsin/exercise, "mode" in JSON).
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string_view>

namespace tocsin {

enum class Mode { kLive, kExercise };

// "live", "exercise".
std::string_view ToString(Mode m);
// Inverse of ToString; nullopt for any other text.
std::optional<Mode> ParseMode(std::string_view s);

}  // namespace tocsin
