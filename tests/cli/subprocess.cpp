#include "tests/cli/subprocess.hpp"

#include <algorithm>  // std::sort
#include <fstream>    // std::ifstream
#include <sstream>    // std::ostringstream
#include <thread>     // std::this_thread::sleep_for

#include <fcntl.h>     // open
#include <signal.h>    // kill, SIGKILL
#include <sys/wait.h>  // waitpid
#include <unistd.h>    // fork, execv, chdir

namespace cascadelab::testing {

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

Finished run_program(const fs::path& program, const std::vector<std::string>& args, const fs::path& cwd,
                     std::chrono::milliseconds limit) {
    // The captured streams live beside the working folder, not in it: the folder is compared
    // before and after.
    const fs::path out_file = fs::path(cwd).concat(".stdout"), err_file = fs::path(cwd).concat(".stderr");
    std::vector<std::string> argv_text{program.string()};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);

    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        if (chdir(cwd.c_str()) != 0) _exit(127);
        const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int in = open("/dev/null", O_RDONLY);
        dup2(out, 1);
        dup2(err, 2);
        dup2(in, 0);
        execv(argv[0], argv.data());
        _exit(127);
    }
    Finished f;
    int status = 0;
    for (;;) {
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (std::chrono::steady_clock::now() - started > limit) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            f.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    f.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    f.signalled = WIFSIGNALED(status);
    f.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    f.out = slurp(out_file);
    f.err = slurp(err_file);
    std::error_code ec;
    fs::remove(out_file, ec);
    fs::remove(err_file, ec);
    return f;
}

std::vector<std::string> listing(const fs::path& root) {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const fs::path rel = fs::relative(it->path(), root, ec);
        if (it->is_regular_file(ec)) {
            const std::string content = slurp(it->path());
            out.push_back(rel.string() + " " + std::to_string(content.size()) + " " +
                          std::to_string(std::hash<std::string>{}(content)));
        } else {
            out.push_back(rel.string() + (it->is_directory(ec) ? "/" : " (special)"));
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace cascadelab::testing
