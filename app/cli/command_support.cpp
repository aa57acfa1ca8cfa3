#include "app/cli/command_support.hpp"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

#include "app/cli/cli.hpp"
#include "app/config/settings.hpp"
#include "app/journal/run_journal.hpp"

namespace edc::cli {

void collect_json_error(Console& console, Error error) {
    if (console.json_errors != nullptr) console.json_errors->push_back(std::move(error));
}

nlohmann::ordered_json errors_json(const std::vector<Error>& errors) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& e : errors) {
        nlohmann::ordered_json item{{"code", e.code}};
        // "file:line:column" (a recipe position) becomes three fields; any other place stays text.
        std::string message = e.message;
        if (!e.where.empty() && message.starts_with(e.where + ": ")) message.erase(0, e.where.size() + 2);
        const auto last = e.where.rfind(':');
        const auto middle =
            last == std::string::npos || last == 0 ? std::string::npos : e.where.rfind(':', last - 1);
        long line = 0;
        long column = 0;
        const auto number = [](std::string_view text, long& v) {
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
        };
        if (middle != std::string::npos && middle > 0 &&
            number(std::string_view(e.where).substr(middle + 1, last - middle - 1), line) &&
            number(std::string_view(e.where).substr(last + 1), column)) {
            item["file"] = e.where.substr(0, middle);
            item["line"] = line;
            item["column"] = column;
        } else if (!e.where.empty()) {
            item["where"] = e.where;
        }
        item["message"] = message;
        list.push_back(std::move(item));
    }
    return {{"errors", std::move(list)}};
}

int usage_error(Console& console, std::string_view command, std::string_view message) {
    collect_json_error(console, Error{"usage", std::string(message), {}});
    console.err << "edc: " << message << '\n';
    console.err << fmt::format("Try 'edc {}--help'.\n",
                               command.empty() ? std::string() : std::string(command) + " ");
    return exit_code::usage;
}

int report_error(Console& console, const Error& error) {
    collect_json_error(console, error);
    if (!error.where.empty() && error.message.find(error.where) == std::string::npos) {
        console.err << fmt::format("edc: {}: {} [{}]\n", error.where, error.message, error.code);
    } else {
        console.err << fmt::format("edc: {} [{}]\n", error.message, error.code);
    }
    return exit_code::failure;
}

std::optional<std::string> single_positional(const ParsedArgs& args, Console& console,
                                             std::string_view command, std::string_view what) {
    if (args.positional.size() != 1) {
        usage_error(console, command,
                    args.positional.empty() ? fmt::format("{}: missing {}", command, what)
                                            : fmt::format("{}: expected one {}, got {} arguments", command,
                                                          what, args.positional.size()));
        return std::nullopt;
    }
    return args.positional.front();
}

std::optional<recipes::Recipe> load_recipe_reported(const std::string& path, Console& console) {
    auto recipe = recipes::load_recipe(path);
    if (!recipe) {
        // The message already reads "file:line:col: what is wrong and what was expected": print it
        // first on the line, as compilers do, so editors can jump to it.
        const auto& e = recipe.error();
        collect_json_error(console, e);
        if (!e.where.empty() && e.message.starts_with(e.where)) {
            console.err << e.message << '\n';
        } else if (!e.where.empty()) {
            console.err << e.where << ": " << e.message << '\n';
        } else {
            console.err << path << ": " << e.message << '\n';
        }
        return std::nullopt;
    }
    return std::move(*recipe);
}

std::string journal_path(const ParsedArgs& args) {
    if (auto db = args.value("--db")) return *db;
    // ~/.config/edc/edc.toml may name the database; a broken config file is reported by
    // `edc config`, and must not stop a run from journaling to the default place.
    if (auto settings = config::load(config::Environment::from_process())) return settings->database.value;
    return journal::RunJournal::default_path();
}

void write_json(std::ostream& out, const nlohmann::ordered_json& j) {
    out << j.dump(2) << '\n';
}

}  // namespace edc::cli
