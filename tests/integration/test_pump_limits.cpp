// drivers/pump/pump_limits and drivers/registry: the rate range a pump model has on a syringe bore, against
// protocols.md's figures (computed here from the manual's numbers), against the simulators' own
// independent tables, and the unit conversions its messages use.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "control/model/units.hpp"
#include "drivers/io/io_thread.hpp"
#include "drivers/pump/pump_limits.hpp"
#include "drivers/registry/instrument_probe.hpp"
#include "drivers/registry/instrument_registry.hpp"
#include "drivers/sim/harvard_model.hpp"
#include "drivers/sim/legato_model.hpp"
#include "drivers/sim/newera_model.hpp"
#include "drivers/sim/sim_host.hpp"

using namespace edc;

namespace {

constexpr double ml_per_min = 1e-6 / 60.0;  // m3/s, by hand

// protocols.md section 5: the Elite's `irate lim` on a 26.59 mm syringe is
// "0.0366 ul/min to 26.64 ml/min"; the rate is plunger speed times area, so it scales with d^2.
double elite_max_ml_min(double d_mm) {
    return 26.64 * (d_mm / 26.59) * (d_mm / 26.59);
}
double elite_min_ul_min(double d_mm) {
    return 0.0366 * (d_mm / 26.59) * (d_mm / 26.59);
}

}  // namespace

TEST(PumpLimits, EliteRangeMatchesTheManualsIrateLimOn2659mm) {
    const auto r = pump_rate_range("harvard-elite", 26.59e-3);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_NEAR(r->max_m3_per_s / ml_per_min, 26.64, 0.01);
    EXPECT_NEAR(r->min_m3_per_s / (1e-9 / 60.0), 0.0366, 0.0001);
}

TEST(PumpLimits, EliteTopRateScalesWithTheBoreSquared) {
    for (const double d_mm : {4.7, 14.5, 38.4, 48.0}) {
        const auto r = pump_rate_range("harvard-elite", d_mm * 1e-3);
        ASSERT_TRUE(r);
        EXPECT_NEAR(r->max_m3_per_s / ml_per_min, elite_max_ml_min(d_mm), 1e-3 * elite_max_ml_min(d_mm))
            << d_mm;
        EXPECT_NEAR(r->min_m3_per_s / (1e-9 / 60.0), elite_min_ul_min(d_mm), 1e-3 * elite_min_ul_min(d_mm))
            << d_mm;
    }
    // The paper recipe's 38.4 mm syringe: 55.56 mL/min, below its plan's 77 mL/min peak.
    EXPECT_NEAR(elite_max_ml_min(38.4), 55.56, 0.01);
}

TEST(PumpLimits, Ne1000TopRateIsAbout100MlMinOnA266mmSyringeAsTheManualSays) {
    // protocols.md section 4: "about 100+ mL/min for a 26.6 mm syringe on an NE-1000".
    const auto r = pump_rate_range("ne-1000", 26.6e-3);
    ASSERT_TRUE(r);
    EXPECT_GE(r->max_m3_per_s / ml_per_min, 100.0);
    EXPECT_LE(r->max_m3_per_s / ml_per_min, 110.0);
    EXPECT_LT(r->min_m3_per_s, r->max_m3_per_s * 1e-4);
}

TEST(PumpLimits, UnknownModelAndNonPositiveBoreAreRefused) {
    EXPECT_EQ(pump_rate_range("ne-4000", 26.6e-3).error().code, "unknown_model");
    EXPECT_EQ(pump_rate_range("harvard-elite", 0.0).error().code, "out_of_range");
    EXPECT_EQ(pump_rate_range("harvard-elite", std::nan("")).error().code, "out_of_range");
    EXPECT_EQ(pump_rate_range("ne-1000", -1e-3).error().code, "out_of_range");
}

TEST(PumpLimits, CheckPlannedRateNamesModelBorePeakAndLimit) {
    const double peak = 77.45 * ml_per_min;
    auto bad = check_planned_rate("harvard-elite", 38.4e-3, peak);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "out_of_range");
    EXPECT_EQ(bad.error().where, "pump.max_rate");
    const auto& m = bad.error().message;
    for (const char* w : {"harvard-elite", "38.4 mm", "77.45 mL/min", "55.56 mL/min"}) {
        EXPECT_NE(m.find(w), std::string::npos) << "'" << w << "' not in: " << m;
    }
    EXPECT_TRUE(check_planned_rate("harvard-elite", 48e-3, peak)) << "86.8 mL/min on 48 mm";
    EXPECT_TRUE(check_planned_rate("ne-1000", 38.4e-3, peak));
    // Exactly at the limit is allowed; just above is not.
    const double limit = elite_max_ml_min(38.4) * ml_per_min;
    EXPECT_TRUE(check_planned_rate("harvard-elite", 38.4e-3, limit * (1.0 - 1e-9)));
    EXPECT_FALSE(check_planned_rate("harvard-elite", 38.4e-3, limit * 1.001));
}

TEST(PumpLimits, MlPerMinConversionsRoundTripAndMatchHandValues) {
    EXPECT_DOUBLE_EQ(units::ml_per_min_to_m3_per_s(60.0), 1e-6);
    EXPECT_DOUBLE_EQ(units::m3_per_s_to_ml_per_min(1e-6), 60.0);
    EXPECT_NEAR(units::ml_per_min_to_m3_per_s(55.56), 9.26e-7, 1e-10);
    for (const double v : {1e-4, 0.0366e-3, 1.0, 77.45, 103.0}) {
        EXPECT_NEAR(units::m3_per_s_to_ml_per_min(units::ml_per_min_to_m3_per_s(v)), v, 1e-12 * v);
    }
}

// The simulators are an independent reading of the manuals (drivers/sim never uses driver code),
// so the table exists twice on purpose; this keeps the two from drifting apart.
TEST(PumpLimits, SimulatorsUseTheSameRateTable) {
    sim::SimCell cell(sim::paper_cell_params());
    for (const double d : {4.7e-3, 26.59e-3, 38.4e-3, 48e-3}) {
        sim::NewEraOptions ne_opts;
        ne_opts.diameter_m = d;
        const sim::NewEraModel ne(cell, ne_opts);
        const auto ne_range = pump_rate_range("ne-1000", d);
        ASSERT_TRUE(ne_range);
        EXPECT_NEAR(ne.max_rate_m3_per_s(), ne_range->max_m3_per_s, 1e-9 * ne_range->max_m3_per_s) << d;
        EXPECT_NEAR(ne.min_rate_m3_per_s(), ne_range->min_m3_per_s, 1e-9 * ne_range->min_m3_per_s) << d;

        sim::HarvardOptions hv_opts;
        hv_opts.diameter_m = d;
        const sim::HarvardModel hv(cell, hv_opts);
        const auto hv_range = pump_rate_range("harvard-elite", d);
        ASSERT_TRUE(hv_range);
        EXPECT_NEAR(hv.max_rate_m3_per_s(), hv_range->max_m3_per_s, 1e-9 * hv_range->max_m3_per_s) << d;
        EXPECT_NEAR(hv.min_rate_m3_per_s(), hv_range->min_m3_per_s, 1e-9 * hv_range->min_m3_per_s) << d;

        for (const char* legato : {"kds-legato-100", "kds-legato-180", "kds-legato-200"}) {
            auto lg_opts = sim::legato_options(legato).value();
            lg_opts.diameter_m = d;
            const sim::HarvardModel lg(cell, lg_opts);
            const auto lg_range = pump_rate_range(legato, d);
            ASSERT_TRUE(lg_range) << legato;
            EXPECT_NEAR(lg.max_rate_m3_per_s(), lg_range->max_m3_per_s, 1e-9 * lg_range->max_m3_per_s) << d;
            EXPECT_NEAR(lg.min_rate_m3_per_s(), lg_range->min_m3_per_s, 1e-9 * lg_range->min_m3_per_s) << d;
        }
    }
}

// KD Scientific's Legato 100 flow range, "216 ml/min with a 140 ml syringe" (38 mm bore) and
// "1.28 pl/min with a 0.5 ul syringe" (0.103 mm), computed here by hand: the paper recipe's
// 38.4 mm bore then allows 216 * (38.4/38)^2 = 220.6 mL/min, above its 77.45 mL/min peak.
TEST(PumpLimits, LegatoRangeIsTheCataloguesFlowRange) {
    const auto top = pump_rate_range("kds-legato-100", 38.0e-3);
    ASSERT_TRUE(top) << top.error().message;
    EXPECT_NEAR(top->max_m3_per_s / ml_per_min, 216.0, 0.5);
    const auto bottom = pump_rate_range("kds-legato-100", 0.103e-3);
    ASSERT_TRUE(bottom) << bottom.error().message;
    EXPECT_NEAR(bottom->min_m3_per_s / (1e-15 / 60.0), 1.28, 0.01);  // pl/min
    EXPECT_TRUE(check_planned_rate("kds-legato-100", 38.4e-3, 77.45 * ml_per_min));
    EXPECT_FALSE(check_planned_rate("kds-legato-200", 38.4e-3, 221.0 * ml_per_min));
}

// Issue 14 item 4: one registry of models. Every error naming an unknown model lists the known
// ones (written out here, from the README's list, not from the registry under test).
TEST(InstrumentRegistry, UnknownModelsListTheKnownOnes) {
    const char* pumps[] = {"ne-1000", "harvard-elite", "kds-legato-100", "kds-legato-180", "kds-legato-200"};
    const char* galvanostats[] = {"keithley-2400", "keithley-2450",   "keithley-2460",
                                  "keithley-2461", "keysight-b2901a", "keysight-b2902a"};
    const auto pump = lookup_instrument("ne-4000", InstrumentKind::pump, "test");
    ASSERT_FALSE(pump);
    EXPECT_EQ(pump.error().code, "unknown_model");
    const auto rate = pump_rate_range("ne-4000", 26.6e-3);
    ASSERT_FALSE(rate);
    // A galvanostat's name is not a pump: the pump list, and only it.
    const auto wrong_kind = lookup_instrument("keithley-2400", InstrumentKind::pump, "test");
    ASSERT_FALSE(wrong_kind);
    for (const char* p : pumps) {
        EXPECT_NE(pump.error().message.find(p), std::string::npos) << pump.error().message;
        EXPECT_NE(rate.error().message.find(p), std::string::npos) << rate.error().message;
    }
    EXPECT_EQ(wrong_kind.error().message.find("keysight"), std::string::npos) << wrong_kind.error().message;
    const auto galvanostat = lookup_instrument("keithley-6221", InstrumentKind::galvanostat, "test");
    ASSERT_FALSE(galvanostat);
    for (const char* g : galvanostats) {
        EXPECT_NE(galvanostat.error().message.find(g), std::string::npos) << galvanostat.error().message;
    }
    io::IoThread io;
    const auto probed = probe("ne-4000", "/dev/null", ProbeOptions{}, io);
    ASSERT_FALSE(probed);
    EXPECT_EQ(probed.error().code, "unknown_model");
    EXPECT_NE(probed.error().message.find("kds-legato-180"), std::string::npos) << probed.error().message;
    EXPECT_NE(probed.error().message.find("keysight-b2902a"), std::string::npos) << probed.error().message;
}

// The registry's transports and bauds are the manuals' (protocols.md), and each entry names a
// simulator that starts under that name.
TEST(InstrumentRegistry, EntriesCarryTheManualsWiringAndTheirSimulatorStarts) {
    struct Expected {
        const char* name;
        LinkKind transport;
        unsigned baud;
    };
    const Expected table[] = {
        {"keithley-2400", LinkKind::serial, 9600},   {"keithley-2450", LinkKind::tcp, 0},
        {"keysight-b2901a", LinkKind::tcp, 0},       {"ne-1000", LinkKind::serial, 19200},
        {"harvard-elite", LinkKind::serial, 115200}, {"kds-legato-200", LinkKind::serial, 115200}};
    for (const auto& e : table) {
        const InstrumentModel* m = find_instrument(e.name);
        ASSERT_NE(m, nullptr) << e.name;
        EXPECT_EQ(m->transport, e.transport) << e.name;
        if (e.transport == LinkKind::serial) EXPECT_EQ(m->default_baud, e.baud) << e.name;
        if (e.transport == LinkKind::tcp) EXPECT_EQ(m->default_tcp_port, 5025) << e.name;
    }
    for (const InstrumentModel& m : instrument_models()) {
        sim::SimHostConfig cfg;
        cfg.in_process = true;
        cfg.galvanostat_model = m.kind == InstrumentKind::galvanostat ? std::string(m.sim_model) : "";
        cfg.pump_model = m.kind == InstrumentKind::pump ? std::string(m.sim_model) : "";
        sim::SimHost host(cfg);
        const auto ends = host.start();
        EXPECT_TRUE(ends) << m.name << ": " << (ends ? "" : ends.error().message);
        host.stop();
    }
}
