// Live or exercise: which world a published message belongs to. Exercise output is
// marked in every channel (CAP status Exercise, MQTT topics under tocsin/exercise,
// "mode":"exercise" in JSON feeds) so that it can never pass for a real alert.
#pragma once

#include <optional>
#include <string_view>

namespace tocsin::publish {

enum class Mode { kLive, kExercise };

// "live", "exercise".
std::string_view ToString(Mode m);
// Inverse of ToString; nullopt for any other text.
std::optional<Mode> ParseMode(std::string_view s);

}  // namespace tocsin::publish
