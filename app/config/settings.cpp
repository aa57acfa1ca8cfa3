#include "app/config/settings.hpp"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/config/passwd_entry.hpp"

namespace edc::config {
namespace {

constexpr std::array keys{
    SettingKey{"database", "--db", "run journal (SQLite file)", &Settings::database, true},
    SettingKey{"recipe_folder", "--recipes", "recipe folder", &Settings::recipe_folder, true},
    SettingKey{"ports.galvanostat", "--galvanostat-port", "galvanostat port (device path or tcp://host:port)",
               &Settings::galvanostat_port, false},
    SettingKey{"ports.pump", "--pump-port", "syringe pump port (device path)", &Settings::pump_port, false},
    SettingKey{"operator", "--operator", "operator recorded with each run", &Settings::operator_name, false},
};

constexpr std::size_t max_config_bytes = std::size_t{64} * 1024;

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::string(v) : std::string();
}

bool absolute(const std::string& p) {
    return !p.empty() && p.front() == '/';
}

// The XDG base for data files and how to describe it in `edc config`.
std::pair<std::filesystem::path, std::string> data_home(const Environment& env) {
    if (absolute(env.xdg_data_home)) return {env.xdg_data_home, "$XDG_DATA_HOME"};
    return {std::filesystem::path(env.home) / ".local" / "share", "~/.local/share"};
}

}  // namespace

std::string_view to_string(Origin o) noexcept {
    switch (o) {
        case Origin::built_in:
            return "default";
        case Origin::config_file:
            return "config file";
        case Origin::command_line:
            return "command line";
    }
    return "default";
}

std::span<const SettingKey> setting_keys() noexcept {
    return keys;
}

const SettingKey* find_key(std::string_view key_or_option) noexcept {
    for (const SettingKey& k : keys) {
        if (k.key == key_or_option || k.option == key_or_option) return &k;
    }
    return nullptr;
}

Environment Environment::from_process() {
    Environment env;
    env.home = env_or_empty("HOME");
    env.xdg_config_home = env_or_empty("XDG_CONFIG_HOME");
    env.xdg_data_home = env_or_empty("XDG_DATA_HOME");
    env.user = env_or_empty("USER");
    if (env.home.empty() || env.user.empty()) {
        if (auto entry = passwd_entry(::geteuid())) {
            if (env.home.empty()) env.home = entry->home;
            if (env.user.empty()) env.user = entry->name;
        }
    }
    if (env.home.empty()) env.home = "/tmp";  // as RunJournal::default_path() does
    return env;
}

std::string config_file_path(const Environment& env) {
    const std::filesystem::path base = absolute(env.xdg_config_home)
                                           ? std::filesystem::path(env.xdg_config_home)
                                           : std::filesystem::path(env.home) / ".config";
    return (base / "edc" / "edc.toml").string();
}

std::string expand_home(std::string_view path, const Environment& env) {
    if (path == "~") return env.home;
    if (path.starts_with("~/")) return (std::filesystem::path(env.home) / path.substr(2)).string();
    return std::string(path);
}

Settings defaults(const Environment& env) {
    const auto [data, data_name] = data_home(env);
    Settings s;
    s.database = {(data / "edc" / "edc.sqlite").string(), Origin::built_in, data_name + "/edc/edc.sqlite"};
    s.recipe_folder = {(data / "edc" / "recipes").string(), Origin::built_in, data_name + "/edc/recipes"};
    s.galvanostat_port = {"/dev/edc-galvanostat", Origin::built_in, "udev name from 99-edc.rules"};
    s.pump_port = {"/dev/edc-pump", Origin::built_in, "udev name from 99-edc.rules"};
    s.operator_name = {env.user, Origin::built_in, "login name"};
    s.config_file = config_file_path(env);
    return s;
}

Result<Settings> load(const Environment& env, std::span<const Override> overrides, const std::string& file) {
    Settings s = defaults(env);
    const std::string path = file.empty() ? s.config_file : file;
    s.config_file = path;

    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            return fail("config_unreadable", path + ": cannot open the config file (check its permissions)",
                        path);
        std::ostringstream text;
        text << in.rdbuf();
        if (in.bad()) return fail("config_unreadable", path + ": read error", path);
        if (text.str().size() > max_config_bytes) {
            return fail("config_invalid", path + ": larger than 64 KiB; expected a short list of settings",
                        path);
        }
        auto merged = apply_config_text(std::move(s), text.str(), path, env);
        if (!merged) return merged;
        s = std::move(*merged);
        s.config_file_found = true;
    }

    for (const Override& o : overrides) {
        const SettingKey* k = find_key(o.key);
        if (k == nullptr) {
            return fail("config_unknown_option", "no setting is named '" + o.key + "' (a bug in the caller)",
                        o.key);
        }
        s.*(k->member) = {k->is_path ? expand_home(o.value, env) : o.value, Origin::command_line,
                          std::string(k->option)};
    }
    return s;
}

}  // namespace edc::config
