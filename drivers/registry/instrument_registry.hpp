#pragma once
// Every instrument model edc drives, one entry each: the recipe's name, what it is, how it is
// wired, how it is asked who it is (a probe that changes nothing), how its driver is built, what
// it can deliver, and which simulator stands in for it. A new instrument is one entry here, its
// protocol file and its simulator (drivers/sim/sim_models.cpp, keyed by the same name).
//
// The runtime, the GUI, the doctor and `edc devices` build and identify instruments only through
// this table (make_instrument_* below and drivers/registry/instrument_probe.hpp), and every
// "unknown model" message lists model_names(kind).
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "control/error.hpp"
#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "drivers/io/io_thread.hpp"
#include "drivers/io/transport.hpp"
#include "drivers/pump/pump_factory.hpp"
#include "drivers/pump/pump_limits.hpp"

namespace edc {

struct ScpiDialect;

enum class InstrumentKind { galvanostat, pump };
enum class LinkKind { serial, tcp };
const char* to_string(InstrumentKind k);

// What was asked and what answered.
struct Identity {
    std::string model;     // the registry name of the model that answered ("keithley-2460")
    std::string identity;  // its own words (*IDN? answer, VER / ver line)
    std::string port;      // where it answered
    std::string note;      // e.g. "alarm R acknowledged", "answered in safe mode"; may be empty
};

struct InstrumentModel;
struct ProbeOptions;

// How a model is asked who it is, on a transport already open at its baud: identity queries
// only (instrument_probe.hpp). Models answering the same query share the function, and
// probe_any asks each (function, baud) once; the answer names the model.
using ProbeFn = Result<Identity> (*)(std::unique_ptr<io::ByteTransport>, const InstrumentModel&,
                                     const ProbeOptions&);
using GalvanostatFactory = Result<std::unique_ptr<Galvanostat>> (*)(const InstrumentModel&,
                                                                    std::unique_ptr<io::ByteTransport>,
                                                                    const GalvanostatOptions&);
using PumpFactory = Result<std::unique_ptr<SyringePump>> (*)(const InstrumentModel&,
                                                             std::unique_ptr<io::ByteTransport>,
                                                             const PumpOptions&);

struct InstrumentModel {
    std::string_view name;  // the recipe's model name: "keithley-2400", "ne-1000", "kds-legato-180"
    InstrumentKind kind = InstrumentKind::galvanostat;
    LinkKind transport = LinkKind::serial;
    unsigned default_baud = 0;           // serial models
    std::uint16_t default_tcp_port = 0;  // LAN models
    std::string_view probe_what;  // the query, for messages: "*IDN?", "New Era VER", "Harvard/Legato ver"
    ProbeFn probe = nullptr;
    GalvanostatFactory make_galvanostat = nullptr;  // galvanostats
    PumpFactory make_pump = nullptr;                // pumps
    std::string_view sim_model;  // the simulator's model id (SimHostConfig's galvanostat_model / pump_model)
    // Limits: the dialect entry (galvanostats: current/compliance limits, keithley::ModelLimits)
    // or the drive's plunger-speed range (pumps: rate table on any bore).
    const ScpiDialect* dialect = nullptr;
    PlungerSpeedRange plunger_speed{};
};

// Every entry, in the order a probe of an unknown serial port may try them (instrument_probe.cpp).
[[nodiscard]] std::span<const InstrumentModel> instrument_models();
// nullptr when `name` is not an entry.
[[nodiscard]] const InstrumentModel* find_instrument(std::string_view name);
// The entry of that kind, or error "unknown_model" naming the model, the kind and model_names(kind).
[[nodiscard]] Result<const InstrumentModel*> lookup_instrument(std::string_view name, InstrumentKind kind,
                                                               std::string_view where);
// "keithley-2400, keithley-2450, ..." / "ne-1000, harvard-elite, ..." for error messages.
[[nodiscard]] std::string model_names(InstrumentKind kind);
// The baud a serial model is opened at: `requested` when nonzero, else the entry's default.
[[nodiscard]] unsigned serial_baud(const InstrumentModel& m, unsigned requested);

// The factories through the table: the same drivers as make_galvanostat / make_syringe_pump,
// refused with the table's wording when the name is not an entry of that kind.
[[nodiscard]] Result<std::unique_ptr<Galvanostat>> make_instrument_galvanostat(
    std::string_view model, std::unique_ptr<io::ByteTransport> transport, const GalvanostatOptions& options);
[[nodiscard]] Result<std::unique_ptr<SyringePump>> make_instrument_pump(
    std::string_view model, std::unique_ptr<io::ByteTransport> transport, const PumpOptions& options);

}  // namespace edc
