// Saving and restoring the EmStat model's running script (sim_state_file.hpp): its text,
// re-parsed on restart by the model's own parser, and where its loop was.
#include <string>
#include <utility>
#include <vector>

#include "drivers/sim/emstat_model.hpp"
#include "drivers/sim/emstat_script.hpp"

namespace edc::sim {

EmStatState EmStatModel::saved(double now_s) const {
    EmStatState out = state_;
    if (!script_ || !script_->has_loop) return out;
    EmStatScriptState k;
    k.lines = upload_;
    k.loop_start_s = script_->loop_start_s - now_s;
    k.next_s = script_->next_s - now_s;
    k.timer_zero_s = script_->timer_zero_s - now_s;
    k.vars = script_->vars;
    k.pgstat_mode = script_->pgstat_mode;
    k.broke = script_->broke;
    out.script = std::move(k);
    return out;
}

Result<void> EmStatModel::restore(const EmStatState& saved, double now_s) {
    std::unique_ptr<Script> s;
    if (saved.script) {
        std::string error;
        s = parse(saved.script->lines, error);
        if (!s || !s->has_loop) {
            if (error.starts_with("!4001: ")) error.erase(0, 7);
            if (!error.empty() && error.back() == '\n') error.pop_back();
            return fail("sim_state_invalid", s ? "no meas_loop_cp" : error, "EmStatModel::restore");
        }
        const auto& k = *saved.script;
        s->loop_start_s = now_s + k.loop_start_s;
        s->next_s = now_s + k.next_s;
        s->timer_zero_s = now_s + k.timer_zero_s;
        s->vars = k.vars;
        s->pgstat_mode = k.pgstat_mode;
        s->broke = k.broke;
    }
    const long commands = state_.commands;
    script_ = std::move(s);
    upload_ = script_ ? saved.script->lines : std::vector<std::string>{};
    uploading_ = false;
    pending_error_.reset();
    drive(saved.cell_on, saved.level_a);
    state_ = saved;
    state_.script.reset();
    state_.level_a = saved.cell_on ? saved.level_a : 0.0;
    state_.commands = commands;
    state_.script_running = script_ != nullptr;
    return {};
}

void EmStatModel::rebase(double delta_s) {
    if (!script_) return;
    script_->loop_start_s += delta_s;
    script_->next_s += delta_s;
    script_->timer_zero_s += delta_s;
}

std::optional<double> EmStatModel::loop_end_s() const {
    if (!script_ || !script_->has_loop) return std::nullopt;
    // The same steps poll() takes: the last measurement inside the loop's run time.
    const double end_s = script_->loop_start_s + script_->duration_s;
    double t = script_->next_s;
    while (t + script_->interval_s <= end_s + 1e-9) t += script_->interval_s;
    return t;
}

}  // namespace edc::sim
