#pragma once
// Forward-only schema migrations of the run journal. migrations()[i] takes a database from
// user_version i to i + 1; each runs in its own transaction with the version bump.
#include <sqlite3.h>

#include <span>

#include "control/error.hpp"

namespace edc::journal::detail {

struct Migration {
    int to_version;
    const char* description;
    Result<void> (*apply)(sqlite3* db);
};

[[nodiscard]] std::span<const Migration> migrations() noexcept;

}  // namespace edc::journal::detail
