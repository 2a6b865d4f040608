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

}  // namespace tocsin::store
