#pragma once
// KD Scientific Legato 100/180/200 wire format (docs/protocols/legato.md), pure and fuzzed.
// The Legato's firmware speaks the Harvard Apparatus "Ultra" protocol of the Pump 11 Elite:
// the same `\r`-terminated commands, reply lines and prompts, parsed by harvard_protocol.hpp.
// This file holds what differs: the models, the identity in `ver` and `version`, and the XON
// (0x11) that closes every reply in poll mode.
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"
#include "drivers/pump/harvard_protocol.hpp"

namespace edc::legato {

inline constexpr char xon = 0x11;

struct Model {
    std::string_view recipe_name;  // "kds-legato-100"
    std::string_view ver_name;     // how `ver` names it: "Legato 100"
    bool withdraws = false;        // the 100 and 200 infuse only
};
const std::vector<Model>& models();
// nullptr for a name that is not a Legato.
const Model* find_model(std::string_view recipe_name);

// A whole reply as the Harvard prompt framer delivers it; poll-mode XON bytes at either end are
// dropped first. Error "bad_reply" otherwise.
Result<harvard::Reply> parse_reply(std::string_view frame);

struct Identity {
    std::string model;     // "Legato 100"
    std::string firmware;  // what follows the model name, trimmed ("3.0.6"); may be empty
};
// The `ver` line: "Legato <number>[ <firmware>]". Error "bad_reply" for anything else (an Elite
// answers " 11 Elite 3.0.4").
Result<Identity> parse_ver(std::string_view line);

// The model whose `ver` line this is; nullptr for an Elite, a Legato edc has no entry for, or junk.
const Model* model_of_ver(std::string_view line);

struct VersionBlock {
    std::string firmware;  // "v3.0.6"
    int address = 0;
    std::string serial;  // "D101754"
};
// The `version` lines: "Firmware: v3.0.6", "Pump address: 0", "Serial number: D101754" (any
// order, extra lines ignored). Error "bad_reply" when the firmware line is missing or the address
// is not 0..99.
Result<VersionBlock> parse_version(const std::vector<std::string>& lines);

}  // namespace edc::legato
