#include "app/cli/plant_option.hpp"

#include <fmt/format.h>

#include "app/cli/cli.hpp"

namespace edc::cli {

std::expected<std::optional<recipes::PlantFile>, int> load_plant_option(const ParsedArgs& args,
                                                                        Console& console) {
    const auto path = args.value("--plant");
    if (!path) return std::optional<recipes::PlantFile>{};
    auto plant = recipes::load_plant_file(*path);
    if (!plant) {
        console.err << fmt::format("edc: {} [{}]\n", plant.error().message, plant.error().code);
        return std::unexpected(exit_code::invalid_recipe);
    }
    return std::optional<recipes::PlantFile>{std::move(*plant)};
}

}  // namespace edc::cli
