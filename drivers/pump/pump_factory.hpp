#pragma once
// Builds the pump a recipe names: "ne-1000" (New Era family), "harvard-elite" (Pump 11 Elite) or
// "kds-legato-100" / "kds-legato-180" / "kds-legato-200" (KD Scientific Legato) on a serial
// device path. The New Era pump is switched to safe mode when safe_mode_timeout_s > 0; the Elite
// gets `NVRAM off`, the Legato `nvram none`.
#include <chrono>
#include <memory>
#include <string>

#include "drivers/io/io_thread.hpp"
#include "drivers/io/transport.hpp"
#include "drivers/pump/syringe_pump.hpp"

namespace edc {

struct PumpOptions {
    unsigned baud = 0;  // 0: model default (New Era 19200, Elite and Legato 115200)
    int address = 0;
    int safe_mode_timeout_s = 0;  // New Era host watchdog; 0 = basic mode
    std::chrono::milliseconds timeout{1000};
};

Result<std::unique_ptr<SyringePump>> make_syringe_pump(const std::string& model, const std::string& port,
                                                       const PumpOptions& options, io::IoThread& io);
// The same on a transport already open (a simulator's in-process link).
Result<std::unique_ptr<SyringePump>> make_syringe_pump(const std::string& model,
                                                       std::unique_ptr<io::ByteTransport> transport,
                                                       const PumpOptions& options);

}  // namespace edc
