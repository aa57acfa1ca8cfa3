#include "app/cli/cli_logging.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace edc::cli {

std::string default_log_path() {
    if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state != '\0') {
        return (std::filesystem::path(state) / "edc" / "edc.log").string();
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return (std::filesystem::path(home) / ".local" / "state" / "edc" / "edc.log").string();
    }
    return {};
}

LoggingScope::LoggingScope(bool verbose, std::ostream& err) : previous_(spdlog::default_logger()) {
    const auto console_level = verbose ? spdlog::level::debug : spdlog::level::warn;
    std::vector<spdlog::sink_ptr> sinks;
    auto console = std::make_shared<spdlog::sinks::ostream_sink_mt>(err, true);
    console->set_level(console_level);
    console->set_pattern("edc: %l: %v");
    sinks.push_back(console);

    std::string file_problem;
    if (const std::string path = default_log_path(); !path.empty()) {
        try {
            std::error_code ec;
            std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
            constexpr std::size_t max_file_bytes = std::size_t{5} * 1024 * 1024;
            constexpr std::size_t max_files = 3;
            auto file =
                std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path, max_file_bytes, max_files);
            file->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
            file->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z [%P:%t] %l: %v");
            sinks.push_back(file);
            file_path_ = path;
        } catch (const std::exception& e) {
            file_problem = e.what();
        }
    }

    auto logger = std::make_shared<spdlog::logger>("edc", sinks.begin(), sinks.end());
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
    if (!file_problem.empty()) spdlog::debug("no log file: {}", file_problem);
}

LoggingScope::~LoggingScope() {
    if (auto current = spdlog::default_logger()) current->flush();
    if (previous_) spdlog::set_default_logger(previous_);
}

}  // namespace edc::cli
