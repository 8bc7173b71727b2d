// Exit statuses shared by every subcommand.
#pragma once

#include <stdexcept>  // std::runtime_error

namespace cascadelab::cli {

constexpr int kExitOk = 0;
constexpr int kExitFound = 1;     // a check failed: a violation found, generated files drifted
constexpr int kExitBadInput = 2;  // bad arguments or files: one error line on stderr

// Thrown by a subcommand for bad input; main prints "cascadelab: error: <what>" and exits 2.
struct BadInput : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace cascadelab::cli
