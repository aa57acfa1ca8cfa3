#pragma once
// Builds the galvanostat a recipe names: a ScpiSourceMeter with the model's dialect-table entry
// ("keithley-2400" on an RS-232 device path; "keithley-2450", "keithley-2460", "keithley-2461",
// "keysight-b2901a", "keysight-b2902a" at tcp://host:5025), or a MethodScriptPotentiostat
// ("palmsens-emstat4", "palmsens-emstat-pico" on a USB virtual COM port). Errors: "unknown_model",
// "invalid_setting" (a LAN-only model given a serial port), and the transport's open errors.
#include <chrono>
#include <memory>
#include <string>

#include "drivers/galvanostat/galvanostat.hpp"
#include "drivers/io/io_thread.hpp"
#include "drivers/io/transport.hpp"

namespace edc {

struct GalvanostatOptions {
    unsigned baud = 9600;                     // 2400 RS-232 (factory default 9600)
    std::string reply_terminator = "any";     // 2400: "\r", "\n", "\r\n" or "any"
    std::chrono::milliseconds timeout{2000};  // per command
    std::chrono::milliseconds connect_timeout{3000};
};

Result<std::unique_ptr<Galvanostat>> make_galvanostat(const std::string& model, const std::string& port,
                                                      const GalvanostatOptions& options, io::IoThread& io);
// The same on a transport already open (a simulator's in-process link).
Result<std::unique_ptr<Galvanostat>> make_galvanostat(const std::string& model,
                                                      std::unique_ptr<io::ByteTransport> transport,
                                                      const GalvanostatOptions& options);

}  // namespace edc
