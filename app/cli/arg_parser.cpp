#include "app/cli/arg_parser.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace edc::cli {

std::optional<std::string> ParsedArgs::value(std::string_view name) const {
    const auto it = options_.find(name);
    if (it == options_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> ParsedArgs::values(std::string_view name) const {
    const auto it = options_.find(name);
    return it == options_.end() ? std::vector<std::string>{} : it->second;
}

namespace {

const OptionSpec* find_spec(std::span<const OptionSpec> spec, std::string_view name) {
    for (const auto& s : spec) {
        if (s.name == name || (!s.alias.empty() && s.alias == name)) return &s;
    }
    return nullptr;
}

}  // namespace

Result<ParsedArgs> parse_args(std::span<const std::string> args, std::span<const OptionSpec> spec,
                              std::string_view command) {
    ParsedArgs parsed;
    bool options_ended = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (options_ended || arg.size() < 2 || arg[0] != '-') {
            parsed.positional.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_ended = true;
            continue;
        }
        std::string_view name = arg;
        std::optional<std::string> inline_value;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
            name = std::string_view(arg).substr(0, eq);
            inline_value = arg.substr(eq + 1);
        }
        const OptionSpec* s = find_spec(spec, name);
        if (s == nullptr) {
            return fail("usage", fmt::format("{}: unknown option '{}'", command, name));
        }
        if (!s->takes_value) {
            if (inline_value)
                return fail("usage", fmt::format("{}: option '{}' takes no value", command, s->name));
            parsed.add(s->name, {});
            continue;
        }
        std::string value;
        if (inline_value) {
            value = *inline_value;
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return fail("usage", fmt::format("{}: option '{}' needs a value", command, name));
        }
        if (!s->repeatable && parsed.has(s->name)) {
            return fail("usage", fmt::format("{}: option '{}' given more than once", command, s->name));
        }
        parsed.add(s->name, std::move(value));
    }
    return parsed;
}

Result<double> parse_number(std::string_view option, std::string_view text) {
    double v = 0.0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc{} || ptr != end || !std::isfinite(v)) {
        return fail("usage", fmt::format("option '{}' expects a number, got '{}'", option, text));
    }
    return v;
}

}  // namespace edc::cli
