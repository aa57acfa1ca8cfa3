#include "app/journal/journal_records.hpp"

#include <ctime>

#include "control/text.hpp"

namespace edc::journal {

std::string_view to_string(RunStatus s) noexcept {
    switch (s) {
        case RunStatus::running: return "running";
        case RunStatus::completed: return "completed";
        case RunStatus::aborted: return "aborted";
        case RunStatus::faulted: return "faulted";
        case RunStatus::interrupted: return "interrupted";
    }
    return "running";
}

std::optional<RunStatus> parse_run_status(std::string_view s) noexcept {
    for (const auto status : {RunStatus::running, RunStatus::completed, RunStatus::aborted, RunStatus::faulted,
                              RunStatus::interrupted}) {
        if (to_string(status) == s) return status;
    }
    return std::nullopt;
}

std::string utc_now_iso8601() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    std::tm tm{};
    gmtime_r(&ts.tv_sec, &tm);
    return strf("%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L);
}

}  // namespace edc::journal
