// The simulators' state file (issue 13): what a restarted simulator must find again, and the
// outage in between, checked against hand computations (charge = I t; the NE-1000 stops at its
// safe-mode timeout, the Elite at its target volume). In-process instruments on a virtual clock
// held still by the test thread: no wall time, nothing advances behind the test's back.
#include "drivers/sim/sim_state_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "control/clock/virtual_clock.hpp"
#include "drivers/pump/newera_pump.hpp"
#include "drivers/sim/sim_host.hpp"
#include "drivers/sim/sim_instrument_state.hpp"

namespace edc::sim {
namespace {

std::filesystem::path temp_file(const std::string& name) {
    auto p = std::filesystem::path(::testing::TempDir()) /
             ("edc_sim_state_" + std::to_string(::getpid()) + "_" + name + ".json");
    std::filesystem::remove(p);
    return p;
}

// A 2400 sourcing 5 mA cathodic, off mode HIMP.
KeithleyState output_on_at_5_ma() {
    KeithleyState k;
    k.output_on = true;
    k.output_ever_on = true;
    k.off_mode = OutputOffMode::high_impedance;
    k.source_current = true;
    k.level_a = -0.005;
    k.compliance_v = 21.0;
    return k;
}

// The paper's bath A, 20 mL, nothing deposited yet; output on at 5 mA cathodic into HIMP.
SimState bath_a_with_output_on() {
    SimState s;
    s.sim_time_s = 100.0;
    s.cell.bath.volume = 20e-6;
    s.cell.bath.bulk_bi = 50.0;
    s.cell.bath.bulk_sb = 50.0;
    s.cell.bath.electrode_bi = 50.0;
    s.cell.bath.electrode_sb = 50.0;
    s.galvanostat = SavedInstrument{"keithley-2400", keithley_state_json(output_on_at_5_ma())};
    return s;
}

// An NE-1000 infusing 12.5 uL/h in safe mode (5 s host timeout), alarm S pending.
NewEraState ne1000_infusing() {
    NewEraState p;
    p.running = true;
    p.infusing = true;
    p.rate_value = 12.5;
    p.rate_unit = NeRateUnit::ul_per_h;
    p.target_volume = 7.0;
    p.volume_unit = NeVolumeUnit::ul;
    p.diameter_m = 26.59e-3;
    p.dispensed_inf_m3 = 3.6e-6;
    p.dispensed_wdr_m3 = 0.1e-6;
    p.run_dispensed_m3 = 2.0e-6;
    p.syringe_content_m3 = 56.4e-6;
    p.alarm = 'S';
    p.safe_timeout_s = 5;
    return p;
}

SimState full_state() {
    auto s = bath_a_with_output_on();
    s.cell.delivered_rate_m3_per_s = 1.25e-8;
    s.cell.fed_volume_m3 = 3.5e-6;
    s.cell.charge_c = 0.75;
    s.cell.metal_mol = 1.875e-6;
    s.cell.bi_mol = 0.625e-6;
    s.cell.layers = {{4.4e-9, 0.5, 1.01e-9, 0.0017}, {4.5e-9, 0.4321, 1.02e-9, 0.00175}};
    s.cell.growing = {1.1e-9, 0.3, 0.25e-9, 0.0004};
    s.pump = SavedInstrument{"ne-1000", newera_state_json(ne1000_infusing())};
    return s;
}

TEST(SimStateFile, RoundTripKeepsEveryField) {
    const auto s = full_state();
    const auto back = parse_sim_state(sim_state_json(s), "x.json");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->sim_time_s, 100.0);
    EXPECT_EQ(back->cell.bath.volume, 20e-6);
    EXPECT_EQ(back->cell.bath.electrode_sb, 50.0);
    EXPECT_EQ(back->cell.delivered_rate_m3_per_s, 1.25e-8);
    EXPECT_EQ(back->cell.fed_volume_m3, 3.5e-6);
    EXPECT_EQ(back->cell.charge_c, 0.75);
    EXPECT_EQ(back->cell.metal_mol, 1.875e-6);
    EXPECT_EQ(back->cell.bi_mol, 0.625e-6);
    ASSERT_EQ(back->cell.layers.size(), 2U);
    EXPECT_EQ(back->cell.layers[1].x_bi, 0.4321);
    EXPECT_EQ(back->cell.layers[1].charge_c, 0.00175);
    EXPECT_EQ(back->cell.growing.thickness_m, 0.25e-9);
    EXPECT_EQ(film_layers(*back).size(), 3U);  // the growing layer is film too
    ASSERT_TRUE(back->galvanostat);
    EXPECT_EQ(back->galvanostat->model, "keithley-2400");
    const auto k = keithley_state_from(back->galvanostat->fields, "x.json", "galvanostat");
    ASSERT_TRUE(k) << k.error().message;
    EXPECT_TRUE(k->output_on);
    EXPECT_EQ(k->off_mode, OutputOffMode::high_impedance);
    EXPECT_EQ(k->level_a, -0.005);
    ASSERT_TRUE(back->pump);
    EXPECT_EQ(back->pump->model, "ne-1000");
    const auto ne = newera_state_from(back->pump->fields, "x.json", "pump");
    ASSERT_TRUE(ne) << ne.error().message;
    EXPECT_TRUE(ne->running);
    EXPECT_EQ(ne->rate_value, 12.5);
    EXPECT_EQ(ne->rate_unit, NeRateUnit::ul_per_h);
    EXPECT_EQ(ne->volume_unit, NeVolumeUnit::ul);
    EXPECT_EQ(ne->target_volume, 7.0);
    EXPECT_EQ(ne->dispensed_inf_m3, 3.6e-6);
    EXPECT_EQ(ne->syringe_content_m3, 56.4e-6);
    EXPECT_EQ(ne->alarm, 'S');
    EXPECT_EQ(ne->safe_timeout_s, 5);
}

// The EmStat's and the Legato's sections (issue 14): what they keep comes back field by field.
TEST(SimStateFile, EmStatAndLegatoSectionsRoundTrip) {
    auto s = bath_a_with_output_on();
    EmStatState e;
    e.cell_on = true;
    e.cell_ever_on = true;
    e.script_running = true;
    e.level_a = -0.0057;
    e.scripts = 3;
    e.aborts = 2;
    s.galvanostat = SavedInstrument{"palmsens-emstat4", emstat_state_json(e)};
    HarvardState p;
    p.running = true;
    p.infusing = false;
    p.stalled = true;
    p.target_reached = true;
    p.rate_m3_per_s = 2.5e-9;
    p.rate_unit = "ul/min";
    p.diameter_m = 14.57e-3;
    p.infused_m3 = 1.5e-6;
    p.withdrawn_m3 = 0.25e-6;
    p.target_m3 = 2e-6;
    p.run_volume_m3 = 0.75e-6;
    p.syringe_content_m3 = 8.5e-6;
    p.nvram = false;
    p.poll = true;
    s.pump = SavedInstrument{"kds-legato-180", harvard_state_json(p)};

    const auto back = parse_sim_state(sim_state_json(s), "y.json");
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_TRUE(back->galvanostat && back->pump);
    EXPECT_EQ(back->galvanostat->model, "palmsens-emstat4");
    EXPECT_EQ(back->pump->model, "kds-legato-180");
    const auto em = emstat_state_from(back->galvanostat->fields, "y.json", "galvanostat");
    ASSERT_TRUE(em) << em.error().message;
    EXPECT_TRUE(em->cell_on);
    EXPECT_TRUE(em->cell_ever_on);
    EXPECT_TRUE(em->script_running);
    EXPECT_EQ(em->level_a, -0.0057);
    EXPECT_EQ(em->scripts, 3);
    EXPECT_EQ(em->aborts, 2);
    const auto legato = harvard_state_from(back->pump->fields, "y.json", "pump");
    ASSERT_TRUE(legato) << legato.error().message;
    EXPECT_TRUE(legato->running);
    EXPECT_FALSE(legato->infusing);
    EXPECT_TRUE(legato->stalled);
    EXPECT_TRUE(legato->target_reached);
    EXPECT_EQ(legato->rate_m3_per_s, 2.5e-9);
    EXPECT_EQ(legato->rate_unit, "ul/min");
    EXPECT_EQ(legato->diameter_m, 14.57e-3);
    EXPECT_EQ(legato->infused_m3, 1.5e-6);
    EXPECT_EQ(legato->withdrawn_m3, 0.25e-6);
    EXPECT_EQ(legato->target_m3, 2e-6);
    EXPECT_EQ(legato->run_volume_m3, 0.75e-6);
    EXPECT_EQ(legato->syringe_content_m3, 8.5e-6);
    EXPECT_FALSE(legato->nvram);
    EXPECT_TRUE(legato->poll);

    // A bad field in an instrument's section names the file and the field.
    auto bad_fields = back->pump->fields;
    bad_fields["infused_m3"] = "lots";
    const auto bad = harvard_state_from(bad_fields, "y.json", "pump");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("y.json: pump.infused_m3"), std::string::npos) << bad.error().message;
}

TEST(SimStateFile, SavedAtomicallyAndLoadedBack) {
    const auto path = temp_file("atomic");
    ASSERT_TRUE(save_sim_state(path, full_state()));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
    const auto film = load_film_layers(path);
    ASSERT_TRUE(film) << film.error().message;
    EXPECT_EQ(film->size(), 3U);
    std::filesystem::remove(path);
}

TEST(SimStateFile, ABadFileNamesTheFileAndTheField) {
    auto text = sim_state_json(full_state());
    const auto at = text.find(R"("volume_m3": )");
    ASSERT_NE(at, std::string::npos);
    text.insert(at + 13, R"("twenty", "was": )");
    auto bad = parse_sim_state(text, "run7.json");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("run7.json"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("cell.bath.volume_m3"), std::string::npos) << bad.error().message;

    EXPECT_FALSE(parse_sim_state(R"({"format": "edc-sim-state")", "cut.json"));
    bad = parse_sim_state(R"({"format": "edc-sim-state", "version": 1, "sim_time_s": 0})", "nocell.json");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("nocell.json: cell: missing"), std::string::npos)
        << bad.error().message;

    const auto missing = load_sim_state(temp_file("absent"));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("edc_sim_state_"), std::string::npos) << missing.error().message;
}

SimHostConfig in_process_config(const std::shared_ptr<clk::Clock>& clock, const std::filesystem::path& state,
                                double outage_s) {
    SimHostConfig c;
    c.in_process = true;
    c.link_delays = false;
    c.clock = clock;
    c.state_file = state;
    c.outage_s = outage_s;
    return c;
}

TEST(SimStateOutage, OutputKeepsDepositingAndTheNe1000StopsAtItsSafeModeTimeout) {
    const auto path = temp_file("outage_ne");
    auto s = bath_a_with_output_on();
    NewEraState p;
    p.running = true;
    p.infusing = true;
    p.rate_value = 10.0;  // mL/min
    p.rate_unit = NeRateUnit::ml_per_min;
    p.diameter_m = 26.59e-3;
    p.dispensed_inf_m3 = 3e-6;
    p.run_dispensed_m3 = 3e-6;
    p.syringe_content_m3 = 50e-6;
    p.alarm = 0;
    p.safe_timeout_s = 5;
    s.pump = SavedInstrument{"ne-1000", newera_state_json(p)};
    ASSERT_TRUE(save_sim_state(path, s));

    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);  // time stands still: the test thread never waits
    SimHost host(in_process_config(clock, path, 20.0));
    ASSERT_TRUE(host.start());
    const auto snap = host.snapshot();
    // 5 mA for the whole 20 s outage: 0.1 C. The pump ran 5 s of its safe-mode timeout at
    // 10 mL/min before it alarmed: 3 mL + 10/60 * 5 mL.
    EXPECT_NEAR(snap.cathodic_charge_c, 0.005 * 20.0, 1e-9);
    EXPECT_TRUE(snap.output_on);
    EXPECT_NEAR(snap.dispensed_m3, 3e-6 + 10e-6 / 60.0 * 5.0, 1e-12);
    EXPECT_FALSE(snap.pump_running);
    EXPECT_EQ(snap.pump_alarm, 'T');
    host.stop();

    const auto after = load_sim_state(path);
    ASSERT_TRUE(after) << after.error().message;
    EXPECT_NEAR(after->sim_time_s, 100.0 + 20.0, 1e-9);
    EXPECT_NEAR(after->cell.charge_c, 0.1, 1e-9);
    ASSERT_TRUE(after->pump);
    const auto ne = newera_state_from(after->pump->fields, path.string(), "pump");
    ASSERT_TRUE(ne) << ne.error().message;
    EXPECT_FALSE(ne->running);
    std::filesystem::remove(path);
}

TEST(SimStateOutage, TheEliteStopsAtItsTargetVolume) {
    const auto path = temp_file("outage_elite");
    auto s = bath_a_with_output_on();
    auto off = output_on_at_5_ma();
    off.output_on = false;
    s.galvanostat = SavedInstrument{"keithley-2400", keithley_state_json(off)};
    HarvardState p;
    p.running = true;
    p.infusing = true;
    p.rate_m3_per_s = 6e-6 / 60.0;  // 6 mL/min: the 1 mL target after 10 s of the 20 s outage
    p.diameter_m = 26.59e-3;
    p.target_m3 = 1e-6;
    p.syringe_content_m3 = 50e-6;
    s.pump = SavedInstrument{"harvard-elite", harvard_state_json(p)};
    ASSERT_TRUE(save_sim_state(path, s));

    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    auto cfg = in_process_config(clock, path, 20.0);
    cfg.pump_model = "harvard-elite";
    SimHost host(cfg);
    ASSERT_TRUE(host.start());
    const auto snap = host.snapshot();
    EXPECT_NEAR(snap.dispensed_m3, 1e-6, 1e-12);
    EXPECT_FALSE(snap.pump_running);
    EXPECT_EQ(snap.cathodic_charge_c, 0.0);  // output off: nothing deposits
    host.stop();
    std::filesystem::remove(path);
}

TEST(SimStateRestart, ARestartedSimulatorKeepsBathAndFilm) {
    const auto path = temp_file("restart");
    ASSERT_TRUE(save_sim_state(path, bath_a_with_output_on()));
    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    SimSnapshot first;
    {
        SimHost host(in_process_config(clock, path, 30.0));  // grows 30 s of film, then stops
        ASSERT_TRUE(host.start());
        first = host.snapshot();
        host.stop();
    }
    ASSERT_GT(first.deposit.size(), 10U);
    SimHost again(in_process_config(clock, path, 0.0));
    ASSERT_TRUE(again.start());
    const auto second = again.snapshot();
    again.stop();
    EXPECT_EQ(second.cathodic_charge_c, first.cathodic_charge_c);
    EXPECT_EQ(second.bath.volume_m3, first.bath.volume_m3);
    EXPECT_EQ(second.bath.n_bi_mol, first.bath.n_bi_mol);
    ASSERT_EQ(second.deposit.size(), first.deposit.size());
    EXPECT_EQ(second.deposit.back().x_bi, first.deposit.back().x_bi);
    EXPECT_EQ(second.deposit.front().metal_mol, first.deposit.front().metal_mol);
    EXPECT_TRUE(second.output_on);
    std::filesystem::remove(path);
}

// A controller killed mid-run leaves the NE-1000 in safe mode, which it keeps until told
// otherwise and in which it ignores basic-mode commands: the next controller's driver must find
// it anyway (asks again as a packet) and return it to basic mode.
TEST(SimStateRestart, TheDriverFindsAnNe1000LeftInSafeMode) {
    const auto path = temp_file("left_in_safe_mode");
    auto s = full_state();
    auto p = ne1000_infusing();
    p.running = false;
    p.alarm = 'T';  // its host timeout ran out when the controller died
    s.pump = SavedInstrument{"ne-1000", newera_state_json(p)};
    ASSERT_TRUE(save_sim_state(path, s));
    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    SimHost host(in_process_config(clock, path, 0.0));
    ASSERT_TRUE(host.start());
    auto link = host.connect_pump();
    ASSERT_TRUE(link) << link.error().message;
    edc::NewEraPump pump(std::move(*link));
    const auto alarm = pump.acknowledge_alarm();
    ASSERT_TRUE(alarm) << alarm.error().message;
    EXPECT_EQ(*alarm, 'T');
    EXPECT_FALSE(pump.safe_mode());
    const auto id = pump.identify();
    EXPECT_TRUE(id) << id.error().message;
    host.stop();
    const auto after = load_sim_state(path);
    ASSERT_TRUE(after && after->pump);
    const auto ne = newera_state_from(after->pump->fields, path.string(), "pump");
    ASSERT_TRUE(ne) << ne.error().message;
    EXPECT_EQ(ne->safe_timeout_s, 0);  // back in basic mode
    std::filesystem::remove(path);
}

TEST(SimStateRestart, AStateFileForAnotherPumpIsAStartError) {
    const auto path = temp_file("mismatch");
    auto s = full_state();  // an NE-1000
    ASSERT_TRUE(save_sim_state(path, s));
    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    auto cfg = in_process_config(clock, path, 0.0);
    cfg.pump_model = "harvard-elite";
    SimHost host(cfg);
    const auto started = host.start();
    ASSERT_FALSE(started);
    EXPECT_NE(started.error().message.find("pump.model"), std::string::npos) << started.error().message;
    EXPECT_NE(started.error().message.find("'ne-1000'"), std::string::npos) << started.error().message;
    EXPECT_NE(started.error().message.find("'harvard-elite'"), std::string::npos) << started.error().message;
    std::filesystem::remove(path);
}

TEST(SimStateRestart, AStateFileForAnotherGalvanostatIsAStartError) {
    const auto path = temp_file("mismatch_galvanostat");
    ASSERT_TRUE(save_sim_state(path, full_state()));  // a 2400
    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    auto cfg = in_process_config(clock, path, 0.0);
    cfg.galvanostat_model = "palmsens-emstat4";
    SimHost host(cfg);
    const auto started = host.start();
    ASSERT_FALSE(started);
    const auto& message = started.error().message;
    EXPECT_NE(message.find("galvanostat.model"), std::string::npos) << message;
    EXPECT_NE(message.find("'keithley-2400'"), std::string::npos) << message;
    EXPECT_NE(message.find("'palmsens-emstat4'"), std::string::npos) << message;
    std::filesystem::remove(path);
}

// An EmStat4 whose cell a controller switched on (a chronopotentiometry script at -5 mA, sent
// over the wire) keeps it on at that level across a simulator restart, like the 2400's output.
TEST(SimStateRestart, AnEmStatKeepsItsCellOnAtItsLevel) {
    const auto path = temp_file("emstat");
    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    auto cfg = in_process_config(clock, path, 0.0);
    cfg.galvanostat_model = "palmsens-emstat4";
    cfg.pump_model = "";
    {
        SimHost host(cfg);
        ASSERT_TRUE(host.start());
        auto link = host.connect_galvanostat();
        ASSERT_TRUE(link) << link.error().message;
        const auto sent = (*link)->write(
            "e\nvar c\nvar p\nstore_var i -5m ja\nset_pgstat_mode 6\ncell_on\n"
            "meas_loop_cp p c i 100m 3600\nendloop\non_finished:\ncell_off\n\n",
            std::chrono::seconds(1));
        ASSERT_TRUE(sent) << sent.error().message;
        const auto before = host.snapshot();
        ASSERT_TRUE(before.output_on) << "the script did not switch the cell on";
        ASSERT_EQ(before.source_level_a, -0.005);
        host.stop();
    }
    SimHost again(cfg);
    ASSERT_TRUE(again.start());
    const auto snap = again.snapshot();
    again.stop();
    EXPECT_TRUE(snap.output_on);
    EXPECT_TRUE(snap.output_ever_on);
    EXPECT_NEAR(snap.source_level_a, -0.005, 1e-15);
    std::filesystem::remove(path);
}

// A Legato's section is its own (not refused as an unknown pump): a restarted Legato finds its
// volumes and its stop at the target again.
TEST(SimStateRestart, ALegatoKeepsItsVolumes) {
    const auto path = temp_file("legato");
    auto s = bath_a_with_output_on();
    HarvardState p;
    p.running = false;
    p.target_reached = true;
    p.rate_m3_per_s = 1e-6 / 60.0;
    p.diameter_m = 26.59e-3;
    p.infused_m3 = 2.5e-6;
    p.target_m3 = 2.5e-6;
    p.syringe_content_m3 = 47.5e-6;
    s.pump = SavedInstrument{"kds-legato-180", harvard_state_json(p)};
    ASSERT_TRUE(save_sim_state(path, s));
    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    auto cfg = in_process_config(clock, path, 0.0);
    cfg.pump_model = "kds-legato-180";
    SimHost host(cfg);
    const auto started = host.start();
    ASSERT_TRUE(started) << started.error().message;
    const auto snap = host.snapshot();
    host.stop();
    EXPECT_TRUE(snap.pump_present);
    EXPECT_FALSE(snap.pump_running);
    EXPECT_EQ(snap.dispensed_m3, 2.5e-6);
    EXPECT_EQ(snap.syringe_content_m3, 47.5e-6);
    const auto after = load_sim_state(path);
    ASSERT_TRUE(after && after->pump) << (after ? "no pump" : after.error().message);
    EXPECT_EQ(after->pump->model, "kds-legato-180");
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace edc::sim
