#include "experiments/external_tool.hpp"

#include <cerrno>  // errno, EINTR

#include <map>    // std::map
#include <mutex>  // std::mutex

#include <fcntl.h>     // O_WRONLY
#include <spawn.h>     // posix_spawnp
#include <sys/wait.h>  // waitpid

extern char** environ;

namespace cascadelab::cli {

bool run_tool(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return false;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool tool_available(const std::string& program, const std::string& version_flag) {
    // Asked once per process: validation asks on every command line, and a process start costs
    // milliseconds.
    static std::mutex mutex;
    static std::map<std::string, bool> known;
    const std::lock_guard lock(mutex);
    const auto it = known.find(program);
    if (it != known.end()) return it->second;
    return known[program] = run_tool({program, version_flag});
}

std::string gnuplot_quoted(const std::string& text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'') out += "''";
        else if (c == '\n' || c == '\r') out += ' ';
        else out += c;
    }
    return out + "'";
}

}  // namespace cascadelab::cli
