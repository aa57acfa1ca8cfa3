#include <gtest/gtest.h>

#include "drivers/io/port_discovery.hpp"

TEST(PortDiscovery, EnumerationSucceedsAndNamesAreDevicePaths) {
    auto ports = edc::io::list_serial_ports();
    ASSERT_TRUE(ports) << ports.error().message;
    for (const auto& p : *ports) {
        EXPECT_EQ(p.name.rfind("/dev/", 0), 0U) << p.name;
        if (p.transport == "usb") {
            EXPECT_TRUE(p.usb_vid.has_value()) << p.name;
        }
    }
}

TEST(PortDiscovery, UsbIdIsLowercaseHexVendorColonProduct) {
    edc::io::PortInfo p;
    EXPECT_EQ(edc::io::usb_id(p), "");
    p.usb_vid = 0x0403;
    p.usb_pid = 0x6001;
    EXPECT_EQ(edc::io::usb_id(p), "0403:6001");
    p.usb_vid = 0x1A86;
    p.usb_pid = 0x7523;
    EXPECT_EQ(edc::io::usb_id(p), "1a86:7523");
}
