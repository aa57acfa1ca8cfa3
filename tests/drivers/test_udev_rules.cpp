// Guards udev/99-edc.rules: well-formed rule lines, stable names, and never world-writable.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>
#include "edc/test_source_dir.hpp"

namespace {

std::string rules_path() {
    return std::string(EDC_SOURCE_DIR) + "/udev/99-edc.rules";
}

// Rule lines with backslash continuations joined; comments and blank lines dropped.
std::vector<std::string> rule_lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line, pending;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\\') {
            pending += line.substr(0, line.size() - 1);
            continue;
        }
        pending += line;
        const auto first = pending.find_first_not_of(" \t");
        if (first != std::string::npos && pending[first] != '#') out.push_back(pending.substr(first));
        pending.clear();
    }
    return out;
}

std::string read_rules() {
    std::ifstream in(rules_path());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST(UdevRules, FileExists) {
    EXPECT_FALSE(read_rules().empty()) << rules_path();
}

TEST(UdevRules, EveryKeyIsAKnownKeyWithAValidOperatorAndQuotedValue) {
    // KEY{attr}OP"value" separated by commas; match keys use == or !=, assignments = += :=.
    const std::regex token(R"re(\s*([A-Z_]+)(\{[A-Za-z0-9_:.]+\})?\s*(==|!=|\+=|:=|=)\s*"([^"]*)"\s*)re");
    const std::set<std::string> keys{"ACTION",  "SUBSYSTEM", "SUBSYSTEMS", "KERNEL", "KERNELS", "DRIVER",
                                     "DRIVERS", "ATTR",      "ATTRS",      "ENV",    "SYMLINK", "GROUP",
                                     "MODE",    "OWNER",     "GOTO",       "LABEL",  "TAG",     "RUN"};
    for (const auto& line : rule_lines(read_rules())) {
        std::size_t pos = 0;
        while (pos < line.size()) {
            const auto comma = line.find(',', pos);
            const auto field = line.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
            std::smatch m;
            ASSERT_TRUE(std::regex_match(field, m, token)) << "bad field '" << field << "' in: " << line;
            EXPECT_TRUE(keys.count(m[1])) << "unknown key " << m[1] << " in: " << line;
            const std::string op = m[3];
            const bool match_key = m[1] == "ACTION" || m[1] == "SUBSYSTEM" || m[1] == "KERNELS" ||
                                   m[1] == "DRIVER" || m[1] == "ATTRS" || m[1] == "SUBSYSTEMS";
            if (match_key) {
                EXPECT_TRUE(op == "==" || op == "!=") << "assignment to match key in: " << line;
            }
            if (comma == std::string::npos) break;
            pos = comma + 1;
        }
    }
}

TEST(UdevRules, NothingIsWorldWritable) {
    const std::regex mode(R"re(MODE\s*:?=\s*"([0-7]+)")re");
    const auto text = read_rules();
    int modes = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), mode), end; it != end; ++it) {
        ++modes;
        const int m = std::stoi((*it)[1].str(), nullptr, 8);
        EXPECT_EQ(m & 0002, 0) << "world-writable MODE " << (*it)[1];
        EXPECT_EQ(m & 0004, 0) << "world-readable MODE " << (*it)[1];
    }
    EXPECT_GT(modes, 0);
    EXPECT_EQ(text.find("0666"), std::string::npos);
    EXPECT_EQ(text.find("0777"), std::string::npos);
}

TEST(UdevRules, AccessGoesToDialoutAndModemManagerIgnoresOurPorts) {
    const auto text = read_rules();
    EXPECT_NE(text.find("GROUP=\"dialout\""), std::string::npos);
    EXPECT_NE(text.find("MODE=\"0660\""), std::string::npos);
    EXPECT_NE(text.find("ENV{ID_MM_DEVICE_IGNORE}=\"1\""), std::string::npos);
}

TEST(UdevRules, StableNamesForBothInstrumentsAndFtdiLatency) {
    const auto text = read_rules();
    EXPECT_NE(text.find("SYMLINK+=\"edc-galvanostat\""), std::string::npos);
    EXPECT_NE(text.find("SYMLINK+=\"edc-pump\""), std::string::npos);
    EXPECT_NE(text.find("ATTR{latency_timer}=\"1\""), std::string::npos);
}

TEST(UdevRules, EveryDeviceMatchHasVendorProductAndSerialOrPortPath) {
    for (const auto& line : rule_lines(read_rules())) {
        if (line.find("SYMLINK") == std::string::npos) continue;
        EXPECT_NE(line.find("ATTRS{idVendor}=="), std::string::npos) << line;
        EXPECT_NE(line.find("ATTRS{idProduct}=="), std::string::npos) << line;
        const bool serial = line.find("ATTRS{serial}==") != std::string::npos;
        const bool port = line.find("KERNELS==") != std::string::npos;
        EXPECT_TRUE(serial || port) << line;
    }
}

TEST(UdevRules, GotoTargetsHaveLabels) {
    const auto text = read_rules();
    const std::regex go(R"re(GOTO="([^"]+)")re");
    for (std::sregex_iterator it(text.begin(), text.end(), go), end; it != end; ++it) {
        EXPECT_NE(text.find("LABEL=\"" + (*it)[1].str() + "\""), std::string::npos) << (*it)[1];
    }
}
