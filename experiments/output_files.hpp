// Where cascadelab writes, checked before any work and written so that a failure leaves nothing
// half-done:
//   - an output file's folder must exist and be writable, the file must not be a directory, and
//     it must not be one of the run's inputs (a scenario file, a replay file);
//   - an output folder must be a writable folder, or not exist under a writable one;
//   - every file is written to a temporary name beside it and renamed into place, so a reader
//     sees the old file or the new one, never a part, and a failed run leaves no file behind;
//   - a name that comes from data (a scenario's name) is a label, not a path: a file name made
//     from it keeps only letters, digits, '.', '_' and '-', and never starts with a dot.
#pragma once

#include <filesystem>   // std::filesystem::path
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace cascadelab::cli {

// Throws BadInput naming the option and the path.
void check_output_file(std::string_view option, const std::filesystem::path& file,
                       const std::vector<std::filesystem::path>& inputs);
void check_output_dir(std::string_view option, const std::filesystem::path& dir,
                      const std::vector<std::filesystem::path>& inputs);

// Writes `content` to `file` atomically (temporary file + rename). Throws BadInput naming the
// option on failure, after removing the temporary file.
void write_atomically(std::string_view option, const std::filesystem::path& file, std::string_view content);
// A temporary name beside `file` for a tool that writes it itself (gnuplot); rename it into
// place with commit_temporary, or remove it.
std::filesystem::path temporary_beside(const std::filesystem::path& file);
void commit_temporary(std::string_view option, const std::filesystem::path& temporary, const std::filesystem::path& file);

// A file name made from a label: "rpc-naive" stays, "../x" becomes "x", "a b/c" "a_b_c".
std::string file_name_from_label(std::string_view label);

}  // namespace cascadelab::cli
