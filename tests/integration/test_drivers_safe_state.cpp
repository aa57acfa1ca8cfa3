// Every fault kind, with both instruments running: the faulted instrument reports a typed
// error within its timeout, and the caller can still bring the other one to its safe state.
#include <gtest/gtest.h>

#include "control/model/units.hpp"
#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "drivers/pump/pump_factory.hpp"
#include "tests/drivers/sim_support.hpp"

using namespace std::chrono_literals;
using edc::sim::FaultKind;

namespace {

struct Case {
    FaultKind kind;
    bool galvanostat_fault;          // which instrument the fault hits
    std::vector<std::string> codes;  // acceptable error codes ("" = a reading/status that flags it)
};

struct BothRig : edc::test::SimRig {
    std::unique_ptr<edc::Galvanostat> g;
    std::unique_ptr<edc::SyringePump> p;
    BothRig() : SimRig(edc::sim::SimHostConfig{}) {
        edc::GalvanostatOptions go;
        go.timeout = edc::test::reply_timeout;
        auto gm = edc::make_galvanostat("keithley-2400", ends.galvanostat, go, io);
        if (!gm) throw std::runtime_error(gm.error().message);
        g = std::move(*gm);
        edc::PumpOptions po;
        po.timeout = edc::test::reply_timeout;
        auto pm = edc::make_syringe_pump("ne-1000", ends.pump, po, io);
        if (!pm) throw std::runtime_error(pm.error().message);
        p = std::move(*pm);
    }
    void start_both() {
        edc::GalvanostatSettings s;
        s.current_range_a = 0.01;
        s.compliance_v = 10.0;
        s.potential_limit_v = 50.0;
        ASSERT_TRUE(g->configure(s));
        ASSERT_TRUE(g->output(true));
        ASSERT_TRUE(g->set_current(edc::instrument_current_from_cathodic(5.7e-3)));
        ASSERT_TRUE(p->identify());
        ASSERT_TRUE(p->set_diameter(26.59e-3));
        ASSERT_TRUE(p->select_rate_unit(edc::units::ml_per_min_to_m3_per_s(2.0)));
        ASSERT_TRUE(p->set_rate(edc::units::ml_per_min_to_m3_per_s(1.0)));
        ASSERT_TRUE(p->start());
    }
};

class DriversUnderFault : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(DriversUnderFault, FaultIsTypedAndTheOtherInstrumentReachesItsSafeState) {
    const Case c = GetParam();
    BothRig r;
    r.start_both();
    r.host->inject(c.kind);
    std::this_thread::sleep_for(150ms);

    std::string code;
    const auto t0 = std::chrono::steady_clock::now();
    if (c.galvanostat_fault) {
        auto reading = r.g->read();
        if (!reading)
            code = reading.error().code;
        else if (reading->in_compliance)
            code = "compliance";
    } else {
        auto st = r.p->status();
        if (!st)
            code = st.error().code;
        else if (st->state == edc::PumpState::alarm)
            code = "alarm:" + st->alarm;
        else {
            auto rate = r.p->set_rate(edc::units::ml_per_min_to_m3_per_s(1.1));
            if (!rate) code = rate.error().code;
        }
    }
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(took, edc::test::hang_bound) << "a fault must not hang the caller";
    EXPECT_NE(std::find(c.codes.begin(), c.codes.end(), code), c.codes.end())
        << edc::sim::to_string(c.kind) << " reported '" << code << "'";

    // The safe state, from the instrument's side: the unaffected one always gets there.
    auto pump_safe = r.p->safe_stop();
    auto galv_safe = r.g->safe_off();
    const auto s = r.snap();
    if (c.galvanostat_fault) {
        ASSERT_TRUE(pump_safe) << pump_safe.error().message;
        EXPECT_FALSE(s.pump_running);
    } else {
        ASSERT_TRUE(galv_safe) << galv_safe.error().message;
        EXPECT_FALSE(s.output_on);
        EXPECT_EQ(s.output_off_mode, edc::sim::OutputOffMode::high_impedance);
        EXPECT_DOUBLE_EQ(s.source_level_a, 0.0);
    }
}

INSTANTIATE_TEST_SUITE_P(
    EveryFaultKind, DriversUnderFault,
    ::testing::Values(Case{FaultKind::galvanostat_timeout, true, {"timeout"}},
                      Case{FaultKind::galvanostat_disconnect, true, {"disconnected"}},
                      Case{FaultKind::galvanostat_garbage, true, {"bad_reply", "frame_too_long", "timeout"}},
                      Case{FaultKind::galvanostat_scpi_error, true, {"scpi_error"}},
                      Case{FaultKind::compliance_trip, true, {"compliance"}},
                      Case{FaultKind::pump_timeout, false, {"timeout"}},
                      Case{FaultKind::pump_disconnect, false, {"disconnected"}},
                      Case{FaultKind::pump_stall, false, {"alarm:S"}},
                      Case{FaultKind::pump_alarm, false, {"alarm:R", "pump_alarm"}},
                      Case{FaultKind::syringe_empty, false, {"alarm:S"}}),
    [](const auto& test_param) {
        std::string n = edc::sim::to_string(test_param.param.kind);
        for (auto& ch : n) ch = ch == '-' ? '_' : ch;
        return n;
    });
