#pragma once
// The doctor's instrument probe built on the real drivers: *IDN? for a galvanostat, the
// version query for a pump. Queries only: nothing is configured and no output is switched on.
#include <chrono>

#include "app/doctor/doctor.hpp"

namespace edc::doctor {

struct DriverProbeOptions {
    unsigned galvanostat_baud = 9600;  // Keithley 2400 factory setting
    unsigned pump_baud = 0;            // 0: model default (New Era 19200, Harvard Elite 115200)
    std::chrono::milliseconds timeout{1000};
};

// The returned prober owns an I/O thread, started on first use.
[[nodiscard]] Prober make_driver_prober(DriverProbeOptions options = {});

}  // namespace edc::doctor
