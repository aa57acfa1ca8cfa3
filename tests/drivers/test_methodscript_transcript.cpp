// PalmSens EmStat4 / EmStat Pico over MethodSCRIPT (issue 14 item 2): the protocol's pure
// functions against values worked by hand from the encoding docs/protocols/methodscript.md
// states, scripted transcripts for malformed replies, and the driver against the simulator
// (its own MethodSCRIPT parser) behind an in-process link on a lock-step virtual clock.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "control/clock/virtual_clock.hpp"
#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "drivers/galvanostat/methodscript_potentiostat.hpp"
#include "drivers/galvanostat/methodscript_protocol.hpp"
#include "drivers/sim/sim_host.hpp"
#include "scripted_transport.hpp"

using namespace edc;
namespace ms = edc::methodscript;

namespace {

GalvanostatSettings settings(double range_a = 0.01) {
    GalvanostatSettings s;
    s.current_range_a = range_a;
    s.compliance_v = 8.0;
    s.potential_limit_v = 5.0;
    return s;
}

// The simulator and the driver on one virtual clock; the test's thread is one of its threads.
struct Rig {
    std::shared_ptr<clk::VirtualClock> clock = std::make_shared<clk::VirtualClock>(1.0);
    clk::Attachment attached{*clock};
    std::unique_ptr<sim::SimHost> host;
    std::unique_ptr<Galvanostat> g;

    static std::unique_ptr<sim::SimHost> make_host(const std::string& model,
                                                   const std::shared_ptr<clk::VirtualClock>& clock) {
        sim::SimHostConfig c;
        c.galvanostat_model = model;
        c.pump_model = "";
        c.in_process = true;
        c.clock = clock;
        return std::make_unique<sim::SimHost>(c);
    }

    explicit Rig(const std::string& model = "palmsens-emstat4") : host(make_host(model, clock)) {
        auto ends = host->start();
        if (!ends) throw std::runtime_error(ends.error().message);
        auto link = host->connect_galvanostat();
        if (!link) throw std::runtime_error(link.error().message);
        auto made = make_galvanostat(model, std::move(*link), GalvanostatOptions{});
        if (!made) throw std::runtime_error(made.error().message);
        g = std::move(*made);
    }
    ~Rig() {
        g.reset();
        attached.release();
        host->stop();
    }
    sim::SimSnapshot snap() const { return host->snapshot(); }
};

}  // namespace

TEST(MethodScriptProtocol, DecodesValuesAsOffsetHexWithSiPrefix) {
    // 0x8000000 is zero; one step above it in milli is 1 mA / 1 mV; one below in micro is -1 u.
    EXPECT_DOUBLE_EQ(*ms::decode_value("8000000 "), 0.0);
    EXPECT_DOUBLE_EQ(*ms::decode_value("8000001m"), 1e-3);
    EXPECT_DOUBLE_EQ(*ms::decode_value("7FFFFFFu"), -1e-6);
    EXPECT_DOUBLE_EQ(*ms::decode_value("80003E8i"), 1000.0);  // 0x3E8 = 1000
    EXPECT_TRUE(std::isnan(*ms::decode_value("     nan")));
    EXPECT_FALSE(ms::decode_value("8000000x").has_value());
    EXPECT_FALSE(ms::decode_value("80000G0m").has_value());
}

TEST(MethodScriptProtocol, ParsesTimePotentialCurrentAndOverloadStatus) {
    // eb 1500 ms, ab -250 mV, ba -5700 uA (0x8000000 - 5700 = 0x7FFE9BC) with status 2 (overload).
    auto p = ms::parse_package("Peb80005DCm;ab7FFFF06m,10;ba7FFE9BCu,12,218");
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_DOUBLE_EQ(*p->time_s, 1.5);
    EXPECT_DOUBLE_EQ(*p->potential_v, -0.25);
    EXPECT_DOUBLE_EQ(*p->current_a, -5.7e-3);
    EXPECT_EQ(p->status & ms::status_overload, ms::status_overload);
}

TEST(MethodScriptProtocol, GarbledPackageIsRejectedNamingTheColumn) {
    auto p = ms::parse_package("Peb80005DCm;ab7FFFZ06m");
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, "bad_package");
    EXPECT_NE(p.error().message.find("column 15"), std::string::npos) << p.error().message;
    EXPECT_FALSE(ms::parse_package("Peb80005DC").has_value());
    EXPECT_FALSE(ms::parse_package("eb80005DCm").has_value());
}

TEST(MethodScriptProtocol, WritesScriptNumbersAsIntegersWithSiPrefix) {
    EXPECT_EQ(*ms::si_literal(-0.0057), "-5700u");
    EXPECT_EQ(*ms::si_literal(0.1), "100m");
    EXPECT_EQ(*ms::si_literal(3600.0), "3600");
    EXPECT_FALSE(ms::si_literal(std::nan("")).has_value());
}

TEST(MethodScriptProtocol, CpScriptRunsTheLoopAtTheCurrentAndSwitchesTheCellOffWhenDone) {
    ms::CpScript cp;
    cp.current_a = -0.0057;
    auto s = ms::build_cp_script(cp);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->rfind("e\n", 0), 0U);
    EXPECT_NE(s->find("set_pgstat_mode 6\n"), std::string::npos);
    EXPECT_NE(s->find("store_var i -5700u ja\n"), std::string::npos);
    EXPECT_NE(s->find("meas_loop_cp p c i 100m 3600\n"), std::string::npos);
    EXPECT_NE(s->find("on_finished:\ncell_off\n\n"), std::string::npos);
    EXPECT_EQ(s->substr(s->size() - 2), "\n\n");
    cp.current_a = 0.02;  // beyond the 10 mA range
    EXPECT_FALSE(ms::build_cp_script(cp).has_value());
}

TEST(MethodScriptProtocol, ErrorsAndIdentityParse) {
    auto e = ms::parse_error("Z!0006");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 6U);
    EXPECT_FALSE(ms::parse_error("Peb80005DCm").has_value());
    auto id = ms::parse_identity("tes4_hr1.3 ", "#2023-01-01*");
    ASSERT_TRUE(id);
    EXPECT_EQ(id->device, "EmStat4 HR");
    EXPECT_FALSE(ms::parse_identity("es4_hr1.3", "x*").has_value());
}

TEST(MethodScriptTranscript, GarbledStreamedPackageFailsTheReadWithWhereAndWhat) {
    auto t = std::make_unique<test::ScriptedTransport>();
    auto* wire = t.get();
    MethodScriptPotentiostat g(*find_methodscript_model("palmsens-emstat4"), std::move(t));
    ASSERT_TRUE(g.configure(settings()));
    ASSERT_TRUE(g.set_current(-0.001));
    auto script = ms::build_cp_script([] {
        ms::CpScript cp;
        cp.current_a = -0.001;
        cp.potential_limit_v = 5.0;
        return cp;
    }());
    wire->expect(*script, "e\nM0000\nPeb8000064m;ab7FFFF06m;ba7FFFC18q\n");
    ASSERT_TRUE(g.output(true));
    auto r = g.read();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "bad_reply");
    EXPECT_NE(r.error().message.find("unknown SI prefix 'q'"), std::string::npos) << r.error().message;
    EXPECT_FALSE(r.error().where.empty());
}

TEST(MethodScriptTranscript, PicoRefusesARangeBeyondItsThreeMilliamps) {
    MethodScriptPotentiostat g(*find_methodscript_model("palmsens-emstat-pico"),
                               std::make_unique<test::ScriptedTransport>());
    auto c = g.configure(settings(0.0057));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, "invalid_setting");
    EXPECT_NE(c.error().message.find("EmStat Pico"), std::string::npos) << c.error().message;
}

TEST(MethodScriptSim, IdentifyStartStreamSetCurrentAndStop) {
    Rig rig;
    auto id = rig.g->identify();
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_NE(id->find("EmStat4"), std::string::npos) << *id;
    EXPECT_EQ(rig.snap().galvanostat_commands, 1);  // 't' only: identify changes nothing

    ASSERT_TRUE(rig.g->configure(settings()));
    ASSERT_TRUE(rig.g->set_current(-0.0057));
    EXPECT_FALSE(rig.snap().output_on) << "a level alone must not switch the cell on";
    ASSERT_TRUE(rig.g->output(true));
    double last_t = -1.0;
    for (int i = 0; i < 5; ++i) {
        auto r = rig.g->read();
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_NEAR(r->current_a, -0.0057, 1e-6);
        EXPECT_GT(r->instrument_time_s, last_t);
        last_t = r->instrument_time_s;
        EXPECT_FALSE(r->in_compliance);
    }
    EXPECT_TRUE(rig.snap().output_on);
    EXPECT_NEAR(rig.snap().source_level_a, -0.0057, 1e-12);
    auto on = rig.g->output_is_on();
    ASSERT_TRUE(on) << on.error().message;
    EXPECT_TRUE(*on);

    ASSERT_TRUE(rig.g->set_current(-0.002));  // abort and a new script at the new level
    EXPECT_NEAR(rig.snap().source_level_a, -0.002, 1e-12);
    auto r = rig.g->read();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_NEAR(r->current_a, -0.002, 1e-6);

    ASSERT_TRUE(rig.g->output(false));
    EXPECT_FALSE(rig.snap().output_on);
    on = rig.g->output_is_on();
    ASSERT_TRUE(on) << on.error().message;
    EXPECT_FALSE(*on);
    EXPECT_TRUE(rig.g->safe_off());  // nothing running: "Z!0006", then cell off again
    EXPECT_FALSE(rig.snap().output_on);
}

TEST(MethodScriptSim, InstrumentErrorMidScriptFailsTheReadAndLeavesTheCellOff) {
    Rig rig;
    ASSERT_TRUE(rig.g->configure(settings()));
    ASSERT_TRUE(rig.g->set_current(-0.0057));
    ASSERT_TRUE(rig.g->output(true));
    ASSERT_TRUE(rig.g->read());
    rig.host->inject(sim::FaultKind::galvanostat_scpi_error);
    Result<GalvanostatReading> r;
    for (int i = 0; i < 5 && r; ++i) r = rig.g->read();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "instrument_error");
    EXPECT_NE(r.error().message.find("4009"), std::string::npos) << r.error().message;
    EXPECT_FALSE(rig.snap().output_on);
}

TEST(MethodScriptSim, ComplianceTripShowsAsOverloadInTheReading) {
    Rig rig;
    auto s = settings();
    s.potential_limit_v = 10.0;  // above the simulated 8 V span: the overload shows, no guard trips
    ASSERT_TRUE(rig.g->configure(s));
    ASSERT_TRUE(rig.g->set_current(-0.0057));
    ASSERT_TRUE(rig.g->output(true));
    auto before = rig.g->read();
    ASSERT_TRUE(before) << before.error().message;
    EXPECT_FALSE(before->in_compliance);
    rig.host->inject(sim::FaultKind::compliance_trip);
    bool seen = false;
    for (int i = 0; i < 5 && !seen; ++i) {
        auto r = rig.g->read();
        ASSERT_TRUE(r) << r.error().message;
        seen = r->in_compliance;
    }
    EXPECT_TRUE(seen);
    EXPECT_TRUE(rig.g->safe_off());
    EXPECT_FALSE(rig.snap().output_on);
}

TEST(MethodScriptSim, PotentialBeyondTheLimitEndsTheScriptAndTheCellIsOff) {
    Rig rig;
    ASSERT_TRUE(rig.g->configure(settings()));  // limit 5 V
    ASSERT_TRUE(rig.g->set_current(-0.0057));
    ASSERT_TRUE(rig.g->output(true));
    ASSERT_TRUE(rig.g->read());
    rig.host->inject(sim::FaultKind::compliance_trip);  // the potential runs to the 8 V span
    Result<GalvanostatReading> r;
    for (int i = 0; i < 5 && r; ++i) r = rig.g->read();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "potential_limit") << r.error().message;
    EXPECT_FALSE(rig.snap().output_on);
}

TEST(MethodScriptSim, GarbledStreamFailsTheReadAsABadReplyNamingTheLine) {
    Rig rig;
    ASSERT_TRUE(rig.g->configure(settings()));
    ASSERT_TRUE(rig.g->set_current(-0.0057));
    ASSERT_TRUE(rig.g->output(true));
    ASSERT_TRUE(rig.g->read());
    rig.host->inject(sim::FaultKind::galvanostat_garbage);
    Result<GalvanostatReading> r;
    for (int i = 0; i < 5 && r; ++i) r = rig.g->read();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "bad_reply") << r.error().message;
    EXPECT_NE(r.error().message.find('\''), std::string::npos) << "the line is quoted: " << r.error().message;
    EXPECT_EQ(r.error().where, "inproc://palmsens-emstat4");
}
