#pragma once
// Helpers shared by the subcommands: reporting usage errors and invalid recipes the same way
// everywhere, and the journal a command reads.
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "app/cli/arg_parser.hpp"
#include "app/cli/console.hpp"
#include "recipes/format/recipe.hpp"

namespace edc::cli {

// Prints "edc: MESSAGE" and a hint to `edc COMMAND --help`; returns exit_code::usage.
int usage_error(Console& console, std::string_view command, std::string_view message);
// Prints the error ("file:line:col: what" when it has a position) and returns exit_code::failure.
int report_error(Console& console, const Error& error);

// Exactly one positional argument named `what`, or a usage error (printed; nullopt returned).
std::optional<std::string> single_positional(const ParsedArgs& args, Console& console,
                                             std::string_view command, std::string_view what);

// Loads a recipe; on failure prints the positioned error and returns nullopt (exit 2).
std::optional<recipes::Recipe> load_recipe_reported(const std::string& path, Console& console);

// --db PATH, else RunJournal::default_path().
std::string journal_path(const ParsedArgs& args);

void write_json(std::ostream& out, const nlohmann::ordered_json& j);

// With --json (console.json_errors set): keeps `error` for the {"errors":[...]} object.
void collect_json_error(Console& console, Error error);
// {"errors":[{"code","file","line","column","message"}]}; "file:line:col" places are split,
// other places are given as "where".
nlohmann::ordered_json errors_json(const std::vector<Error>& errors);

}  // namespace edc::cli
