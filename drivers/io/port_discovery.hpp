#pragma once
// Serial port enumeration through libserialport (for `edc devices`). Pseudo-terminals are not
// in sysfs and never appear here; udev symlinks (/dev/edc-pump) are listed by the kernel name.
#include <optional>
#include <string>
#include <vector>

#include "control/error.hpp"

namespace edc::io {

struct PortInfo {
    std::string name;         // /dev/ttyUSB0
    std::string description;  // libserialport's one-line description
    std::string transport;    // "usb", "native", "bluetooth"
    std::optional<int> usb_vid, usb_pid;
    std::optional<int> usb_bus, usb_address;
    std::string usb_serial, usb_manufacturer, usb_product;
    std::string usb_port_path;  // sysfs KERNELS path such as "1-1.3:1.0" (for adapters without serial)
};

Result<std::vector<PortInfo>> list_serial_ports();

// "0403:6001" style id, empty when not USB.
std::string usb_id(const PortInfo& p);

}  // namespace edc::io
