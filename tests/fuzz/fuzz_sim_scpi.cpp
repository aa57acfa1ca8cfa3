// The simulator's SCPI command parser and the Keithley models behind it, fed arbitrary bytes:
// no crash, no hang, and the error queue never grows past its capacity.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "drivers/sim/keithley_model.hpp"
#include "drivers/sim/scpi_parser.hpp"
#include "drivers/sim/sim_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto& c : edc::sim::parse_scpi_message(text)) {
        if (c.error_code == 0 && c.header.empty()) std::abort();  // a command always has a header
    }
    static const auto params = edc::sim::paper_cell_params();
    for (auto model : {edc::sim::SmuModel::keithley2400, edc::sim::SmuModel::keithley2450}) {
        edc::sim::SimCell cell(params);
        edc::sim::KeithleyOptions options;
        options.model = model;
        edc::sim::KeithleyModel smu(cell, options);
        const auto replies = smu.receive(text, edc::sim::Instant{1.0, 1.0});
        if (smu.pending_errors() > 10) std::abort();
        for (const auto& r : replies) {
            if (!r.bytes.empty() && r.bytes.back() != (model == edc::sim::SmuModel::keithley2450 ? '\n' : '\r')) std::abort();
        }
    }
    return 0;
}
