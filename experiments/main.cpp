// cascadelab: the command-line tool. Each subcommand lives in its own file; command_line.cpp
// parses, validates and runs them.
#include "experiments/command_line.hpp"

int main(int argc, char** argv) { return cascadelab::cli::run_command_line(argc, argv); }
