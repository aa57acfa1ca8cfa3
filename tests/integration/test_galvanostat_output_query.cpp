// Galvanostat::output_is_on(), the query a held run watches its galvanostat with, against both
// simulated Keithleys: it reports the output as the simulator has it, switches nothing, and
// turns a lost link or a queued error into the driver's typed error.
#include <gtest/gtest.h>

#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "tests/drivers/sim_support.hpp"

using namespace std::chrono_literals;
using edc::sim::FaultKind;
using edc::test::SimRig;

namespace {

struct Rig : SimRig {
    std::unique_ptr<edc::Galvanostat> g;
    explicit Rig(const std::string& model) : SimRig(edc::test::only_galvanostat(model)) {
        edc::GalvanostatOptions o;
        o.timeout = edc::test::reply_timeout;
        auto made = edc::make_galvanostat(model, ends.galvanostat, o, io);
        if (!made) throw std::runtime_error(made.error().message);
        g = std::move(*made);
    }
    void configure() {
        edc::GalvanostatSettings s;
        s.current_range_a = 0.01;
        s.compliance_v = 10.0;
        auto c = g->configure(s);
        ASSERT_TRUE(c) << c.error().message;
    }
};

class GalvanostatOutputQuery : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(GalvanostatOutputQuery, ReportsOffAndSwitchesNothing) {
    Rig r(GetParam());
    r.configure();
    for (int i = 0; i < 3; ++i) {
        auto on = r.g->output_is_on();
        ASSERT_TRUE(on) << on.error().message;
        EXPECT_FALSE(*on);
    }
    const auto s = r.snap();
    EXPECT_FALSE(s.output_on);
    EXPECT_FALSE(s.output_ever_on);
}

TEST_P(GalvanostatOutputQuery, ReportsAnOutputThatIsOn) {
    Rig r(GetParam());
    r.configure();
    ASSERT_TRUE(r.g->output(true));
    ASSERT_TRUE(r.snap().output_on);
    auto on = r.g->output_is_on();
    ASSERT_TRUE(on) << on.error().message;
    EXPECT_TRUE(*on);
    ASSERT_TRUE(r.g->output(false));
    on = r.g->output_is_on();
    ASSERT_TRUE(on) << on.error().message;
    EXPECT_FALSE(*on);
}

TEST_P(GalvanostatOutputQuery, QueuedErrorIsAScpiErrorWithItsNumber) {
    Rig r(GetParam());
    r.configure();
    r.host->inject(FaultKind::galvanostat_scpi_error);
    auto on = r.g->output_is_on();
    ASSERT_FALSE(on);
    EXPECT_EQ(on.error().code, "scpi_error");
    EXPECT_NE(on.error().message.find("810"), std::string::npos) << on.error().message;
}

TEST_P(GalvanostatOutputQuery, LostLinkIsDisconnectedNotAHang) {
    Rig r(GetParam());
    r.configure();
    r.host->inject(FaultKind::galvanostat_disconnect);
    std::this_thread::sleep_for(100ms);
    auto [on, took] = edc::test::timed([&] { return r.g->output_is_on(); });
    ASSERT_FALSE(on);
    EXPECT_EQ(on.error().code, "disconnected") << on.error().message;
    EXPECT_LT(took, edc::test::hang_bound);
}

INSTANTIATE_TEST_SUITE_P(Keithley, GalvanostatOutputQuery, ::testing::Values("keithley-2400", "keithley-2450"),
                         [](const auto& p) { return p.param == "keithley-2400" ? "K2400" : "K2450"; });
