#pragma once
// The user's defaults for edc: built-in values, overridden by ~/.config/edc/edc.toml (XDG),
// overridden by command-line options. Every value remembers where it came from, so
// `edc config` can say why a run would use this database or that port.
//
// edc.toml (every key optional; unknown keys and wrong types are errors with file:line:col):
//   database      = "~/lab/edc.sqlite"      # run journal
//   recipe_folder = "~/lab/recipes"
//   operator      = "A. Person"
//   [ports]
//   galvanostat = "/dev/edc-galvanostat"    # or tcp://host:5025 for a 2450
//   pump        = "/dev/edc-pump"
// "~/" expands to $HOME; a relative path in the file is relative to the file's folder.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"

namespace edc::config {

enum class Origin { built_in, config_file, command_line };

[[nodiscard]] std::string_view to_string(Origin o) noexcept;  // "default", "config file", "command line"

struct Value {
    std::string value;
    Origin origin = Origin::built_in;
    std::string where;  // "$XDG_DATA_HOME/edc/edc.sqlite", "/home/a/.config/edc/edc.toml:3:1", "--db"
};

struct Settings {
    Value database;          // SQLite run journal
    Value recipe_folder;     // where recipes are looked for and saved
    Value galvanostat_port;  // device path (2400) or tcp://host:port (2450)
    Value pump_port;
    Value operator_name;      // recorded with each run
    std::string config_file;  // the file that was read (or would be), for `edc config`
    bool config_file_found = false;
};

// One setting: its key in edc.toml, the command-line option that overrides it, and what it is.
struct SettingKey {
    std::string_view key;      // "ports.galvanostat"
    std::string_view option;   // "--galvanostat-port"
    std::string_view meaning;  // "galvanostat port (device path or tcp://host:port)"
    Value Settings::*member;
    bool is_path;  // "~/" is expanded
};

[[nodiscard]] std::span<const SettingKey> setting_keys() noexcept;
[[nodiscard]] const SettingKey* find_key(std::string_view key_or_option) noexcept;

// What the defaults depend on. from_process() reads HOME, XDG_CONFIG_HOME, XDG_DATA_HOME and
// USER (HOME and the user name fall back to the password database).
struct Environment {
    std::string home;
    std::string xdg_config_home;  // ignored unless absolute (XDG Base Directory spec)
    std::string xdg_data_home;
    std::string user;
    [[nodiscard]] static Environment from_process();
};

// $XDG_CONFIG_HOME/edc/edc.toml, else $HOME/.config/edc/edc.toml.
[[nodiscard]] std::string config_file_path(const Environment& env);
// The built-in defaults; the database is where RunJournal::default_path() puts it.
[[nodiscard]] Settings defaults(const Environment& env);

// A command-line value: key or option name ("--db" or "database") and the value given.
struct Override {
    std::string key;
    std::string value;
};

// Defaults, then the config file (`file`, or config_file_path(env) when empty; a missing file
// is not an error), then the overrides in order. Errors: "config_invalid" (syntax, unknown
// key, wrong type; message and where name file:line:col), "config_unreadable",
// "config_unknown_option" (an override naming no setting: a bug in the caller).
[[nodiscard]] Result<Settings> load(const Environment& env, std::span<const Override> overrides = {},
                                    const std::string& file = {});

// Applies the text of a config file (named `file_name` in errors and origins) over `base`.
[[nodiscard]] Result<Settings> apply_config_text(Settings base, std::string_view text,
                                                 const std::string& file_name, const Environment& env);

// "~/x" -> "$HOME/x"; other paths unchanged.
[[nodiscard]] std::string expand_home(std::string_view path, const Environment& env);

}  // namespace edc::config
