#include "drivers/sim/sim_instruments.hpp"

#include "drivers/sim/sim_instrument_state.hpp"

namespace edc::sim {
namespace {

using nlohmann::json;

// The parts every adapter shares: the model it owns and its wire.
template <class Model, bool Streams>
class ModelInstrument : public SimInstrument {
public:
    template <class Options>
    ModelInstrument(SimCell& cell, const Options& options) : model_(cell, options) {}
    std::vector<WireReply> receive(std::string_view bytes, Instant now) override {
        return model_.receive(bytes, now);
    }
    std::vector<WireReply> poll(Instant now) override {
        if constexpr (Streams) return model_.poll(now);
        (void)now;
        return {};
    }
    bool has_poll() const override { return Streams; }

protected:
    Model model_;
};

// Keithley 2400/2450/246x and Keysight B290x (one SCPI model, smu_dialect.hpp).
class KeithleyInstrument final : public ModelInstrument<KeithleyModel, false> {
public:
    using ModelInstrument::ModelInstrument;
    void advance(double, double dt_s) override {
        // An output switched off in NORMal mode shorts the cell through the instrument.
        const auto& s = model_.state();
        if (!s.output_on && s.output_ever_on && s.off_mode == OutputOffMode::normal) shorted_s_ += dt_s;
    }
    bool fire(FaultKind kind) override {
        if (kind != FaultKind::galvanostat_scpi_error) return false;
        model_.inject_error(810, "OUTPUT blocked by over temperature");
        return true;
    }
    void fill(SimSnapshot& s) const override {
        const auto& k = model_.state();
        s.galvanostat_present = true;
        s.output_on = k.output_on;
        s.output_ever_on = k.output_ever_on;
        s.output_off_mode = k.off_mode;
        s.source_level_a = k.level_a;
        s.compliance_v = k.compliance_v;
        s.remote_sense = k.remote_sense;
        s.shorted_s = shorted_s_;
        s.galvanostat_commands = k.commands;
        s.galvanostat_errors_pending = model_.pending_errors();
        s.galvanostat_command_log = model_.command_log();
    }
    json save() const override { return keithley_state_json(model_.state()); }
    Result<void> restore(const json& fields, const std::string& file, const std::string& where) override {
        auto saved = keithley_state_from(fields, file, where);
        if (!saved) return std::unexpected(saved.error());
        model_.restore(*saved);
        return {};
    }

private:
    double shorted_s_ = 0.0;
};

// PalmSens EmStat4 / EmStat Pico (MethodSCRIPT).
class EmStatInstrument final : public ModelInstrument<EmStatModel, true> {
public:
    using ModelInstrument::ModelInstrument;
    void advance(double t1_s, double) override { now_s_ = t1_s; }
    bool fire(FaultKind kind) override {
        if (kind != FaultKind::galvanostat_scpi_error) return false;
        model_.inject_error(0x4009, "overload: script stopped, cell off");
        return true;
    }
    void fill(SimSnapshot& s) const override {
        const auto& e = model_.state();
        s.galvanostat_present = true;
        s.output_on = e.cell_on;
        s.output_ever_on = e.cell_ever_on;
        s.output_off_mode = OutputOffMode::high_impedance;  // cell_off opens the cell relay
        s.source_level_a = e.level_a;
        s.compliance_v = model_.compliance_v();
        s.galvanostat_commands = e.commands;
        s.galvanostat_command_log = model_.command_log();
    }
    json save() const override { return emstat_state_json(model_.saved(now_s_)); }
    Result<void> restore(const json& fields, const std::string& file, const std::string& where) override {
        auto saved = emstat_state_from(fields, file, where);
        if (!saved) return std::unexpected(saved.error());
        now_s_ = 0.0;
        if (auto restored = model_.restore(*saved, 0.0); !restored) {
            return fail("sim_state_invalid",
                        file + ": " + where + ".script.lines: " + restored.error().message,
                        "EmStatInstrument::restore");
        }
        return {};
    }
    // Left alone in an outage, a running loop still ends at its duration (its packages lost).
    std::optional<double> watchdog_s() const override { return model_.loop_end_s(); }
    void watchdog_expired() override { (void)model_.poll(Instant{now_s_, 0.0}); }
    void rebase(double sim_s) override {
        // What the loop measured up to now went to nobody (no host during the outage).
        (void)model_.poll(Instant{now_s_, 0.0});
        model_.rebase(sim_s - now_s_);
        now_s_ = sim_s;
    }

private:
    double now_s_ = 0.0;  // the plant's time (the host's clock), for save()
};

// New Era NE-1000 (its safe mode's alarm packets are unsolicited output).
class NewEraInstrument final : public ModelInstrument<NewEraModel, true> {
public:
    using ModelInstrument::ModelInstrument;
    void advance(double t1_s, double) override { model_.advance(t1_s); }
    bool fire(FaultKind kind) override {
        switch (kind) {
            case FaultKind::pump_stall:
                model_.raise_alarm('S');
                return true;
            case FaultKind::pump_alarm:
                model_.raise_alarm('R');
                return true;
            case FaultKind::syringe_empty:
                model_.empty_syringe();
                return true;
            default:
                return false;
        }
    }
    void fill(SimSnapshot& s) const override {
        const auto& p = model_.state();
        s.pump_present = true;
        s.pump_running = p.running;
        s.pump_rate_m3_per_s = model_.rate_m3_per_s();
        s.dispensed_m3 = p.dispensed_inf_m3;
        s.syringe_content_m3 = p.syringe_content_m3;
        s.pump_alarm = p.alarm;
        s.pump_commands = p.commands;
        s.pump_rate_changes_while_running = p.rate_changes_while_running;
        s.pump_command_log = model_.command_log();
    }
    json save() const override { return newera_state_json(model_.state()); }
    Result<void> restore(const json& fields, const std::string& file, const std::string& where) override {
        auto saved = newera_state_from(fields, file, where);
        if (!saved) return std::unexpected(saved.error());
        model_.restore(*saved, 0.0);
        return {};
    }
    // In safe mode with no alarm pending, nobody talking to it: it stops with alarm T when its
    // host timeout runs out.
    std::optional<double> watchdog_s() const override {
        const auto& p = model_.state();
        if (p.safe_timeout_s > 0 && p.alarm == 0) return static_cast<double>(p.safe_timeout_s);
        return std::nullopt;
    }
    void watchdog_expired() override { model_.raise_alarm('T'); }
    void rebase(double sim_s) override { model_.restore(model_.state(), sim_s); }
};

// Harvard Pump 11 Elite and KD Scientific Legato (the Ultra firmware; it stops at its target).
class HarvardInstrument final : public ModelInstrument<HarvardModel, false> {
public:
    using ModelInstrument::ModelInstrument;
    void advance(double t1_s, double) override { model_.advance(t1_s); }
    bool fire(FaultKind kind) override {
        switch (kind) {
            case FaultKind::pump_stall:
            case FaultKind::pump_alarm:
                model_.stall();
                return true;
            case FaultKind::syringe_empty:
                model_.empty_syringe();
                return true;
            default:
                return false;
        }
    }
    void fill(SimSnapshot& s) const override {
        const auto& p = model_.state();
        s.pump_present = true;
        s.pump_running = p.running;
        s.pump_rate_m3_per_s = p.rate_m3_per_s;
        s.dispensed_m3 = p.infused_m3;
        s.syringe_content_m3 = p.syringe_content_m3;
        s.pump_alarm = p.stalled ? 'S' : 0;
        s.pump_commands = p.commands;
        s.pump_command_log = model_.command_log();
    }
    json save() const override { return harvard_state_json(model_.state()); }
    Result<void> restore(const json& fields, const std::string& file, const std::string& where) override {
        auto saved = harvard_state_from(fields, file, where);
        if (!saved) return std::unexpected(saved.error());
        model_.restore(*saved, 0.0);
        return {};
    }
    void rebase(double sim_s) override { model_.restore(model_.state(), sim_s); }
};

}  // namespace

std::unique_ptr<SimInstrument> keithley_instrument(SimCell& cell, const KeithleyOptions& options) {
    return std::make_unique<KeithleyInstrument>(cell, options);
}

std::unique_ptr<SimInstrument> emstat_instrument(SimCell& cell, const EmStatOptions& options) {
    return std::make_unique<EmStatInstrument>(cell, options);
}

std::unique_ptr<SimInstrument> newera_instrument(SimCell& cell, const NewEraOptions& options) {
    return std::make_unique<NewEraInstrument>(cell, options);
}

std::unique_ptr<SimInstrument> harvard_instrument(SimCell& cell, const HarvardOptions& options) {
    return std::make_unique<HarvardInstrument>(cell, options);
}

}  // namespace edc::sim
