// libFuzzer target: the command line, parsed and validated but never run. The input is the
// arguments separated by NUL bytes. Whatever they are, validation must end in a validated
// command or one line and exit status 2 — never a crash, a hang, an exception that escapes, or a
// file written (validation only reads).
#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint8_t
#include <cstdio>   // std::fprintf
#include <cstdlib>  // std::abort
#include <string>
#include <vector>

#include "experiments/command_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> args{"cascadelab"};
    std::string current;
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == '\0') {
            args.push_back(current);
            current.clear();
        } else {
            current += static_cast<char>(data[i]);
        }
    }
    if (!current.empty() || size == 0) args.push_back(current);
    if (args.size() > 64) return 0;  // a command line is short; longer inputs only slow the search
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    const int rc = cascadelab::cli::run_command_line(static_cast<int>(argv.size()), argv.data(), /*execute=*/false);
    if (rc != 0 && rc != 2) {
        std::fprintf(stderr, "validation returned %d\n", rc);
        std::abort();
    }
    return 0;
}
