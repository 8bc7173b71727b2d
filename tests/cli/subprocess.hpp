// Runs the cascadelab binary as a user would: in a folder of its own, with a time limit, its
// stdout and stderr captured. For the command-line contract tests.
#pragma once

#include <chrono>      // std::chrono::milliseconds
#include <filesystem>  // std::filesystem::path
#include <string>      // std::string
#include <vector>      // std::vector

namespace cascadelab::testing {

struct Finished {
    bool timed_out = false;
    bool signalled = false;  // died of a signal (a crash, an abort)
    int status = -1;         // the exit status when it exited
    std::string out;
    std::string err;
    std::chrono::milliseconds took{0};
};

// Runs `program args...` with `cwd` as its working folder; kills it after `limit`.
Finished run_program(const std::filesystem::path& program, const std::vector<std::string>& args,
                     const std::filesystem::path& cwd, std::chrono::milliseconds limit);

// Every file under `root` with its size and content hash: two listings differ when a file was
// added, removed or changed.
std::vector<std::string> listing(const std::filesystem::path& root);

}  // namespace cascadelab::testing
