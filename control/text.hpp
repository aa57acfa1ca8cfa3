#pragma once
// printf-style formatting into std::string. GCC 12's libstdc++ has no <format>, and control/
// depends on the standard library only (no fmt), so error messages are built with this.
// Always in the C locale: a GUI process runs under the user's locale (QApplication calls
// setlocale(LC_ALL, "")), and a journaled message must not read "3,5 mL" on one bench and
// "3.5 mL" on the next. Numbers for instruments and files use control/decimal.hpp.
#include <clocale>
#include <cstdarg>
#include <cstdio>
#include <string>

namespace edc {

namespace detail {

// The thread's locale switched to "C" for one scope (POSIX uselocale: per thread, no global change).
class CNumericScope {
public:
    CNumericScope() : previous_(c_locale() != locale_t{} ? ::uselocale(c_locale()) : locale_t{}) {}
    ~CNumericScope() {
        if (previous_ != locale_t{}) ::uselocale(previous_);
    }
    CNumericScope(const CNumericScope&) = delete;
    CNumericScope& operator=(const CNumericScope&) = delete;
    CNumericScope(CNumericScope&&) = delete;
    CNumericScope& operator=(CNumericScope&&) = delete;

private:
    static locale_t c_locale() {
        static const locale_t c = ::newlocale(LC_ALL_MASK, "C", locale_t{});
        return c;
    }
    locale_t previous_;
};

}  // namespace detail

[[gnu::format(printf, 1, 2)]] inline std::string strf(const char* fmt, ...) {
    const detail::CNumericScope c_locale;
    va_list args;
    va_start(args, fmt);
    va_list copy;
    va_copy(copy, args);
    const int n = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    std::string out(n > 0 ? static_cast<std::size_t>(n) : 0U, '\0');
    if (n > 0) std::vsnprintf(out.data(), out.size() + 1, fmt, args);
    va_end(args);
    return out;
}

}  // namespace edc
