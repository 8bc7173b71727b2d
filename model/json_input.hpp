// Every file a user hands cascadelab (scenarios, replay files) is read here, with hard limits, so
// that no input can crash, exhaust memory or be half-understood:
//   - a regular file only (not a directory, a device such as /dev/zero, or a pipe), at most
//     kMaxInputBytes, read with the limit in force (a file that grows while read is cut short);
//   - JSON text only: no NUL byte, nothing after the document, nesting at most kMaxJsonDepth
//     deep, every number within the range of a double, no key twice in one object (the JSON
//     library would keep the last and ignore the first without a word).
// Errors are ConfigErrors whose field says where: "(line 3, column 14) = [: nesting deeper than
// 64 levels"; a caller adds the file name in front.
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include <nlohmann/json.hpp>

namespace cascadelab {

inline constexpr std::size_t kMaxInputBytes = std::size_t{16} << 20;  // 16 MiB: a scenario is a few KiB
inline constexpr int kMaxJsonDepth = 64;  // the deepest scenario file nests 6 levels

// Where the bytes of an input file could not be had: "FILE: is a directory, not a file".
struct InputFileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The whole content of `path`, at most `max_bytes` (a sweep's runs table may be larger than a
// scenario). Throws InputFileError naming the path and why.
std::string read_input_file(const std::string& path, std::size_t max_bytes = kMaxInputBytes);

// `text` parsed under the rules above. Throws ConfigError.
nlohmann::json parse_json_strictly(std::string_view text);
nlohmann::ordered_json parse_ordered_json_strictly(std::string_view text);

// Text from a file that lands in tables, CSV cells and terminals (a scenario's name, a
// violation's detail): at most `max_bytes`, and no control characters (a newline, a tab, an
// escape sequence) that would break a row or drive the terminal. Returns why it is not, or "".
std::string why_not_one_line(std::string_view text, std::size_t max_bytes);
// A name: one line of 1 to 200 bytes.
std::string why_not_a_label(std::string_view name);

}  // namespace cascadelab
