#include "app/cli/run_progress.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "control/model/units.hpp"

namespace edc::cli {

namespace {
constexpr auto terminal_redraw_period = std::chrono::milliseconds(200);
constexpr double plain_line_period_s = 2.0;
constexpr int bar_width = 20;
}  // namespace

std::optional<double> eta_s(const app::RunSnapshot& s) {
    if (s.planned_charge_c <= 0.0) return std::nullopt;
    const double remaining_c = std::max(0.0, s.planned_charge_c - s.charge_c);
    if (s.current_a > 0.0 && s.state == run::RunState::depositing) return remaining_c / s.current_a;
    if (s.nominal_duration_s > 0.0) return remaining_c / s.planned_charge_c * s.nominal_duration_s;
    return std::nullopt;
}

std::string progress_line(const app::RunSnapshot& s, bool with_bar) {
    const double fraction =
        s.planned_charge_c > 0.0 ? std::clamp(s.charge_c / s.planned_charge_c, 0.0, 1.0) : 0.0;
    std::string line = fmt::format("{:<10}", run::to_string(s.state));
    if (with_bar) {
        const auto filled = static_cast<int>(std::lround(fraction * bar_width));
        line += fmt::format(" [{}{}]", std::string(static_cast<std::size_t>(filled), '#'),
                            std::string(static_cast<std::size_t>(bar_width - filled), '-'));
    }
    line += fmt::format(" {:3.0f}%  t {:.1f} s", 100.0 * fraction, s.t_s);
    if (const auto eta = eta_s(s)) line += fmt::format(" / ETA {:.0f} s", *eta);
    line += fmt::format("  Q {:.3f}/{:.3f} C  h {:.0f} nm  x_Bi {:.3f}  q {:.2f} mL/min  V {:.1f} mL",
                        s.charge_c, s.planned_charge_c, units::m_to_nm(s.depth_m), s.x_bi_now,
                        units::m3_per_s_to_ml_per_min(s.feed_rate_m3_per_s), units::m3_to_ml(s.volume_m3));
    return line;
}

void RunProgressView::clear_line() {
    if (line_shown_) {
        console_.err << "\r\033[K" << std::flush;
        line_shown_ = false;
    }
}

void RunProgressView::update(const app::RunSnapshot& snapshot) {
    if (console_.terminal) {
        const auto now = std::chrono::steady_clock::now();
        if (line_shown_ && now - last_draw_ < terminal_redraw_period) return;
        last_draw_ = now;
        // A line that wraps could no longer be redrawn in place with \r: cut it to the width.
        std::string line = progress_line(snapshot, true);
        winsize ws{};
        if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && line.size() >= ws.ws_col) {
            line.resize(static_cast<std::size_t>(ws.ws_col) - 1U);
        }
        console_.err << "\r\033[K" << line << std::flush;
        line_shown_ = true;
        return;
    }
    const bool state_changed = !last_printed_ || last_printed_->state != snapshot.state;
    const bool due = !last_printed_ || snapshot.t_s - last_printed_->t_s >= plain_line_period_s;
    if (!state_changed && !due) return;
    console_.out << progress_line(snapshot, false) << '\n' << std::flush;
    last_printed_ = snapshot;
}

void RunProgressView::event(const app::RunEventRecord& event) {
    clear_line();
    console_.out << fmt::format("[{:8.2f} s] {:<7} {}{}\n", event.t_s, event.level,
                                event.code.empty() ? "" : event.code + ": ", event.message)
                 << std::flush;
}

void RunProgressView::note(std::string_view text) {
    clear_line();
    console_.out << text << '\n' << std::flush;
}

void RunProgressView::finish() {
    clear_line();
}

}  // namespace edc::cli
