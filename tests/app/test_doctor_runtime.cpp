// The doctor's instrument, database and real-time checks, and its report and exit code.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "app/doctor/doctor.hpp"
#include "app/journal/run_journal.hpp"
#include "tests/app/doctor_fake_root.hpp"

namespace edc::doctor {
namespace {

using test::FakeRoot;

DoctorOptions options_for(const FakeRoot& root) {
    DoctorOptions o;
    o.root = root.path();
    o.user = "alice";
    o.session_groups = std::vector<std::string>{"alice", "dialout"};
    o.realtime = [](int) { return RealtimeProbe{true, 0, std::nullopt}; };
    return o;
}

void set_user_version(const std::string& path, int version) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const std::string sql = "PRAGMA user_version = " + std::to_string(version);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
}

void plug_in_both(const FakeRoot& root) {
    root.write("/dev/edc-galvanostat", "");
    root.write("/dev/edc-pump", "");
}

TEST(DoctorInstruments, PassWhenBothAnswer) {
    FakeRoot root;
    plug_in_both(root);
    DoctorOptions o = options_for(root);
    std::vector<std::string> asked;
    o.probe = [&](const ProbeRequest& r) -> Result<std::string> {
        asked.push_back(r.role + " " + r.model + " " + r.port);
        return r.role == "pump" ? std::string("NE1000V3.928")
                                : std::string("KEITHLEY INSTRUMENTS INC.,MODEL 2400");
    };
    const Check c = check_instruments(o);
    EXPECT_EQ(c.status, Status::ok) << c.message;
    EXPECT_NE(c.message.find("NE1000V3.928"), std::string::npos);
    EXPECT_EQ(asked, (std::vector<std::string>{"galvanostat keithley-2400 /dev/edc-galvanostat",
                                               "pump ne-1000 /dev/edc-pump"}));
}

TEST(DoctorInstruments, FailNamingTheSilentOneAndItsError) {
    FakeRoot root;
    plug_in_both(root);
    DoctorOptions o = options_for(root);
    o.probe = [](const ProbeRequest& r) -> Result<std::string> {
        if (r.role == "pump") return fail("timeout", "no reply within 1000 ms", r.port);
        return std::string("KEITHLEY INSTRUMENTS INC.,MODEL 2400");
    };
    const Check c = check_instruments(o);
    EXPECT_EQ(c.status, Status::fail);
    EXPECT_NE(c.message.find("pump (ne-1000) on /dev/edc-pump: no reply within 1000 ms"), std::string::npos)
        << c.message;
    EXPECT_FALSE(c.fix.empty());
}

TEST(DoctorInstruments, AMissingDeviceIsNotOpened) {
    FakeRoot root;
    root.write("/dev/edc-galvanostat", "");
    DoctorOptions o = options_for(root);
    std::vector<std::string> asked;
    o.probe = [&](const ProbeRequest& r) -> Result<std::string> {
        asked.push_back(r.role);
        return std::string("KEITHLEY INSTRUMENTS INC.,MODEL 2400");
    };
    const Check c = check_instruments(o);
    EXPECT_EQ(c.status, Status::fail);
    EXPECT_NE(c.message.find("pump (ne-1000) on /dev/edc-pump: no such device"), std::string::npos)
        << c.message;
    EXPECT_EQ(asked, std::vector<std::string>{"galvanostat"});
}

TEST(DoctorInstruments, SkippedWithoutAProber) {
    FakeRoot root;
    EXPECT_EQ(check_instruments(options_for(root)).status, Status::skip);
}

TEST(DoctorInstruments, NotAskedWhileARunHoldsItsLock) {
    FakeRoot root;
    plug_in_both(root);
    DoctorOptions o = options_for(root);
    o.database_path = (root.path() / "edc.sqlite").string();
    std::filesystem::create_directories(o.database_path + ".locks");
    const std::string lock = o.database_path + ".locks/run-42.lock";
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
    int calls = 0;
    o.probe = [&](const ProbeRequest&) -> Result<std::string> {
        ++calls;
        return std::string("x");
    };
    const Check c = check_instruments(o);
    ::close(fd);
    EXPECT_EQ(c.status, Status::skip);
    EXPECT_NE(c.message.find("run 42"), std::string::npos) << c.message;
    EXPECT_EQ(calls, 0) << "a running deposition's ports must not be written to";
}

TEST(DoctorInstruments, AStaleLockFileDoesNotBlockTheProbe) {
    FakeRoot root;
    DoctorOptions o = options_for(root);
    o.database_path = (root.path() / "edc.sqlite").string();
    root.write((std::filesystem::path(o.database_path + ".locks") / "run-7.lock").string(), "");
    EXPECT_FALSE(active_run(o.database_path).has_value());
}

TEST(DoctorDatabase, ANewFileInAWritableFolderPasses) {
    FakeRoot root;
    DoctorOptions o = options_for(root);
    o.database_path = (root.path() / "not/yet/edc.sqlite").string();
    const Check c = check_database(o);
    EXPECT_EQ(c.status, Status::ok) << c.message;
    EXPECT_NE(c.message.find("will be created"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(root.path() / "not")) << "the doctor must not create anything";
}

TEST(DoctorDatabase, FailsWhenAFileIsInTheWay) {
    FakeRoot root;
    root.write("/home/alice/data", "a file, not a folder");
    DoctorOptions o = options_for(root);
    o.database_path = root.at("/home/alice/data/edc/edc.sqlite").string();
    const Check c = check_database(o);
    EXPECT_EQ(c.status, Status::fail);
    EXPECT_NE(c.fix.find("--db"), std::string::npos);
}

TEST(DoctorDatabase, AJournalOfThisBuildIsCurrent) {
    FakeRoot root;
    DoctorOptions o = options_for(root);
    o.database_path = (root.path() / "edc.sqlite").string();
    ASSERT_TRUE(journal::RunJournal::open(o.database_path).has_value());
    const Check c = check_database(o);
    EXPECT_EQ(c.status, Status::ok) << c.message;
    EXPECT_NE(c.message.find("schema " + std::to_string(journal::journal_schema_version) + " (current)"),
              std::string::npos)
        << c.message;
}

TEST(DoctorDatabase, ANewerSchemaFails) {
    FakeRoot root;
    DoctorOptions o = options_for(root);
    o.database_path = (root.path() / "edc.sqlite").string();
    set_user_version(o.database_path, journal::journal_schema_version + 1);
    const Check c = check_database(o);
    EXPECT_EQ(c.status, Status::fail);
    EXPECT_NE(c.message.find("newer"), std::string::npos) << c.message;
}

TEST(DoctorDatabase, AnOlderSchemaWarnsAndIsLeftAlone) {
    FakeRoot root;
    DoctorOptions o = options_for(root);
    o.database_path = (root.path() / "edc.sqlite").string();
    set_user_version(o.database_path, journal::journal_schema_version - 1);
    EXPECT_EQ(check_database(o).status, Status::warn);
    EXPECT_EQ(check_database(o).status, Status::warn) << "read-only: the first check did not migrate it";
}

TEST(DoctorDatabase, AFileThatIsNotSqliteFails) {
    FakeRoot root;
    DoctorOptions o = options_for(root);
    o.database_path = (root.path() / "edc.sqlite").string();
    root.write("/edc.sqlite", std::string(4096, 'x'));
    EXPECT_EQ(check_database(o).status, Status::fail);
}

TEST(DoctorRealtime, DeniedFifoWarnsWithTheLimitsLine) {
    FakeRoot root;
    DoctorOptions o = options_for(root);
    int asked_priority = 0;
    o.realtime = [&](int priority) {
        asked_priority = priority;
        return RealtimeProbe{false, EPERM, std::uint64_t{8} << 20};
    };
    const Check c = check_realtime(o);
    EXPECT_EQ(c.status, Status::warn);
    EXPECT_EQ(asked_priority, 80);
    EXPECT_NE(c.fix.find("@dialout - rtprio 90"), std::string::npos) << c.fix;
    EXPECT_NE(c.fix.find("memlock"), std::string::npos) << c.fix;
    EXPECT_NE(c.message.find("8 MiB"), std::string::npos) << c.message;
}

TEST(DoctorRealtime, TheRealProbeLeavesTheCallerThreadAlone) {
    int policy_before = -1;
    sched_param before{};
    ASSERT_EQ(pthread_getschedparam(pthread_self(), &policy_before, &before), 0);
    const RealtimeProbe p = probe_realtime(1);
    int policy_after = -1;
    sched_param after{};
    ASSERT_EQ(pthread_getschedparam(pthread_self(), &policy_after, &after), 0);
    EXPECT_EQ(policy_after, policy_before);
    if (!p.fifo_granted) {
        EXPECT_NE(p.fifo_errno, 0);
    }
}

// A bench where everything is right, then one thing wrong at a time.
void healthy_bench(const FakeRoot& root) {
    root.write("/etc/group", "dialout:x:20:alice\n");
    root.write("/etc/udev/rules.d/99-edc.rules",
               "SYMLINK+=\"edc-galvanostat\"\nSYMLINK+=\"edc-pump\"\nENV{ID_MM_DEVICE_IGNORE}=\"1\"\n");
    root.write("/dev/ttyUSB0", "");
    root.write("/dev/ttyUSB1", "");
    root.link("/dev/edc-galvanostat", "ttyUSB0");
    root.link("/dev/edc-pump", "ttyUSB1");
    root.write("/sys/bus/usb-serial/devices/ttyUSB0/latency_timer", "1\n");
    root.write("/proc/734/comm", "ModemManager\n");
    root.write("/sys/devices/system/clocksource/clocksource0/current_clocksource", "tsc\n");
}

DoctorOptions healthy_options(const FakeRoot& root) {
    DoctorOptions o = options_for(root);
    o.database_path = (root.path() / "journal/edc.sqlite").string();
    o.probe = [](const ProbeRequest& r) -> Result<std::string> { return "answer from " + r.role; };
    return o;
}

TEST(DoctorReport, AHealthyBenchExitsZeroWithOneLinePerCheck) {
    FakeRoot root;
    healthy_bench(root);
    std::ostringstream out;
    EXPECT_EQ(run(healthy_options(root), out), 0) << out.str();
    std::istringstream lines(out.str());
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) ++count;
    EXPECT_EQ(count, 9 + 1) << out.str();  // nine checks and the summary, no fix lines
    EXPECT_NE(out.str().find("all checks passed"), std::string::npos);
}

TEST(DoctorReport, OneFailureMakesTheExitCodeNonZeroAndPrintsItsFix) {
    FakeRoot root;
    healthy_bench(root);
    std::filesystem::remove(root.at("/dev/edc-pump"));
    std::ostringstream out;
    EXPECT_EQ(run(healthy_options(root), out), 1);
    EXPECT_NE(out.str().find("FAIL  device-names"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("fix: plug the adapter in"), std::string::npos) << out.str();
    // The missing pump cannot answer either: device-names and instruments both fail.
    EXPECT_NE(out.str().find("FAIL  instruments"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("2 failed, 0 warnings"), std::string::npos) << out.str();
}

TEST(DoctorReport, WarningsAloneKeepExitCodeZero) {
    FakeRoot root;
    healthy_bench(root);
    root.write("/sys/bus/usb-serial/devices/ttyUSB0/latency_timer", "16\n");
    std::ostringstream out;
    EXPECT_EQ(run(healthy_options(root), out), 0) << out.str();
    EXPECT_NE(out.str().find("0 failed, 1 warning"), std::string::npos) << out.str();
}

TEST(DoctorReport, JsonListsEveryCheckWithItsStatus) {
    FakeRoot root;
    healthy_bench(root);
    root.write("/etc/group", "dialout:x:20:bob\n");
    DoctorOptions o = healthy_options(root);
    o.session_groups = std::vector<std::string>{"alice"};
    o.json = true;
    std::ostringstream out;
    EXPECT_EQ(run(o, out), 1);
    const auto j = nlohmann::json::parse(out.str());
    EXPECT_FALSE(j.at("ok").get<bool>());
    ASSERT_EQ(j.at("checks").size(), 9u);
    EXPECT_EQ(j.at("checks")[0].at("name"), "group");
    EXPECT_EQ(j.at("checks")[0].at("status"), "fail");
    EXPECT_EQ(j.at("checks")[1].at("status"), "ok");
}

}  // namespace
}  // namespace edc::doctor
