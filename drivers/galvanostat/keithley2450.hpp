#pragma once
// Keithley 2450 SourceMeter as a galvanostat in its native SCPI command set (protocols.md
// section 2), normally over TCP port 5025. *LANG? must answer SCPI.
#include <chrono>
#include <memory>
#include <optional>

#include "drivers/galvanostat/galvanostat.hpp"
#include "drivers/scpi/scpi_session.hpp"

namespace edc {

struct Keithley2450Options {
    std::chrono::milliseconds timeout{2000};
};

class Keithley2450 final : public Galvanostat {
public:
    Keithley2450(std::unique_ptr<io::ByteTransport> transport, Keithley2450Options options = {});
    ~Keithley2450() override;

    Result<std::string> identify() override;
    Result<void> configure(const GalvanostatSettings& settings) override;
    Result<void> set_current(double amps) override;
    Result<void> output(bool on) override;
    Result<GalvanostatReading> read() override;
    Result<bool> output_is_on() override;
    Result<void> safe_off() override;

private:
    Result<void> send_group(std::string_view group, std::initializer_list<std::string> commands);

    std::unique_ptr<io::ByteTransport> transport_;
    scpi::ScpiSession scpi_;
    std::optional<GalvanostatSettings> settings_;
    std::chrono::steady_clock::time_point configured_at_{};
};

// :READ? "defbuffer1", READ, SOUR, SOURSTAT -> V, I, status; SOURSTAT 32 = source limited.
// instrument_time_s is left 0 (the caller fills in host time).
Result<GalvanostatReading> parse_2450_reading(std::string_view reply);

}  // namespace edc
