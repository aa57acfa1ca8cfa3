#pragma once
// Keithley 2400 series SourceMeter as a galvanostat over RS-232 (protocols.md section 1):
// commands end with CR, replies end with the front-panel terminator (default CR; CR, LF and
// CR+LF are all accepted when reply_ending is `any`).
#include <memory>
#include <optional>

#include "drivers/galvanostat/galvanostat.hpp"
#include "drivers/scpi/scpi_session.hpp"

namespace edc {

struct Keithley2400Options {
    io::LineEnding reply_ending = io::LineEnding::any;
    std::chrono::milliseconds timeout{2000};  // per command; :READ? adds the integration time
};

class Keithley2400 final : public Galvanostat {
public:
    Keithley2400(std::unique_ptr<io::ByteTransport> transport, Keithley2400Options options = {});
    ~Keithley2400() override;

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
};

// :READ? with FORM:ELEM VOLT,CURR,TIME,STAT -> reading; status bit 3 (value 8) = compliance.
Result<GalvanostatReading> parse_2400_reading(std::string_view reply);

}  // namespace edc
