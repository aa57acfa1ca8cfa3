#pragma once
// What `edc run` shows while a run goes on: on a terminal one status line redrawn in place
// (at most 5 times a second), otherwise a plain line every 2 s of run time and at every state
// change, so a log file stays readable. Events print as they arrive, above the status line.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "app/cli/console.hpp"
#include "app/runtime/run_session.hpp"

namespace edc::cli {

// "depositing [#####-----] 41%  t 82.1 s / ETA 118 s  Q 0.468/1.140 C  h 259 nm  x_Bi 0.361  q 21.40 mL/min
// V 34.2 mL"
[[nodiscard]] std::string progress_line(const app::RunSnapshot& s, bool with_bar);
// Estimated seconds left: remaining charge at the present current, else the nominal schedule.
[[nodiscard]] std::optional<double> eta_s(const app::RunSnapshot& s);

class RunProgressView {
public:
    explicit RunProgressView(Console& console) : console_(console) {}
    void update(const app::RunSnapshot& snapshot);
    void event(const app::RunEventRecord& event);
    void note(std::string_view text);
    void finish();  // removes the status line

private:
    void clear_line();

    Console& console_;
    std::chrono::steady_clock::time_point last_draw_{};
    bool line_shown_ = false;
    std::optional<app::RunSnapshot> last_printed_;
};

}  // namespace edc::cli
