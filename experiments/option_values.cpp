#include "experiments/option_values.hpp"

#include <charconv>  // std::from_chars
#include <cmath>     // std::isfinite, std::floor

#include <fmt/format.h>

#include "experiments/exit_codes.hpp"
#include "model/json_input.hpp"

namespace cascadelab::cli {

namespace {

// The text as the user typed it, safe to print: cut short, control bytes escaped by main.
std::string shown(const std::string& text) { return text.size() > 60 ? text.substr(0, 57) + "..." : text; }

bool read_double(const std::string& text, double& out) {
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out, std::chars_format::general);
    return ec == std::errc{} && ptr == end;
}

}  // namespace

const std::string* given(std::string_view option, const std::optional<std::string>& value) {
    if (!value) return nullptr;
    if (value->empty()) throw BadInput(fmt::format("{}: must not be empty", option));
    return &*value;
}

std::uint64_t parse_whole(std::string_view option, const std::string& text, std::uint64_t lo, std::uint64_t hi) {
    const std::string why = fmt::format("must be a whole number in [{}, {}]", lo, hi);
    std::uint64_t v = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v, 10);
    if (ec == std::errc{} && ptr == end && !text.empty()) {
        if (v < lo || v > hi) throw BadInput(fmt::format("{} {}: {}", option, shown(text), why));
        return v;
    }
    // 1e9 and the like: whole, non-negative and exactly representable up to 2^53.
    double d = 0;
    if (ec != std::errc::result_out_of_range && read_double(text, d) && std::isfinite(d) && d >= 0 && d == std::floor(d) &&
        d <= 9007199254740992.0 && d >= static_cast<double>(lo) && d <= static_cast<double>(hi))
        return static_cast<std::uint64_t>(d);
    throw BadInput(fmt::format("{} {}: {}", option, shown(text), why));
}

double parse_number(std::string_view option, const std::string& text, double lo, double hi, bool lo_open) {
    double d = 0;
    if (!read_double(text, d) || !std::isfinite(d) || d < lo || d > hi || (lo_open && d == lo))
        throw BadInput(fmt::format("{} {}: must be a number in {}{:g}, {:g}]", option, shown(text), lo_open ? "(" : "[", lo, hi));
    return d;
}

std::uint64_t parse_bytes(std::string_view option, const std::string& text, std::uint64_t lo, std::uint64_t hi) {
    const std::string why = fmt::format("must be a size such as 512M or 8G, in [{}, {}] bytes", lo, hi);
    if (text.empty()) throw BadInput(fmt::format("{} {}: {}", option, text, why));
    unsigned shift = 0;
    std::string digits = text;
    switch (text.back()) {
        case 'K': case 'k': shift = 10; break;
        case 'M': case 'm': shift = 20; break;
        case 'G': case 'g': shift = 30; break;
        case 'T': case 't': shift = 40; break;
        default: break;
    }
    if (shift) digits.pop_back();
    std::uint64_t v = 0;
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, v, 10);
    if (ec != std::errc{} || ptr != end || digits.empty() || (shift && v > (UINT64_MAX >> shift)))
        throw BadInput(fmt::format("{} {}: {}", option, shown(text), why));
    v <<= shift;
    if (v < lo || v > hi) throw BadInput(fmt::format("{} {}: {}", option, shown(text), why));
    return v;
}

void check_one_line(std::string_view option, const std::string& text, std::size_t max_bytes) {
    const std::string why = why_not_one_line(text, max_bytes);
    if (!why.empty()) throw BadInput(fmt::format("{} {}: {}", option, shown(text), why));
}

}  // namespace cascadelab::cli
