#pragma once
// KD Scientific Legato 100/180/200 (docs/protocols/legato.md). Its firmware speaks the Harvard
// Apparatus "Ultra" protocol of the Pump 11 Elite, so the simulated Legato is the HarvardModel
// (syringe physics, prompts, faults) with the Legato's identity, rate range and poll mode.
#include <optional>
#include <string_view>

#include "drivers/sim/harvard_model.hpp"

namespace edc::sim {

// True for "kds-legato-100", "kds-legato-180", "kds-legato-200".
[[nodiscard]] bool is_legato_model(std::string_view model);

// The options of the named Legato; nullopt for any other name.
[[nodiscard]] std::optional<HarvardOptions> legato_options(std::string_view model);

}  // namespace edc::sim
