#include "model/json_input.hpp"

#include <cerrno>      // errno
#include <cmath>       // std::isfinite
#include <cstdlib>     // std::strtod
#include <algorithm>   // std::min
#include <array>       // std::array
#include <cstring>     // std::strerror
#include <filesystem>  // std::filesystem::status
#include <fstream>     // std::ifstream
#include <set>         // std::set
#include <vector>      // std::vector

#include <fmt/format.h>

#include "statemachines/config_error.hpp"

namespace cascadelab {

namespace fs = std::filesystem;

std::string read_input_file(const std::string& path, std::size_t max_bytes) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) throw InputFileError(fmt::format("{}: no such file", path));
    if (fs::is_directory(st)) throw InputFileError(fmt::format("{}: is a directory, not a file", path));
    // A device (/dev/zero, /dev/stdin on a terminal) or a FIFO can be endless or block forever.
    if (!fs::is_regular_file(st)) throw InputFileError(fmt::format("{}: is not a regular file (a device or a pipe?)", path));
    const std::uintmax_t size = fs::file_size(path, ec);
    if (!ec && size > max_bytes)
        throw InputFileError(fmt::format("{}: {} bytes is more than an input file may hold ({} MiB)", path, size,
                                         max_bytes >> 20));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputFileError(fmt::format("{}: cannot read ({})", path, std::strerror(errno)));
    // Read with the limit in force: the size above can be stale (a file still being written).
    std::string text;
    text.reserve(ec ? 0 : static_cast<std::size_t>(std::min<std::uintmax_t>(size, max_bytes)));
    std::array<char, 1 << 16> chunk{};
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
        text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_bytes)
            throw InputFileError(fmt::format("{}: more than an input file may hold ({} MiB)", path, max_bytes >> 20));
    }
    if (in.bad()) throw InputFileError(fmt::format("{}: cannot read ({})", path, std::strerror(errno)));
    return text;
}

namespace {

std::string where(std::size_t line, std::size_t column) { return fmt::format("(line {}, column {})", line, column); }

std::string token(std::string_view s) {
    std::string t{s.substr(0, 40)};
    return t.size() < s.size() ? t + "..." : t;
}

// One pass over the text outside the JSON library, for what it lets through or handles badly:
// NUL bytes (it stops reading at one, so garbage after it passes), nesting (it recurses, so a
// deep document overflows the stack), and numbers beyond a double (an exception without a
// position). Strings are skipped with their escapes.
void prescan(std::string_view text) {
    std::size_t line = 1, column = 0;
    int depth = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        ++column;
        if (c == '\0') throw ConfigError(where(line, column), "NUL", "a JSON file is text: no NUL bytes");
        if (c == '\n') {
            ++line;
            column = 0;
        }
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        switch (c) {
            case '"': in_string = true; break;
            case '[':
            case '{':
                if (++depth > kMaxJsonDepth)
                    throw ConfigError(where(line, column), std::string(1, c),
                                      fmt::format("nesting deeper than {} levels", kMaxJsonDepth));
                break;
            case ']':
            case '}': --depth; break;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    std::size_t end = i;
                    while (end < text.size() && std::string_view{"+-.eE0123456789"}.find(text[end]) != std::string_view::npos)
                        ++end;
                    const std::string number{text.substr(i, end - i)};
                    const double v = std::strtod(number.c_str(), nullptr);
                    if (!std::isfinite(v))
                        throw ConfigError(where(line, column), token(number), "is beyond the range of a number (1.8e308)");
                    column += end - i - 1;
                    i = end - 1;
                }
        }
    }
}

// Rejects a key given twice in one object, naming it by its path: the JSON library keeps the
// last and drops the first silently. A stack of the objects and arrays being read.
template <class Json>
class DuplicateKeyCheck {
public:
    bool operator()(int, nlohmann::detail::parse_event_t event, Json& parsed) {
        using E = nlohmann::detail::parse_event_t;
        switch (event) {
            case E::object_start: frames_.push_back(Frame{false, {}, 0, {}}); break;
            case E::array_start: frames_.push_back(Frame{true, {}, 0, {}}); break;
            case E::key: {
                Frame& f = frames_.back();
                const std::string& k = parsed.template get_ref<const std::string&>();
                if (!f.keys.insert(k).second)
                    throw ConfigError(path(k), "(given twice)",
                                      "duplicate key: the JSON would keep the second and drop the first");
                f.key = k;
                break;
            }
            case E::object_end:
            case E::array_end:
                frames_.pop_back();
                element_done();
                break;
            case E::value: element_done(); break;
        }
        return true;
    }

private:
    struct Frame {
        bool array;
        std::string key;
        std::size_t index;
        std::set<std::string> keys;
    };
    void element_done() {
        if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    }
    std::string path(const std::string& leaf) const {
        std::string out;
        for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
            const Frame& f = frames_[i];
            if (f.array) out += fmt::format("[{}]", f.index);
            else out += (out.empty() ? "" : ".") + f.key;
        }
        return out + (out.empty() ? "" : ".") + leaf;
    }
    std::vector<Frame> frames_;
};

template <class Json>
Json parse(std::string_view text) {
    if (text.size() > kMaxInputBytes)
        throw ConfigError("(text)", fmt::format("{} bytes", text.size()),
                          fmt::format("more than an input may hold ({} MiB)", kMaxInputBytes >> 20));
    prescan(text);
    try {
        return Json::parse(text.begin(), text.end(), DuplicateKeyCheck<Json>{}, /*allow_exceptions=*/true,
                           /*ignore_comments=*/false);
    } catch (const nlohmann::json::exception& e) {
        // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while
        // parsing object - ...": keep the position as the field and the rest as the reason.
        std::string what = e.what();
        const auto at = what.find(" at line ");
        const auto colon = what.find(": ", at == std::string::npos ? 0 : at);
        if (at != std::string::npos && colon != std::string::npos)
            throw ConfigError("(" + what.substr(at + 4, colon - at - 4) + ")", "(text)", what.substr(colon + 2));
        const auto bracket = what.find("] ");
        throw ConfigError("(json)", "(text)", bracket == std::string::npos ? what : what.substr(bracket + 2));
    }
}

}  // namespace

nlohmann::json parse_json_strictly(std::string_view text) { return parse<nlohmann::json>(text); }
nlohmann::ordered_json parse_ordered_json_strictly(std::string_view text) { return parse<nlohmann::ordered_json>(text); }

std::string why_not_one_line(std::string_view text, std::size_t max_bytes) {
    if (text.size() > max_bytes) return fmt::format("must be at most {} bytes", max_bytes);
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return "must not hold control characters (tabs, newlines, escapes)";
    }
    return "";
}

std::string why_not_a_label(std::string_view name) {
    if (name.empty()) return "must not be empty";
    return why_not_one_line(name, 200);
}

}  // namespace cascadelab
