// The doctor's system checks against fake /etc, /dev, /sys and /proc trees.
#include <gtest/gtest.h>

#include "app/doctor/doctor.hpp"
#include "tests/app/doctor_fake_root.hpp"

namespace edc::doctor {
namespace {

using test::FakeRoot;

DoctorOptions options_for(const FakeRoot& root) {
    DoctorOptions o;
    o.root = root.path();
    o.user = "alice";
    o.session_groups = std::vector<std::string>{"alice", "dialout"};
    return o;
}

constexpr const char* group_file = "root:x:0:\ndialout:x:20:bob,alice\nalice:x:1000:\n";
constexpr const char* group_file_without_alice = "root:x:0:\ndialout:x:20:bob\nalice:x:1000:\n";

TEST(DoctorGroup, PassesWhenTheSessionHasDialout) {
    FakeRoot root;
    root.write("/etc/group", group_file);
    const Check c = check_group(options_for(root));
    EXPECT_EQ(c.status, Status::ok) << c.message;
    EXPECT_TRUE(c.fix.empty());
}

TEST(DoctorGroup, FailsAndNamesUsermodWhenUserIsNotAMember) {
    FakeRoot root;
    root.write("/etc/group", group_file_without_alice);
    DoctorOptions o = options_for(root);
    o.session_groups = std::vector<std::string>{"alice"};
    const Check c = check_group(o);
    EXPECT_EQ(c.status, Status::fail);
    EXPECT_NE(c.fix.find("sudo usermod -aG dialout alice"), std::string::npos) << c.fix;
}

TEST(DoctorGroup, AsksForANewLoginWhenAddedAfterTheSessionStarted) {
    FakeRoot root;
    root.write("/etc/group", group_file);
    DoctorOptions o = options_for(root);
    o.session_groups = std::vector<std::string>{"alice"};
    const Check c = check_group(o);
    EXPECT_EQ(c.status, Status::fail);
    EXPECT_NE(c.fix.find("log out and in again"), std::string::npos) << c.fix;
    EXPECT_EQ(c.fix.find("usermod"), std::string::npos) << "already a member: usermod would not help";
}

TEST(DoctorGroup, PrimaryGroupCountsAsMembership) {
    FakeRoot root;
    root.write("/etc/group", group_file_without_alice);
    root.write("/etc/passwd", "alice:x:1000:20:Alice:/home/alice:/bin/bash\n");
    DoctorOptions o = options_for(root);
    o.session_groups = std::vector<std::string>{"alice"};
    const Check c = check_group(o);
    // In the file (primary gid 20 = dialout) but not in this session: relogin, not usermod.
    EXPECT_EQ(c.status, Status::fail);
    EXPECT_EQ(c.fix.find("usermod"), std::string::npos) << c.fix;
}

TEST(DoctorGroup, FailsWhenTheGroupDoesNotExist) {
    FakeRoot root;
    root.write("/etc/group", "root:x:0:\n");
    const Check c = check_group(options_for(root));
    EXPECT_EQ(c.status, Status::fail);
    EXPECT_NE(c.fix.find("groupadd"), std::string::npos);
}

TEST(DoctorUdev, FindsRulesInEtcOrLib) {
    FakeRoot etc;
    etc.write("/etc/udev/rules.d/99-edc.rules", "SYMLINK+=\"edc-galvanostat\"\n");
    const Check in_etc = check_udev_rules(options_for(etc));
    EXPECT_EQ(in_etc.status, Status::ok);
    EXPECT_NE(in_etc.message.find("/etc/udev/rules.d/99-edc.rules"), std::string::npos);

    FakeRoot lib;
    lib.write("/lib/udev/rules.d/99-edc.rules", "SYMLINK+=\"edc-pump\"\n");
    const Check in_lib = check_udev_rules(options_for(lib));
    EXPECT_EQ(in_lib.status, Status::ok);
    EXPECT_NE(in_lib.message.find("/lib/udev/rules.d/99-edc.rules"), std::string::npos);
}

TEST(DoctorUdev, FailsWithoutRulesAndSaysHowToReload) {
    FakeRoot root;
    root.write("/etc/udev/rules.d/70-other.rules", "\n");
    const Check c = check_udev_rules(options_for(root));
    EXPECT_EQ(c.status, Status::fail);
    EXPECT_NE(c.fix.find("udevadm control --reload-rules"), std::string::npos) << c.fix;
}

TEST(DoctorDeviceNames, PassWhenBothLinksResolveInsideTheRoot) {
    FakeRoot root;
    root.write("/dev/ttyUSB0", "");
    root.write("/dev/ttyUSB1", "");
    root.link("/dev/edc-galvanostat", "/dev/ttyUSB0");  // absolute: must resolve under the root
    root.link("/dev/edc-pump", "ttyUSB1");              // relative, as udev writes them
    const Check c = check_device_names(options_for(root));
    EXPECT_EQ(c.status, Status::ok) << c.message;
}

TEST(DoctorDeviceNames, FailWhenALinkDangles) {
    FakeRoot root;
    root.write("/dev/ttyUSB0", "");
    root.link("/dev/edc-galvanostat", "ttyUSB0");
    root.link("/dev/edc-pump", "ttyUSB9");
    const Check c = check_device_names(options_for(root));
    EXPECT_EQ(c.status, Status::fail);
    EXPECT_NE(c.message.find("pump /dev/edc-pump"), std::string::npos) << c.message;
    EXPECT_EQ(c.message.find("galvanostat"), std::string::npos) << "the galvanostat link is fine";
}

TEST(DoctorDeviceNames, WarnForAKernelNameThatMayChange) {
    FakeRoot root;
    root.write("/dev/ttyUSB3", "");
    DoctorOptions o = options_for(root);
    o.galvanostat_port = "/dev/ttyUSB3";
    o.pump_port.clear();
    const Check c = check_device_names(o);
    EXPECT_EQ(c.status, Status::warn);
}

TEST(DoctorDeviceNames, SkipANetworkGalvanostatWithoutPump) {
    FakeRoot root;
    DoctorOptions o = options_for(root);
    o.galvanostat_model = "keithley-2450";
    o.galvanostat_port = "tcp://192.168.1.20:5025";
    o.pump_port.clear();
    EXPECT_EQ(check_device_names(o).status, Status::skip);
}

TEST(DoctorLatency, WarnsAt16MillisecondsAndNamesTheDevice) {
    FakeRoot root;
    root.write("/sys/bus/usb-serial/devices/ttyUSB0/latency_timer", "1\n");
    root.write("/sys/bus/usb-serial/devices/ttyUSB1/latency_timer", "16\n");
    const Check c = check_latency_timer(options_for(root));
    EXPECT_EQ(c.status, Status::warn);
    EXPECT_NE(c.message.find("ttyUSB1 16 ms"), std::string::npos) << c.message;
    EXPECT_NE(c.fix.find("/sys/bus/usb-serial/devices/ttyUSB1/latency_timer"), std::string::npos) << c.fix;
}

TEST(DoctorLatency, PassesAtOneMillisecond) {
    FakeRoot root;
    root.write("/sys/bus/usb-serial/devices/ttyUSB0/latency_timer", "1\n");
    EXPECT_EQ(check_latency_timer(options_for(root)).status, Status::ok);
}

TEST(DoctorLatency, SkipsWithoutFtdiAdapters) {
    FakeRoot root;
    root.write("/sys/bus/usb-serial/devices/ttyUSB0/port_number", "0\n");  // a PL2303: no latency timer
    EXPECT_EQ(check_latency_timer(options_for(root)).status, Status::skip);
}

TEST(DoctorModemManager, FailsWhenRunningAndNotToldToIgnore) {
    FakeRoot root;
    root.write("/proc/1/comm", "systemd\n");
    root.write("/proc/734/comm", "ModemManager\n");
    const Check c = check_modemmanager(options_for(root));
    EXPECT_EQ(c.status, Status::fail);
    EXPECT_NE(c.fix.find("ID_MM_DEVICE_IGNORE"), std::string::npos);
}

TEST(DoctorModemManager, PassesWhenTheRulesTellItToIgnoreThePorts) {
    FakeRoot root;
    root.write("/proc/734/comm", "ModemManager\n");
    root.write("/usr/lib/udev/rules.d/99-edc.rules",
               "ENV{EDC_DEVICE}==\"1\", ENV{ID_MM_DEVICE_IGNORE}=\"1\"\n");
    EXPECT_EQ(check_modemmanager(options_for(root)).status, Status::ok);
}

TEST(DoctorModemManager, PassesWhenNotRunning) {
    FakeRoot root;
    root.write("/proc/1/comm", "systemd\n");
    root.write("/proc/self/comm", "ModemManager\n");  // not a pid: ignored
    EXPECT_EQ(check_modemmanager(options_for(root)).status, Status::ok);
}

TEST(DoctorClock, TscPassesHpetWarnsMissingSkips) {
    constexpr const char* path = "/sys/devices/system/clocksource/clocksource0/current_clocksource";
    FakeRoot tsc;
    tsc.write(path, "tsc\n");
    EXPECT_EQ(check_clocksource(options_for(tsc)).status, Status::ok);
    FakeRoot hpet;
    hpet.write(path, "hpet\n");
    const Check slow = check_clocksource(options_for(hpet));
    EXPECT_EQ(slow.status, Status::warn);
    EXPECT_NE(slow.message.find("hpet"), std::string::npos);
    FakeRoot none;
    EXPECT_EQ(check_clocksource(options_for(none)).status, Status::skip);
}

}  // namespace
}  // namespace edc::doctor
