#pragma once
// Runs a test under a decimal-comma locale, as edc-gui does on a German bench (QApplication
// calls setlocale(LC_ALL, "")): printf-family calls then write "5,7E-03" and strtod stops at
// the '.'. Issue 11, defect 5. `.ci/setup` generates de_DE.UTF-8.
#include <clocale>
#include <cstdlib>
#include <locale>
#include <stdexcept>

namespace edc::test_support {

inline constexpr const char* decimal_comma_locale_name = "de_DE.UTF-8";

// Switches the process (C and C++ global locale) to de_DE.UTF-8 while it lives; back to "C" after.
// The locale exists on this machine.
[[nodiscard]] inline bool decimal_comma_locale_installed() {
    try {
        (void)std::locale(decimal_comma_locale_name);
        return true;
    } catch (const std::runtime_error&) {
        return false;
    }
}

class DecimalCommaLocale {
public:
    DecimalCommaLocale() {
        try {
            std::locale::global(std::locale(decimal_comma_locale_name));
        } catch (const std::runtime_error&) {
            return;  // not installed here: active() says so
        }
        active_ = std::setlocale(LC_ALL, decimal_comma_locale_name) != nullptr;
    }
    ~DecimalCommaLocale() {
        std::locale::global(std::locale::classic());
        std::setlocale(LC_ALL, "C");
    }
    DecimalCommaLocale(const DecimalCommaLocale&) = delete;
    DecimalCommaLocale& operator=(const DecimalCommaLocale&) = delete;
    DecimalCommaLocale(DecimalCommaLocale&&) = delete;
    DecimalCommaLocale& operator=(DecimalCommaLocale&&) = delete;

    // The locale is installed, switched to, and really has a decimal comma (strtod reads "1,5").
    [[nodiscard]] bool active() const { return active_ && std::strtod("1,5", nullptr) == 1.5; }

private:
    bool active_ = false;
};

}  // namespace edc::test_support
