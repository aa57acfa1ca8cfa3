#include "app/journal/sqlite_statement.hpp"

#include <utility>

#include "control/text.hpp"

namespace edc::journal::detail {

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
    const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    return Error{"journal_error",
                 strf("sqlite error %d (%s) in %.*s: %s", rc, sqlite3_errstr(rc), static_cast<int>(what.size()),
                      what.data(), detail),
                 db != nullptr && sqlite3_db_filename(db, "main") != nullptr ? sqlite3_db_filename(db, "main") : ""};
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                                      nullptr);
    if (rc != SQLITE_OK) {
        prepare_error_ = sqlite_error(db, rc, "prepare");
        sqlite3_finalize(stmt_);
        stmt_ = nullptr;
    }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), prepare_error_(std::move(other.prepare_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        db_ = other.db_;
        stmt_ = std::exchange(other.stmt_, nullptr);
        prepare_error_ = std::move(other.prepare_error_);
    }
    return *this;
}

void Statement::bind(int index, double v) noexcept { sqlite3_bind_double(stmt_, index, v); }
void Statement::bind(int index, std::int64_t v) noexcept { sqlite3_bind_int64(stmt_, index, v); }
void Statement::bind(int index, std::string_view v) noexcept {
    sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Statement::bind_null(int index) noexcept { sqlite3_bind_null(stmt_, index); }
void Statement::bind(int index, const std::optional<std::string>& v) noexcept {
    if (v) {
        bind(index, std::string_view(*v));
    } else {
        bind_null(index);
    }
}

int Statement::step() noexcept { return sqlite3_step(stmt_); }

void Statement::reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

double Statement::column_double(int col) const noexcept { return sqlite3_column_double(stmt_, col); }
std::int64_t Statement::column_int(int col) const noexcept { return sqlite3_column_int64(stmt_, col); }
std::string Statement::column_text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    const int n = sqlite3_column_bytes(stmt_, col);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}
bool Statement::column_is_null(int col) const noexcept { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Result<void> exec(sqlite3* db, const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        Error e = sqlite_error(db, rc, sql);
        sqlite3_free(message);
        return std::unexpected(std::move(e));
    }
    return {};
}

}  // namespace edc::journal::detail
