// Progress on stderr for anything that runs longer than about a second: nothing before that, so
// quick commands stay quiet. On a terminal one line rewritten in place (\r) with the share done
// and the time left; otherwise (CI logs, pipes) a plain line every ten seconds. Wall-clock time
// is read here only for this; it never reaches the model or stdout.
#pragma once

#include <chrono>       // std::chrono::steady_clock
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "model/run_options.hpp"

namespace cascadelab::cli {

class ProgressLine {
public:
    explicit ProgressLine(std::string what);
    ~ProgressLine();  // ends the line if one was shown
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    // `done` in [0, 1] (negative: unknown); `detail` says where ("case 12 of 100").
    void update(double done, std::string_view detail);
    // Whether anything was printed (a caller ending with a summary line starts a new line).
    bool shown() const { return shown_; }

private:
    using Clock = std::chrono::steady_clock;
    std::string what_;
    Clock::time_point started_;
    Clock::time_point last_;
    bool terminal_;
    bool shown_ = false;
};

// One run's progress: the share of its workload's virtual time gone (then it drains: 0.99), and
// "virtual 12.5s of 15s, 3.1M events".
double virtual_share(const RunProgress& p);
std::string describe_progress(const RunProgress& p);

// "45 s", "3 min 20 s", "1 h 5 min".
std::string format_seconds(double seconds);

}  // namespace cascadelab::cli
