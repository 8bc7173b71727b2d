// Numbers and sizes from the command line, read strictly: the whole text must be the number, in
// range, or the option is named in a one-line BadInput. (CLI11's own conversion turns "-1" into
// 2^64 - 1 for an unsigned option and takes "0x10" as 16; nothing here wraps or guesses.)
#pragma once

#include <cstdint>      // std::uint64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

namespace cascadelab::cli {

// An option that may be left out but, when given, must not be empty ("--out ''" is a mistake,
// not a request for the default). nullptr when left out.
const std::string* given(std::string_view option, const std::optional<std::string>& value);

// A whole number in [lo, hi], in decimal digits ("1e9" is accepted when it is whole and in range).
std::uint64_t parse_whole(std::string_view option, const std::string& text, std::uint64_t lo, std::uint64_t hi);
// A finite number in [lo, hi]; lo_open excludes lo itself ("must be positive").
double parse_number(std::string_view option, const std::string& text, double lo, double hi, bool lo_open = false);
// Bytes: a whole number with an optional binary suffix K, M, G or T ("8G", "512M", "1073741824").
std::uint64_t parse_bytes(std::string_view option, const std::string& text, std::uint64_t lo, std::uint64_t hi);
// One line of printable text (a name, a reproduce string), at most max_bytes.
void check_one_line(std::string_view option, const std::string& text, std::size_t max_bytes);

}  // namespace cascadelab::cli
