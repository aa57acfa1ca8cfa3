#pragma once
// Every Boost.Asio user includes this instead of <boost/asio.hpp>: Boost 1.74's awaitable.hpp
// uses std::exchange without including <utility>, which GCC 12 in C++23 mode rejects.
#include <utility>

#include <boost/asio.hpp>
