#pragma once
// Runs the `edc` binary as a child process for the CLI-level reliability tests: finds it
// (EDC_BIN, else build/<dir>/app/cli/edc next to build/<dir>/tests/integration/<test>), reads its
// stdout without blocking, remembers the latest run time it printed, and kills it by pid.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace edc::testing {

inline std::optional<std::string> edc_binary() {
    if (const char* e = std::getenv("EDC_BIN"); e && *e) {
        if (std::filesystem::exists(e)) return std::string(e);
        return std::nullopt;
    }
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return std::nullopt;
    const auto candidate = self.parent_path().parent_path().parent_path() / "app" / "cli" / "edc";
    if (std::filesystem::exists(candidate)) return candidate.string();
    return std::nullopt;
}

class EdcProcess {
public:
    // argv without the program; stdout and stderr both go to the pipe read by poll().
    EdcProcess(const std::string& binary, const std::vector<std::string>& args) {
        int fds[2];
        if (::pipe(fds) != 0) return;
        started_ = std::chrono::steady_clock::now();
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(fds[1], 1);
            ::dup2(fds[1], 2);
            ::close(fds[0]);
            ::close(fds[1]);
            std::vector<char*> argv;
            argv.push_back(const_cast<char*>(binary.c_str()));
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(binary.c_str(), argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        out_fd_ = fds[0];
        ::fcntl(out_fd_, F_SETFL, O_NONBLOCK);
    }
    ~EdcProcess() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_fd_ >= 0) ::close(out_fd_);
    }
    EdcProcess(const EdcProcess&) = delete;
    EdcProcess& operator=(const EdcProcess&) = delete;

    [[nodiscard]] bool started() const { return pid_ > 0; }
    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] const std::string& output() const { return output_; }
    [[nodiscard]] double seconds_since_start() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    }
    // Latest run time the child printed ("t 12.3 s" progress or "[   12.34 s]" event lines), and
    // the real time (seconds since start) at which this test read it.
    [[nodiscard]] std::optional<double> last_run_time() const { return last_t_; }
    [[nodiscard]] double last_run_time_read_at() const { return last_t_read_at_; }
    [[nodiscard]] bool depositing_seen() const { return output_.find("depositing") != std::string::npos; }

    // Reads what is available; returns true if the child has exited (exit_code() is then set).
    bool poll() {
        char buf[8192];
        for (;;) {
            const auto n = ::read(out_fd_, buf, sizeof buf);
            if (n <= 0) break;
            const auto before = output_.size();
            output_.append(buf, static_cast<std::size_t>(n));
            parse_times(before);
        }
        if (!exited_) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) record_exit(status);
        }
        return exited_;
    }
    // Waits for the exit, at most `limit`; kills the child (SIGKILL) when it is exceeded.
    bool wait(std::chrono::seconds limit) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (!poll()) {
            if (std::chrono::steady_clock::now() > until) {
                kill(SIGKILL);
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return true;
    }
    void kill(int sig) {
        if (pid_ <= 0 || exited_) return;
        ::kill(pid_, sig);
        if (sig == SIGKILL) {
            int status = 0;
            ::waitpid(pid_, &status, 0);
            record_exit(status);
            poll();
        }
    }
    [[nodiscard]] std::optional<int> exit_code() const { return exit_code_; }
    [[nodiscard]] std::optional<int> term_signal() const { return signal_; }

private:
    void record_exit(int status) {
        exited_ = true;
        if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) signal_ = WTERMSIG(status);
    }
    void parse_times(std::size_t from) {
        // Only complete lines: start at the beginning of the line holding `from`.
        const auto line_start = output_.rfind('\n', from == 0 ? 0 : from - 1);
        const std::size_t begin = line_start == std::string::npos ? 0 : line_start + 1;
        const auto end = output_.rfind('\n');
        if (end == std::string::npos || end < begin) return;
        static const std::regex t_re(R"((?:  t ([0-9]+\.[0-9]+) s)|(?:^\[ *([0-9]+\.[0-9]+) s\]))");
        const std::string chunk = output_.substr(begin, end - begin);
        std::size_t pos = 0;
        while (pos < chunk.size()) {
            auto nl = chunk.find('\n', pos);
            if (nl == std::string::npos) nl = chunk.size();
            const std::string line = chunk.substr(pos, nl - pos);
            std::smatch m;
            if (std::regex_search(line, m, t_re)) {
                const double t = std::stod(m[1].matched ? m[1].str() : m[2].str());
                if (!last_t_ || t > *last_t_) {
                    last_t_ = t;
                    last_t_read_at_ = seconds_since_start();
                }
            }
            pos = nl + 1;
        }
    }

    pid_t pid_ = -1;
    int out_fd_ = -1;
    std::chrono::steady_clock::time_point started_;
    std::string output_;
    bool exited_ = false;
    std::optional<int> exit_code_;
    std::optional<int> signal_;
    std::optional<double> last_t_;
    double last_t_read_at_ = 0.0;
};

}  // namespace edc::testing
