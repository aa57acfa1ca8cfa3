#pragma once
// `edc config`: the effective settings and where each came from, as text or JSON.
#include <iosfwd>

#include "app/config/settings.hpp"

namespace edc::config {

// One line per setting:
//   database           /home/a/.local/share/edc/edc.sqlite   (default: ~/.local/share/edc/edc.sqlite)
//   ports.galvanostat  /dev/ttyUSB3                          (command line: --galvanostat-port)
// preceded by the config file's path and whether it exists.
void print_settings(const Settings& s, std::ostream& out);

// {"config_file": "...", "config_file_found": true,
//  "settings": {"database": {"value": "...", "origin": "config file", "where": "...:3:1"}, ...}}
void print_settings_json(const Settings& s, std::ostream& out);

}  // namespace edc::config
