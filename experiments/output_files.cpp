#include "experiments/output_files.hpp"

#include <atomic>   // std::atomic
#include <cerrno>   // errno
#include <cstdio>   // std::FILE, std::fopen
#include <cstring>  // std::strerror

#include <unistd.h>  // access, getpid

#include <fmt/format.h>

#include "experiments/exit_codes.hpp"

namespace cascadelab::cli {

namespace fs = std::filesystem;

namespace {

bool same_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
    return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

bool writable_dir(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir, ec) && ::access(dir.c_str(), W_OK | X_OK) == 0;
}

fs::path folder_of(const fs::path& file) { return file.has_parent_path() ? file.parent_path() : fs::path("."); }

}  // namespace

void check_output_file(std::string_view option, const fs::path& file, const std::vector<fs::path>& inputs) {
    const std::string p = file.string();
    if (p.empty()) throw BadInput(fmt::format("{}: must name a file", option));
    if (!file.has_filename() || file.filename() == "." || file.filename() == "..")
        throw BadInput(fmt::format("{} {}: must name a file, not a folder", option, p));
    std::error_code ec;
    if (fs::is_directory(file, ec)) throw BadInput(fmt::format("{} {}: is a directory, not a file", option, p));
    if (fs::exists(file, ec) && !fs::is_regular_file(file, ec))
        throw BadInput(fmt::format("{} {}: exists and is not a regular file", option, p));
    const fs::path folder = folder_of(file);
    if (!fs::exists(folder, ec)) throw BadInput(fmt::format("{} {}: the folder {} does not exist", option, p, folder.string()));
    if (!writable_dir(folder)) throw BadInput(fmt::format("{} {}: cannot write in the folder {}", option, p, folder.string()));
    for (const fs::path& in : inputs)
        if (same_file(file, in)) throw BadInput(fmt::format("{} {}: is an input of this run; it would be overwritten", option, p));
}

void check_output_dir(std::string_view option, const fs::path& dir, const std::vector<fs::path>& inputs) {
    const std::string p = dir.string();
    if (p.empty()) throw BadInput(fmt::format("{}: must name a folder", option));
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec)) throw BadInput(fmt::format("{} {}: exists and is not a folder", option, p));
        if (!writable_dir(dir)) throw BadInput(fmt::format("{} {}: cannot write in this folder", option, p));
    } else {
        // It will be created: the nearest folder that exists must be writable.
        fs::path up = fs::absolute(dir, ec).parent_path();
        while (!up.empty() && !fs::exists(up, ec) && up != up.root_path()) up = up.parent_path();
        if (fs::exists(up, ec) && !fs::is_directory(up, ec))
            throw BadInput(fmt::format("{} {}: {} is a file, not a folder", option, p, up.string()));
        if (!writable_dir(up)) throw BadInput(fmt::format("{} {}: cannot create it (cannot write in {})", option, p, up.string()));
    }
    for (const fs::path& in : inputs)
        if (same_file(dir, in)) throw BadInput(fmt::format("{} {}: is an input of this run", option, p));
}

fs::path temporary_beside(const fs::path& file) {
    static std::atomic<unsigned> counter{0};
    fs::path t = file;
    t += fmt::format(".tmp-{}-{}", ::getpid(), counter++);
    return t;
}

void commit_temporary(std::string_view option, const fs::path& temporary, const fs::path& file) {
    std::error_code ec;
    fs::rename(temporary, file, ec);
    if (ec) {
        fs::remove(temporary, ec);
        throw BadInput(fmt::format("{} {}: cannot write the file ({})", option, file.string(), ec.message()));
    }
}

void write_atomically(std::string_view option, const fs::path& file, std::string_view content) {
    const fs::path t = temporary_beside(file);
    std::FILE* f = std::fopen(t.c_str(), "wb");
    bool ok = f != nullptr;
    const int open_errno = errno;
    if (ok) ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
    if (f) ok = (std::fclose(f) == 0) && ok;
    if (!ok) {
        std::error_code ec;
        fs::remove(t, ec);
        throw BadInput(fmt::format("{} {}: cannot write the file ({})", option, file.string(),
                                   std::strerror(f ? errno : open_errno)));
    }
    commit_temporary(option, t, file);
}

std::string file_name_from_label(std::string_view label) {
    std::string out;
    for (const char c : label) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                          c == '_' || c == '-';
        out += keep ? c : '_';
    }
    while (!out.empty() && (out.front() == '.' || out.front() == '_')) out.erase(out.begin());
    if (out.empty()) out = "scenario";
    return out.substr(0, 100);
}

}  // namespace cascadelab::cli
