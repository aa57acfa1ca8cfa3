#pragma once
// Reading a [chemistry] table (the recipe's own, or a chemistry file's overrides) with the
// recipe format's rules: units, ranges, errors at file:line:col. Private to recipes/format.
#include <string_view>
#include <utility>

#include "control/model/cell_model.hpp"
#include "recipes/format/toml_reader.hpp"

namespace edc::recipes::detail {

// An out-of-range error at `key` unless ok; quantities are quoted as written ("-20 mL").
void check_range(const Section& s, std::string_view key, double v, bool ok, const char* expected);
// The two finite numbers of an [a, b] entry; anything else is reported as `what` at the entry.
[[nodiscard]] std::pair<double, double> finite_pair(const Section& s, const toml::node& element,
                                                    const char* what);

enum class ChemistryKeys {
    all_required,  // a recipe: every key must be there
    overrides,     // a chemistry file: any subset; the keys present replace the recipe's
};

// Reads a, b, selectivity_k | selectivity_table, current_efficiency and packing_fraction into c.
void read_chemistry(const Section& s, model::Chemistry& c, ChemistryKeys keys);

}  // namespace edc::recipes::detail
