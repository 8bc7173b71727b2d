// Trace storage, hashing and formatting.
#include "model/kernel/trace.hpp"

#include <fmt/format.h>  // fmt::format

#include "model/kernel/rng.hpp"  // fnv1a64

namespace cascadelab {

namespace {
std::uint64_t mix_u64(std::uint64_t h, std::uint64_t v) {
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    return fnv1a64(std::string_view{bytes, 8}, h);
}
std::uint64_t mix_name(std::uint64_t h, std::string_view s) { return fnv1a64(s, mix_u64(h, s.size())); }
}  // namespace

std::string_view TraceRecorder::intern(std::string name) {
    interned_.push_back(std::move(name));
    return interned_.back();
}

std::uint64_t TraceRecorder::hash() const { return trace_hash(entries_); }

std::uint64_t trace_hash(const std::vector<TraceEntry>& entries) {
    std::uint64_t h = mix_u64(0xcbf29ce484222325ULL, entries.size());
    for (const TraceEntry& e : entries) {
        h = mix_u64(h, static_cast<std::uint64_t>(e.at.us()));
        h = mix_name(h, e.component);
        h = mix_name(h, e.from);
        h = mix_name(h, e.event);
        h = mix_name(h, e.to);
        h = mix_u64(h, e.id);
    }
    return h;
}

std::string format_trace_line(const TraceEntry& e) {
    const std::string arrow = fmt::format("--{}-->", e.event);
    std::string line = fmt::format("{:>14}  {:<16} {:<14} {:<22} {:<14}", to_string(e.at), e.component, e.from,
                                   arrow, e.to);
    if (e.id != 0) line += fmt::format(" #{}", e.id);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
}

}  // namespace cascadelab
