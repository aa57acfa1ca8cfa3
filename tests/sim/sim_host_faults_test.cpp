// Every fault kind fired through SimHost, observed from the host's side of the wire.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drivers/sim/newera_model.hpp"
#include "drivers/sim/sim_host.hpp"
#include "tests/sim/posix_link.hpp"

namespace edc::sim {
namespace {

using namespace edc::sim::wire_test;

SimHostConfig pump_only(const std::string& pump) {
    SimHostConfig c;
    c.galvanostat_model = "none";
    c.pump_model = pump;
    c.link_delays = false;
    return c;
}

std::string ne_exchange(int fd, const std::string& command) {
    write_str(fd, command + "\r");
    return read_until(fd, '\x03', 2000).bytes;
}

class NewEraOverPty : public ::testing::Test {
protected:
    void SetUp() override {
        auto ends = host.start();
        ASSERT_TRUE(ends) << ends.error().message;
        fd = std::make_unique<Fd>(open_serial(ends->pump, B19200));
        ASSERT_EQ(ne_exchange(fd->get(), "VER"),
                  "\x02"
                  "00A?R\x03");  // power-up alarm
        ASSERT_EQ(ne_exchange(fd->get(), "RAT 10 MM"),
                  "\x02"
                  "00S\x03");
        ASSERT_EQ(ne_exchange(fd->get(), "RUN"),
                  "\x02"
                  "00I\x03");
    }
    SimHost host{pump_only("ne-1000")};
    std::unique_ptr<Fd> fd;
};

TEST_F(NewEraOverPty, PumpTimeoutStopsAnswering) {
    host.inject(FaultKind::pump_timeout);
    write_str(fd->get(), "DIS\r");
    EXPECT_EQ(read_until(fd->get(), '\x03', 300).bytes, "");
}

TEST_F(NewEraOverPty, PumpDisconnectMakesReadsFail) {
    host.inject(FaultKind::pump_disconnect);
    EXPECT_TRUE(read_until(fd->get(), '\x03', 2000).eof_or_error);
}

TEST_F(NewEraOverPty, PumpAlarmStopsTheMotorAndAnswersResetAlarm) {
    host.inject(FaultKind::pump_alarm);
    EXPECT_FALSE(host.snapshot().pump_running);
    EXPECT_EQ(ne_exchange(fd->get(), "RAT 12 MM"),
              "\x02"
              "00A?R\x03");
    EXPECT_EQ(ne_exchange(fd->get(), "RAT"),
              "\x02"
              "00S10.00MM\x03");  // the alarmed command did not run
}

TEST_F(NewEraOverPty, SyringeEmptyStallsTheMotor) {
    host.inject(FaultKind::syringe_empty);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(ne_exchange(fd->get(), "DIS").substr(0, 6),
              "\x02"
              "00A?S");
    EXPECT_FALSE(host.snapshot().pump_running);
}

TEST_F(NewEraOverPty, SafeModeHostSilenceRaisesAnUnsolicitedTimeoutAlarm) {
    ASSERT_EQ(ne_exchange(fd->get(), "SAF1"),
              "\x02"
              "00I\x03");
    const auto r = read_until(fd->get(), '\x03', 3000);  // nothing sent for > 1 s
    EXPECT_EQ(r.bytes, newera_safe_packet("00A?T"));
    EXPECT_FALSE(host.snapshot().pump_running);
}

TEST(EliteOverPty, StallFaultShowsTheStarPrompt) {
    SimHost host(pump_only("harvard-elite"));
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->pump, B115200));
    write_str(fd.get(), "irate 5 m/m\r");
    ASSERT_EQ(read_until(fd.get(), ':', 2000).bytes, "\n:");
    write_str(fd.get(), "irun\r");
    ASSERT_EQ(read_until(fd.get(), '>', 2000).bytes, "\n>");
    host.inject(FaultKind::pump_stall);
    write_str(fd.get(), "crate\r");
    EXPECT_EQ(read_until(fd.get(), '*', 2000).bytes, "\nPump is idle\r\n*");
}

TEST(GalvanostatFaults, ScpiErrorQueuesOverTemperatureAndSwitchesTheOutputOff) {
    SimHostConfig c;
    c.pump_model = "none";
    c.link_delays = false;
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    write_str(fd.get(), ":SOUR:FUNC CURR;:OUTP ON;*OPC?\r");
    ASSERT_EQ(read_until(fd.get(), '\r', 2000).bytes, "1\r");
    host.inject(FaultKind::galvanostat_scpi_error);
    EXPECT_FALSE(host.snapshot().output_on);
    write_str(fd.get(), ":SYST:ERR?\r");
    EXPECT_EQ(read_until(fd.get(), '\r', 2000).bytes, "810,\"OUTPUT blocked by over temperature\"\r");
}

TEST(GalvanostatOptions, ReplyTerminatorIsASetting) {
    SimHostConfig c;
    c.pump_model = "none";
    c.link_delays = false;
    c.galvanostat_reply_terminator = "\r\n";
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    write_str(fd.get(), "*OPC?\r");
    EXPECT_EQ(read_until(fd.get(), '\n', 2000).bytes, "1\r\n");
}

// Issue 13 item 3 on a PTY: the USB adapter re-enumerates. The simulator reports each change
// of its port (SimHostConfig::on_port_change); the test waits on those reports, not on time.
class PortChanges {
public:
    void record(const std::string& instrument, const std::string& endpoint) {
        {
            std::lock_guard lock(mutex_);
            seen_.push_back(instrument + " " + (endpoint.empty() ? std::string("gone") : endpoint));
        }
        changed_.notify_all();
    }
    // Waits (for at most a generous 20 s on a busy machine) until `count` changes were seen.
    std::vector<std::string> await(std::size_t count) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(20), [&] { return seen_.size() >= count; });
        return seen_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> seen_;
};

// A command and its reply with room for a machine busy with other tests (the reply comes in
// milliseconds; the timeout is only how long a lost one is waited for).
std::string ne_exchange_patiently(int fd, const std::string& command) {
    write_str(fd, command + "\r");
    return read_until(fd, '\x03', 15000).bytes;
}

std::size_t entries(const char* dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}

// Each cycle: the pump answers through its stable name, its PTY goes (the test's descriptor on
// it hangs up, its /dev/pts/N disappears, the name goes) and a fresh PTY returns under the name,
// the pump still infusing. Twenty cycles leave no descriptor and no thread behind.
TEST(PtyReenumerate, PumpReturnsUnderItsLinkStillInfusingAndCyclesLeakNothing) {
    constexpr int cycles = 20;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("edc-sim-reenumerate-" + std::to_string(::getpid()) + "-" +
                      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    const std::string link = (dir / "pump").string();
    PortChanges changes;
    auto cfg = pump_only("ne-1000");
    cfg.speed_factor = 50.0;
    cfg.link_dir = dir;
    cfg.on_port_change = [&changes](const std::string& instrument, const std::string& endpoint) {
        changes.record(instrument, endpoint);
    };
    std::size_t fds_before = 0;
    std::size_t threads_before = 0;
    {
        SimHost host(cfg);
        const auto ends = host.start();
        ASSERT_TRUE(ends) << ends.error().message;
        ASSERT_EQ(std::filesystem::read_symlink(link).string(), ends->pump);
        {
            Fd fd(open_serial(link, B19200));
            ASSERT_GE(fd.get(), 0);
            (void)ne_exchange(fd.get(), "VER");  // clears the power-up alarm
            ASSERT_EQ(ne_exchange(fd.get(), "RAT 10 MM"),
                      "\x02"
                      "00S\x03");
            ASSERT_EQ(ne_exchange(fd.get(), "RUN"),
                      "\x02"
                      "00I\x03");
        }
        fds_before = entries("/proc/self/fd");
        threads_before = entries("/proc/self/task");

        for (int i = 0; i < cycles; ++i) {
            const std::string old = std::filesystem::read_symlink(link).string();
            Fd fd(open_serial(link, B19200));  // the driver's side, held across the unplug
            ASSERT_GE(fd.get(), 0) << "cycle " << i;
            ASSERT_EQ(ne_exchange_patiently(fd.get(), "VER").substr(0, 4),
                      "\x02"
                      "00I")
                << "cycle " << i;

            host.inject(FaultKind::pump_reenumerate, 0.5);
            auto seen = changes.await(2U * static_cast<std::size_t>(i) + 1U);
            ASSERT_GE(seen.size(), 2U * static_cast<std::size_t>(i) + 1U)
                << "cycle " << i << ": never unplugged";
            EXPECT_EQ(seen[2U * static_cast<std::size_t>(i)], "pump gone");
            // Held open here, the old number cannot be handed to anyone else: it is gone.
            EXPECT_FALSE(std::filesystem::exists(old)) << "cycle " << i << ": " << old;
            EXPECT_TRUE(read_until(fd.get(), '\x03', 2000).eof_or_error) << "cycle " << i;

            seen = changes.await(2U * static_cast<std::size_t>(i) + 2U);
            ASSERT_GE(seen.size(), 2U * static_cast<std::size_t>(i) + 2U)
                << "cycle " << i << ": never came back";
            const std::string fresh = std::filesystem::read_symlink(link).string();
            EXPECT_EQ(seen[2U * static_cast<std::size_t>(i) + 1U], "pump " + fresh);
            EXPECT_NE(fresh, old) << "cycle " << i;
        }
        const std::size_t fds_after = entries("/proc/self/fd");
        const std::size_t threads_after = entries("/proc/self/task");
        std::printf("PTY-REENUMERATE-CYCLES %d fds %zu -> %zu threads %zu -> %zu\n", cycles, fds_before,
                    fds_after, threads_before, threads_after);
        EXPECT_EQ(fds_after, fds_before);
        EXPECT_EQ(threads_after, threads_before);
        Fd fd(open_serial(link, B19200));
        EXPECT_EQ(ne_exchange_patiently(fd.get(), "VER").substr(0, 4),
                  "\x02"
                  "00I")
            << "the pump stopped";
        EXPECT_TRUE(host.snapshot().pump_running);
    }
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(link)))
        << "the link outlived the host";
    std::filesystem::remove_all(dir);
}

TEST(PtyReenumerate, ALanGalvanostatRefusesReenumeration) {
    SimHostConfig c;
    c.galvanostat_model = "keithley-2450";
    c.pump_model = "none";
    c.faults.push_back({FaultKind::galvanostat_reenumerate, 1.0, FaultTrigger::at_time, 1.0});
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_FALSE(ends);
    EXPECT_EQ(ends.error().code, "fault_kind");
    EXPECT_NE(ends.error().message.find("LAN"), std::string::npos) << ends.error().message;
}

}  // namespace
}  // namespace edc::sim
