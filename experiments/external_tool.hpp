// Running Graphviz and gnuplot without a shell: the arguments go to the program as they are, so
// a path with a quote or a semicolon in it is a path, never a command.
#pragma once

#include <string>  // std::string
#include <vector>  // std::vector

namespace cascadelab::cli {

// Runs argv[0] (looked up on the PATH) with the arguments, its output discarded; true when it
// ran and exited 0.
bool run_tool(const std::vector<std::string>& argv);
// Whether `program --version` (or `-V` for dot) runs.
bool tool_available(const std::string& program, const std::string& version_flag = "--version");

// A string as a gnuplot single-quoted string: quotes doubled, nothing else special inside.
std::string gnuplot_quoted(const std::string& text);

}  // namespace cascadelab::cli
