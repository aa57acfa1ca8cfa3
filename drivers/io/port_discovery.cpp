#include "drivers/io/port_discovery.hpp"

#include <libserialport.h>

#include <climits>
#include <cstdlib>
#include <filesystem>

#include "control/text.hpp"

namespace edc::io {
namespace {

std::string str(const char* s) {
    return s ? std::string(s) : std::string();
}

// /sys/class/tty/ttyUSB0/device -> .../1-1.3:1.0/ttyUSB0 (usb-serial) or .../1-1.3:1.0 (cdc-acm).
std::string usb_interface_path(const std::string& dev_name) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto base = fs::path(dev_name).filename();
    auto p = fs::canonical(fs::path("/sys/class/tty") / base / "device", ec);
    if (ec) return {};
    for (int i = 0; i < 3 && !p.empty(); ++i, p = p.parent_path()) {
        auto leaf = p.filename().string();
        if (leaf.find(':') != std::string::npos && leaf.find('-') != std::string::npos) return leaf;
    }
    return {};
}

}  // namespace

Result<std::vector<PortInfo>> list_serial_ports() {
    sp_port** ports = nullptr;
    if (sp_list_ports(&ports) != SP_OK) {
        char* msg = sp_last_error_message();
        const std::string text = str(msg);
        sp_free_error_message(msg);
        return fail("io_error", strf("cannot enumerate serial ports: %s", text.c_str()), "libserialport");
    }
    std::vector<PortInfo> out;
    for (sp_port** p = ports; *p != nullptr; ++p) {
        PortInfo info;
        info.name = str(sp_get_port_name(*p));
        info.description = str(sp_get_port_description(*p));
        switch (sp_get_port_transport(*p)) {
            case SP_TRANSPORT_USB:
                info.transport = "usb";
                break;
            case SP_TRANSPORT_BLUETOOTH:
                info.transport = "bluetooth";
                break;
            default:
                info.transport = "native";
                break;
        }
        if (sp_get_port_transport(*p) == SP_TRANSPORT_USB) {
            int vid = 0, pid = 0, bus = 0, addr = 0;
            if (sp_get_port_usb_vid_pid(*p, &vid, &pid) == SP_OK) {
                info.usb_vid = vid;
                info.usb_pid = pid;
            }
            if (sp_get_port_usb_bus_address(*p, &bus, &addr) == SP_OK) {
                info.usb_bus = bus;
                info.usb_address = addr;
            }
            info.usb_serial = str(sp_get_port_usb_serial(*p));
            info.usb_manufacturer = str(sp_get_port_usb_manufacturer(*p));
            info.usb_product = str(sp_get_port_usb_product(*p));
            info.usb_port_path = usb_interface_path(info.name);
        }
        out.push_back(std::move(info));
    }
    sp_free_port_list(ports);
    return out;
}

std::string usb_id(const PortInfo& p) {
    if (!p.usb_vid || !p.usb_pid) return {};
    return strf("%04x:%04x", static_cast<unsigned>(*p.usb_vid), static_cast<unsigned>(*p.usb_pid));
}

}  // namespace edc::io
