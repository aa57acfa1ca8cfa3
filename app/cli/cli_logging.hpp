#pragma once
// spdlog for the duration of one command: warnings and up (debug with -v) to the command's
// error stream, everything from info (debug with -v) to a rotating file under
// $XDG_STATE_HOME/edc/edc.log (~/.local/state/edc/edc.log). A log file that cannot be created
// is reported at debug level and otherwise ignored: logging never stops a run.
#include <memory>
#include <ostream>
#include <string>

namespace spdlog {
class logger;
}

namespace edc::cli {

// "" when neither XDG_STATE_HOME nor HOME is set.
[[nodiscard]] std::string default_log_path();

// Installs the "edc" logger as spdlog's default; the destructor restores the previous default,
// so no sink outlives the stream it writes to.
class LoggingScope {
public:
    LoggingScope(bool verbose, std::ostream& err);
    ~LoggingScope();
    LoggingScope(const LoggingScope&) = delete;
    LoggingScope& operator=(const LoggingScope&) = delete;

    [[nodiscard]] const std::string& file_path() const noexcept { return file_path_; }  // "" if none

private:
    std::shared_ptr<spdlog::logger> previous_;
    std::string file_path_;
};

}  // namespace edc::cli
