// tocsin zones info | lookup: inspect a zone catalog and locate points in it.
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "zones/info.h"

namespace tocsin::app {

void AddZonesCommand(CLI::App& app) {
  auto* zones = app.add_subcommand("zones", "Inspect a zone catalog and locate points in it");
  zones->require_subcommand(1);

  auto info = std::make_shared<zones::ZonesInfoConfig>();
  auto* info_cmd = zones->add_subcommand(
      "info", "Summarise a catalog: zones, regions, districts, population, area, shelter times");
  info_cmd->add_option("--zones", info->zones, "catalog name (e.g. ua-hromadas, il-areas) or GeoJSON path")
      ->capture_default_str();
  info_cmd->callback([info] { ExitCode() = zones::RunZonesInfo(*info, std::cout, std::cerr); });

  auto lookup = std::make_shared<zones::ZonesLookupConfig>();
  auto within = std::make_shared<double>(-1);
  auto* lookup_cmd = zones->add_subcommand(
      "lookup", "The zone containing a point, and with --within the zones near it");
  lookup_cmd->add_option("LAT", lookup->lat, "latitude, decimal degrees")->required();
  lookup_cmd->add_option("LON", lookup->lon, "longitude, decimal degrees")->required();
  lookup_cmd->add_option("--zones", lookup->zones, "catalog name or GeoJSON path")->capture_default_str();
  auto* within_opt = lookup_cmd->add_option("--within", *within, "also list zones within METRES");
  lookup_cmd->add_flag("--json", lookup->json, "print JSON");
  lookup_cmd->callback([lookup, within, within_opt] {
    if (within_opt->count() > 0) lookup->within_m = *within;
    ExitCode() = zones::RunZonesLookup(*lookup, std::cout, std::cerr);
  });
}

}  // namespace tocsin::app
