#include "store/records.h"

#include <utility>

namespace tocsin::store {
namespace {
constexpr std::pair<RawFormat, std::string_view> kFormats[] = {
    {RawFormat::kJson, "json"},
    {RawFormat::kAsterix, "asterix"},
    {RawFormat::kSapient, "sapient"},
    {RawFormat::kOther, "other"},
};
constexpr std::pair<Mode, std::string_view> kModes[] = {
    {Mode::kLive, "live"},
    {Mode::kExercise, "exercise"},
};
}  // namespace

std::string_view ToString(RawFormat f) {
  for (auto [v, s] : kFormats)
    if (v == f) return s;
  return "other";
}
std::optional<RawFormat> ParseRawFormat(std::string_view s) {
  for (auto [v, n] : kFormats)
    if (n == s) return v;
  return std::nullopt;
}
std::string_view ToString(Mode m) { return m == Mode::kExercise ? "exercise" : "live"; }
std::optional<Mode> ParseMode(std::string_view s) {
  for (auto [v, n] : kModes)
    if (n == s) return v;
  return std::nullopt;
}

}  // namespace tocsin::store
