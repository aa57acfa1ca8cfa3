// Reading edc.toml: every key known, every value a string, errors at file:line:col.
#include <filesystem>
#include <string>

#include "app/config/settings.hpp"
#include "control/text.hpp"
#include "recipes/format/toml.hpp"
#include "recipes/format/toml_guard.hpp"

namespace edc::config {
namespace {

std::string position(const std::string& file, const toml::source_region& where) {
    const auto line = where.begin.line > 0 ? where.begin.line : 1;
    const auto column = where.begin.column > 0 ? where.begin.column : 1;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string known_keys() {
    std::string list;
    for (const SettingKey& k : setting_keys()) {
        if (!list.empty()) list += ", ";
        list += k.key;
    }
    return list;
}

// A value from the file, resolved: "~/" expanded, relative paths taken from the file's folder.
std::string resolve(const SettingKey& k, const std::string& text, const std::string& file,
                    const Environment& env) {
    if (!k.is_path) return text;
    std::string path = expand_home(text, env);
    if (!path.empty() && path.front() != '/') {
        path = (std::filesystem::path(file).parent_path() / path).lexically_normal().string();
    }
    return path;
}

Result<void> apply_value(Settings& s, const std::string& dotted, const toml::key& key, const toml::node& node,
                         const std::string& file, const Environment& env) {
    const std::string at = position(file, node.source());
    const SettingKey* k = find_key(dotted);
    if (k == nullptr || dotted.starts_with("--")) {
        const std::string key_at = position(file, key.source());
        return fail("config_invalid",
                    key_at + ": unknown setting '" + dotted + "'; expected one of " + known_keys(), key_at);
    }
    const auto* text = node.as_string();
    if (text == nullptr) {
        return fail("config_invalid", at + ": " + dotted + " must be a string in quotes", at);
    }
    if (text->get().empty() && k->member != &Settings::operator_name) {
        return fail("config_invalid", at + ": " + dotted + " is empty; expected " + std::string(k->meaning),
                    at);
    }
    s.*(k->member) = {resolve(*k, text->get(), file, env), Origin::config_file, at};
    return {};
}

}  // namespace

Result<Settings> apply_config_text(Settings base, std::string_view text, const std::string& file_name,
                                   const Environment& env) {
    if (const auto unsafe = recipes::detail::find_unsafe_text(text)) {
        const std::string at =
            file_name + ":" + std::to_string(unsafe->line) + ":" + std::to_string(unsafe->column);
        return fail("config_invalid", at + ": " + unsafe->what, at);
    }
    toml::table root;
    try {
        root = toml::parse(text, file_name);
    } catch (const toml::parse_error& e) {
        const std::string at = position(file_name, e.source());
        return fail("config_invalid", at + ": TOML syntax error: " + std::string(e.description()), at);
    }
    for (auto&& [key, node] : root) {
        const std::string name(key.str());
        if (const toml::table* section = node.as_table(); section != nullptr && name == "ports") {
            for (auto&& [sub, value] : *section) {
                if (auto ok =
                        apply_value(base, name + "." + std::string(sub.str()), sub, value, file_name, env);
                    !ok) {
                    return std::unexpected(ok.error());
                }
            }
            continue;
        }
        if (name.find('.') != std::string::npos) {
            const std::string at = position(file_name, key.source());
            return fail("config_invalid",
                        strf("%s: unknown setting '%s'; expected one of %s", at.c_str(), name.c_str(),
                             known_keys().c_str()),
                        at);
        }
        if (auto ok = apply_value(base, name, key, node, file_name, env); !ok)
            return std::unexpected(ok.error());
    }
    return base;
}

}  // namespace edc::config
