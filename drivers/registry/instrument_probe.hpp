#pragma once
// Who answers on a port, asked so that nothing on the instrument changes: only identity and
// read-only queries are sent (SCPI `*IDN?`; New Era basic-mode `VER`, then the safe-mode packet
// form of `VER`, never SAF/DIA/RAT/RUN; Harvard Elite and KD Scientific Legato `ver` only, never
// NVRAM / `nvram none`). Nothing is configured and no output or motor is switched on.
//
// One thing a query cannot avoid: a New Era pump answers the first command after a power-up
// with alarm R and counts that reply as the alarm's acknowledgement; the probe then asks VER again
// and says so in Identity::note.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/error.hpp"
#include "drivers/io/io_thread.hpp"
#include "drivers/registry/instrument_registry.hpp"

namespace edc {

struct ProbeOptions {
    unsigned baud = 0;  // serial: 0 = each model's default baud
    int address = 0;    // pump address (New Era, Harvard/Legato)
    std::chrono::milliseconds timeout{700};
    std::chrono::milliseconds connect_timeout{2000};
};

// Asks `port` the identity query of `model`'s family. Identity::model is the entry that answered,
// which may be another model of the same family (a Legato 180 where the recipe names a 100, a
// 2460 where it names a 2450); empty when the answer names none of the registry's models.
// Errors: "unknown_model" (listing the known ones), "invalid_setting" (a LAN-only model on a
// serial path), the transport's open errors, "timeout" and the family's reply errors.
[[nodiscard]] Result<Identity> probe(std::string_view model, const std::string& port,
                                     const ProbeOptions& options, io::IoThread& io);

struct ProbeAttempt {
    std::string what;  // "*IDN? at 9600 baud", "New Era VER at 19200 baud", ...
    Error error;
};
struct ProbeAnyResult {
    std::optional<Identity> identity;  // the first family that answered
    std::vector<ProbeAttempt> tried;   // the families that did not, in order
};

// Tries the registry's families for the port's transport (tcp:// ports: *IDN?; serial paths:
// in registry order, each family once at its default baud: *IDN? at 9600, New Era VER at 19200,
// Harvard/Legato `ver` at 115200) and stops at the first answer. A port that cannot be opened
// is tried once. `options.baud` is ignored: each family is asked at its own baud.
struct ProbeAnyFilter {
    std::optional<InstrumentKind> kind;     // only this kind's families (the doctor's pump port)
    const InstrumentModel* skip = nullptr;  // this entry's family at its baud was asked already
};
[[nodiscard]] ProbeAnyResult probe_any(const std::string& port, const ProbeOptions& options, io::IoThread& io,
                                       const ProbeAnyFilter& filter = {});

// The families' queries, for the registry's entries (ProbeFn).
[[nodiscard]] Result<Identity> probe_scpi_idn(std::unique_ptr<io::ByteTransport> transport,
                                              const InstrumentModel& model, const ProbeOptions& options);
[[nodiscard]] Result<Identity> probe_newera_ver(std::unique_ptr<io::ByteTransport> transport,
                                                const InstrumentModel& model, const ProbeOptions& options);
[[nodiscard]] Result<Identity> probe_harvard_ver(std::unique_ptr<io::ByteTransport> transport,
                                                 const InstrumentModel& model, const ProbeOptions& options);
// MethodSCRIPT's `t` (firmware version): the firmware names the model (EmStat4 or Pico).
[[nodiscard]] Result<Identity> probe_methodscript_t(std::unique_ptr<io::ByteTransport> transport,
                                                    const InstrumentModel& model, const ProbeOptions& options);

}  // namespace edc
