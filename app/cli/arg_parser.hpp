#pragma once
// Hand-written option parsing for the subcommands: "--name value", "--name=value", "-o value",
// flags, repeatable options and "--" to end options. An option a command does not know, or one
// missing its value, is a usage error that names the option.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"

namespace edc::cli {

struct OptionSpec {
    std::string_view name;   // "--json"
    std::string_view alias;  // "-o", or empty
    bool takes_value = false;
    bool repeatable = false;  // may be given more than once (values accumulate)
};

class ParsedArgs {
public:
    std::vector<std::string> positional;

    [[nodiscard]] bool has(std::string_view name) const { return options_.find(name) != options_.end(); }
    // The value of a single-valued option.
    [[nodiscard]] std::optional<std::string> value(std::string_view name) const;
    [[nodiscard]] std::vector<std::string> values(std::string_view name) const;
    void add(std::string_view name, std::string value) {
        options_[std::string(name)].push_back(std::move(value));
    }

private:
    std::map<std::string, std::vector<std::string>, std::less<>> options_;
};

// Errors have code "usage" and a message naming the option, prefixed by `command`.
[[nodiscard]] Result<ParsedArgs> parse_args(std::span<const std::string> args,
                                            std::span<const OptionSpec> spec, std::string_view command);

// A finite number; "usage" error naming the option otherwise.
[[nodiscard]] Result<double> parse_number(std::string_view option, std::string_view text);

}  // namespace edc::cli
