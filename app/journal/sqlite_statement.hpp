#pragma once
// Thin RAII over the SQLite C API for the journal: every value goes through a bound parameter.
// Private to app/journal.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "control/error.hpp"

namespace edc::journal::detail {

// "sqlite error 5 (database is locked) in <what>: <detail>"
[[nodiscard]] Error sqlite_error(sqlite3* db, int rc, std::string_view what);

class Statement {
public:
    Statement() = default;
    Statement(sqlite3* db, std::string_view sql);  // check ok() / prepare_error() after
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    [[nodiscard]] bool ok() const noexcept { return stmt_ != nullptr; }
    [[nodiscard]] const Error& prepare_error() const noexcept { return prepare_error_; }

    // Parameters are 1-based, as in SQLite.
    void bind(int index, double v) noexcept;
    void bind(int index, std::int64_t v) noexcept;
    void bind(int index, std::string_view v) noexcept;  // copied by SQLite (SQLITE_TRANSIENT)
    void bind_null(int index) noexcept;
    void bind(int index, const std::optional<std::string>& v) noexcept;

    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step() noexcept;
    // Ready for the next execution with new bindings.
    void reset() noexcept;

    [[nodiscard]] double column_double(int col) const noexcept;
    [[nodiscard]] std::int64_t column_int(int col) const noexcept;
    [[nodiscard]] std::string column_text(int col) const;
    [[nodiscard]] bool column_is_null(int col) const noexcept;

private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
    Error prepare_error_;
};

// Runs SQL without parameters (schema, pragmas, BEGIN/COMMIT).
[[nodiscard]] Result<void> exec(sqlite3* db, const char* sql);

}  // namespace edc::journal::detail
