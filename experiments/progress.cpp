#include "experiments/progress.hpp"

#include <algorithm>  // std::min
#include <cmath>   // std::floor, std::fmod
#include <cstdio>  // std::fprintf

#include <unistd.h>  // isatty

#include <fmt/format.h>

namespace cascadelab::cli {

namespace {
constexpr double kQuietSeconds = 1.0;      // nothing before this
constexpr double kTerminalEvery = 0.25;    // a terminal line is rewritten at most this often
constexpr double kLogEvery = 10.0;         // a log line at most this often
}  // namespace

std::string format_seconds(double s) {
    if (s < 60) return fmt::format("{:.0f} s", s);
    if (s < 3600) return fmt::format("{:.0f} min {:.0f} s", std::floor(s / 60), std::fmod(s, 60.0));
    return fmt::format("{:.0f} h {:.0f} min", std::floor(s / 3600), std::fmod(s, 3600.0) / 60);
}

double virtual_share(const RunProgress& p) {
    if (p.workload_end <= Time{}) return -1;
    return std::min(0.99, static_cast<double>(p.now.us()) / static_cast<double>(p.workload_end.us()));
}

std::string describe_progress(const RunProgress& p) {
    const double now = static_cast<double>(p.now.us()) / 1e6, end = static_cast<double>(p.workload_end.us()) / 1e6;
    if (p.now > p.workload_end)
        return fmt::format("virtual time {:.1f} s, draining after the last arrival at {:.1f} s; {:.3g} events", now, end,
                           static_cast<double>(p.events));
    return fmt::format("virtual time {:.1f} s of {:.1f} s; {:.3g} events", now, end, static_cast<double>(p.events));
}

ProgressLine::ProgressLine(std::string what)
    : what_(std::move(what)), started_(Clock::now()), last_(started_), terminal_(::isatty(2) == 1) {}

ProgressLine::~ProgressLine() {
    if (shown_ && terminal_) std::fputs("\n", stderr);
}

void ProgressLine::update(double done, std::string_view detail) {
    const Clock::time_point now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    if (elapsed < kQuietSeconds) return;
    const double since = std::chrono::duration<double>(now - last_).count();
    if (shown_ && since < (terminal_ ? kTerminalEvery : kLogEvery)) return;
    last_ = now;
    std::string eta;
    if (done > 0.001 && done < 1.0) eta = fmt::format(", {:.0f} %, about {} left", 100 * done, format_seconds(elapsed * (1 - done) / done));
    const std::string line = fmt::format("{}: {}{} ({} so far)", what_, detail, eta, format_seconds(elapsed));
    if (terminal_) std::fprintf(stderr, "\r%-100s", line.c_str());
    else std::fprintf(stderr, "%s\n", line.c_str());
    shown_ = true;
}

}  // namespace cascadelab::cli
