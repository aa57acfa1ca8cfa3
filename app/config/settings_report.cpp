#include "app/config/settings_report.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace edc::config {

void print_settings(const Settings& s, std::ostream& out) {
    out << "config file: " << s.config_file << (s.config_file_found ? "" : " (not present: defaults apply)")
        << '\n';
    std::size_t key_width = 0;
    std::size_t value_width = 0;
    for (const SettingKey& k : setting_keys()) {
        key_width = std::max(key_width, k.key.size());
        value_width = std::max(value_width, (s.*(k.member)).value.size());
    }
    for (const SettingKey& k : setting_keys()) {
        const Value& v = s.*(k.member);
        std::string line(k.key);
        line.resize(key_width + 2, ' ');
        std::string value = v.value.empty() ? std::string("\"\"") : v.value;
        value.resize(std::max(value.size(), value_width + 2), ' ');
        line += value;
        line.append("(").append(to_string(v.origin)).append(": ").append(v.where).append(")");
        out << line << '\n';
    }
}

void print_settings_json(const Settings& s, std::ostream& out) {
    nlohmann::json settings = nlohmann::json::object();
    for (const SettingKey& k : setting_keys()) {
        const Value& v = s.*(k.member);
        settings[std::string(k.key)] = {{"value", v.value},
                                        {"origin", std::string(to_string(v.origin))},
                                        {"where", v.where},
                                        {"option", std::string(k.option)}};
    }
    const nlohmann::json j{
        {"config_file", s.config_file}, {"config_file_found", s.config_file_found}, {"settings", settings}};
    out << j.dump(2) << '\n';
}

}  // namespace edc::config
