// edc.toml defaults, file values and command-line overrides, and where each came from.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "app/config/settings.hpp"
#include "app/config/settings_report.hpp"
#include "app/journal/run_journal.hpp"
#include "tests/app/doctor_fake_root.hpp"

namespace edc::config {
namespace {

using doctor::test::FakeRoot;  // a temporary folder

Environment alice() {
    return Environment{"/home/alice", "", "", "alice"};
}

TEST(ConfigDefaults, FollowTheXdgBaseDirectories) {
    Environment env = alice();
    env.xdg_data_home = "/srv/data";
    env.xdg_config_home = "/srv/conf";
    const Settings s = defaults(env);
    EXPECT_EQ(s.database.value, "/srv/data/edc/edc.sqlite");
    EXPECT_EQ(s.recipe_folder.value, "/srv/data/edc/recipes");
    EXPECT_EQ(s.database.origin, Origin::built_in);
    EXPECT_EQ(config_file_path(env), "/srv/conf/edc/edc.toml");
}

TEST(ConfigDefaults, FallBackToHomeWhenXdgIsUnsetOrRelative) {
    Environment env = alice();
    env.xdg_data_home = "relative/data";  // the spec says: ignore
    env.xdg_config_home = "relative/conf";
    const Settings s = defaults(env);
    EXPECT_EQ(s.database.value, "/home/alice/.local/share/edc/edc.sqlite");
    EXPECT_EQ(config_file_path(env), "/home/alice/.config/edc/edc.toml");
    EXPECT_EQ(s.galvanostat_port.value, "/dev/edc-galvanostat");
    EXPECT_EQ(s.pump_port.value, "/dev/edc-pump");
    EXPECT_EQ(s.operator_name.value, "alice");
}

TEST(ConfigDefaults, DatabaseIsWhereTheJournalPutsItByDefault) {
    EXPECT_EQ(defaults(Environment::from_process()).database.value, journal::RunJournal::default_path());
}

TEST(ConfigFile, AMissingFileLeavesTheDefaults) {
    FakeRoot dir;
    const auto s = load(alice(), {}, (dir.path() / "edc.toml").string());
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_FALSE(s->config_file_found);
    EXPECT_EQ(s->database.origin, Origin::built_in);
}

TEST(ConfigFile, ValuesOverrideDefaultsAndNameTheirLine) {
    FakeRoot dir;
    const std::string file = (dir.path() / "edc.toml").string();
    dir.write("/edc.toml",
              "# bench 3\n"
              "database = \"/lab/edc.sqlite\"\n"
              "operator = \"J. Doe\"\n"
              "[ports]\n"
              "pump = \"/dev/ttyUSB1\"\n");
    const auto s = load(alice(), {}, file);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_TRUE(s->config_file_found);
    EXPECT_EQ(s->database.value, "/lab/edc.sqlite");
    EXPECT_EQ(s->database.origin, Origin::config_file);
    EXPECT_TRUE(s->database.where.starts_with(file + ":2:")) << s->database.where;
    EXPECT_EQ(s->operator_name.value, "J. Doe");
    EXPECT_EQ(s->pump_port.value, "/dev/ttyUSB1");
    EXPECT_TRUE(s->pump_port.where.starts_with(file + ":5:")) << s->pump_port.where;
    EXPECT_EQ(s->galvanostat_port.origin, Origin::built_in);
}

TEST(ConfigFile, TildeIsHomeAndRelativePathsStartAtTheFilesFolder) {
    const auto s =
        apply_config_text(defaults(alice()), "database = \"~/j/edc.sqlite\"\nrecipe_folder = \"recipes\"\n",
                          "/etc/xdg/edc/edc.toml", alice());
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->database.value, "/home/alice/j/edc.sqlite");
    EXPECT_EQ(s->recipe_folder.value, "/etc/xdg/edc/recipes");
}

TEST(ConfigFile, AnUnknownKeyIsRejectedWithItsPosition) {
    const auto s = apply_config_text(defaults(alice()), "\ndatabse = \"/x\"\n", "edc.toml", alice());
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, "config_invalid");
    EXPECT_EQ(s.error().where, "edc.toml:2:1") << "points at the key, not its value";
    EXPECT_NE(s.error().message.find("databse"), std::string::npos);
    EXPECT_NE(s.error().message.find("ports.galvanostat"), std::string::npos) << "lists what is known";
}

TEST(ConfigFile, AnUnknownPortRoleIsRejected) {
    const auto s =
        apply_config_text(defaults(alice()), "[ports]\nthermostat = \"/dev/ttyS0\"\n", "edc.toml", alice());
    ASSERT_FALSE(s.has_value());
    EXPECT_NE(s.error().message.find("ports.thermostat"), std::string::npos) << s.error().message;
}

TEST(ConfigFile, ANumberWhereAStringBelongsIsRejected) {
    const auto s = apply_config_text(defaults(alice()), "operator = 3\n", "edc.toml", alice());
    ASSERT_FALSE(s.has_value());
    EXPECT_TRUE(s.error().where.starts_with("edc.toml:1:")) << s.error().where;
}

TEST(ConfigFile, ASyntaxErrorNamesItsLine) {
    const auto s = apply_config_text(defaults(alice()), "database = \"/a\"\n[ports\n", "edc.toml", alice());
    ASSERT_FALSE(s.has_value());
    EXPECT_TRUE(s.error().where.starts_with("edc.toml:2:")) << s.error().where;
}

TEST(ConfigOverrides, CommandLineBeatsTheFileAndSaysWhichOption) {
    FakeRoot dir;
    dir.write("/edc.toml", "database = \"/lab/edc.sqlite\"\n[ports]\ngalvanostat = \"/dev/ttyUSB0\"\n");
    const Override cli[] = {{"--db", "~/scratch.sqlite"}, {"ports.galvanostat", "tcp://10.0.0.5:5025"}};
    const auto s = load(alice(), cli, (dir.path() / "edc.toml").string());
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->database.value, "/home/alice/scratch.sqlite");
    EXPECT_EQ(s->database.origin, Origin::command_line);
    EXPECT_EQ(s->database.where, "--db");
    EXPECT_EQ(s->galvanostat_port.value, "tcp://10.0.0.5:5025");
    EXPECT_EQ(s->galvanostat_port.where, "--galvanostat-port");
}

TEST(ConfigOverrides, AnOverrideForNoSettingIsAnError) {
    const Override cli[] = {{"--speed", "10"}};
    const auto s = load(alice(), cli, "/nonexistent/edc.toml");
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, "config_unknown_option");
}

TEST(ConfigReport, TextNamesEachOriginAndJsonParses) {
    Settings s = defaults(alice());
    s.pump_port = {"/dev/ttyUSB1", Origin::command_line, "--pump-port"};
    std::ostringstream text;
    print_settings(s, text);
    EXPECT_NE(text.str().find("(command line: --pump-port)"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("(default: ~/.local/share/edc/edc.sqlite)"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("not present"), std::string::npos) << text.str();

    std::ostringstream json;
    print_settings_json(s, json);
    const auto j = nlohmann::json::parse(json.str());
    EXPECT_EQ(j.at("settings").at("ports.pump").at("origin"), "command line");
    EXPECT_EQ(j.at("settings").at("ports.pump").at("value"), "/dev/ttyUSB1");
    EXPECT_EQ(j.at("settings").at("database").at("option"), "--db");
    EXPECT_EQ(j.at("settings").size(), setting_keys().size());
}

}  // namespace
}  // namespace edc::config
