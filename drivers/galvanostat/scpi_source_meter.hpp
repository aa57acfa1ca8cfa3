#pragma once
// One driver for every SCPI source-meter used as a galvanostat; what differs between models
// is data in its ScpiDialect (drivers/galvanostat/scpi_dialect.hpp).
#include <chrono>
#include <memory>
#include <optional>

#include "drivers/galvanostat/galvanostat.hpp"
#include "drivers/galvanostat/scpi_dialect.hpp"
#include "drivers/scpi/scpi_session.hpp"

namespace edc {

struct ScpiSourceMeterOptions {
    // Only where the dialect lets the front panel choose (2400); elsewhere CR, LF, CR+LF.
    io::LineEnding reply_ending = io::LineEnding::any;
    std::chrono::milliseconds timeout{2000};  // per command; the reading adds the integration time
};

class ScpiSourceMeter final : public Galvanostat {
public:
    ScpiSourceMeter(const ScpiDialect& dialect, std::unique_ptr<io::ByteTransport> transport,
                    ScpiSourceMeterOptions options = {});
    ~ScpiSourceMeter() override;

    Result<std::string> identify() override;
    Result<void> configure(const GalvanostatSettings& settings) override;
    Result<void> set_current(double amps) override;
    Result<void> output(bool on) override;
    Result<GalvanostatReading> read() override;
    Result<bool> output_is_on() override;
    Result<void> safe_off() override;

    [[nodiscard]] const ScpiDialect& dialect() const noexcept { return dialect_; }

private:
    Result<void> check_language();
    Result<void> send_group(std::string_view group, const std::vector<std::string>& commands,
                            const GalvanostatSettings& s);

    const ScpiDialect& dialect_;
    std::unique_ptr<io::ByteTransport> transport_;
    scpi::ScpiSession scpi_;
    std::optional<GalvanostatSettings> settings_;
    std::chrono::steady_clock::time_point configured_at_{};  // host time for dialects without a timestamp
};

}  // namespace edc
