// Live or exercise: which world a published message belongs to. Exercise output is
// marked in every channel (CAP status Exercise, MQTT topics under tocsin/exercise,
// "mode":"exercise" in JSON feeds) so that it can never pass for a real alert.
#pragma once

#include "core/mode.h"

namespace tocsin::publish {

using tocsin::Mode;
using tocsin::ParseMode;
using tocsin::ToString;

}  // namespace tocsin::publish
