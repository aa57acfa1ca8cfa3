#pragma once
// printf-style formatting into std::string. GCC 12's libstdc++ has no <format>, and control/
// depends on the standard library only (no fmt), so error messages are built with this.
#include <cstdarg>
#include <cstdio>
#include <string>

namespace edc {

[[gnu::format(printf, 1, 2)]] inline std::string strf(const char* fmt, ...) {
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
