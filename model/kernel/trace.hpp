// The trace recorder: one fixed-column record per state transition or message (time, component,
// from-state, event, to-state, request id), off by default, and a stable 64-bit hash of a trace.
#pragma once

#include <cstdint>      // std::uint64_t
#include <deque>        // std::deque (stable addresses for interned names)
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/kernel/time.hpp"

namespace cascadelab {

struct TraceEntry {
    Time at;
    std::string_view component;  // "breaker", "consumer-3"
    std::string_view from;       // state before; equal to `to` for an internal event
    std::string_view event;      // past-tense fact: "CallFailed"
    std::string_view to;         // state after
    std::uint64_t id = 0;        // request or message id; 0 when none applies

    bool operator==(const TraceEntry&) const = default;
};

// Names are string_views, not strings, so that recording allocates nothing: pass names with
// static storage (the machines' `static constexpr name` members), or intern() a name built at
// run time once, at setup.
class TraceRecorder {
public:
    explicit TraceRecorder(bool enabled = false) : enabled_(enabled) {}

    bool enabled() const { return enabled_; }
    void enable(bool on) { enabled_ = on; }

    // When disabled this is one predictable branch and nothing else.
    void record(Time at, std::string_view component, std::string_view from, std::string_view event,
                std::string_view to, std::uint64_t id = 0) {
        if (!enabled_) return;
        entries_.push_back(TraceEntry{at, component, from, event, to, id});
    }

    // Copies `name` into storage owned by the recorder; the view stays valid for its lifetime.
    std::string_view intern(std::string name);

    const std::vector<TraceEntry>& entries() const { return entries_; }
    std::size_t size() const { return entries_.size(); }
    // Bytes held (for a run's memory budget): the entries at capacity and the interned names.
    std::size_t bytes() const { return entries_.capacity() * sizeof(TraceEntry) + interned_.size() * 64; }
    void clear() { entries_.clear(); }
    std::uint64_t hash() const;

private:
    bool enabled_;
    std::vector<TraceEntry> entries_;
    std::deque<std::string> interned_;
};

// Stable across runs, builds and platforms: FNV-1a over a fixed encoding (time and id as eight
// little-endian bytes; each name length-prefixed, so ("ab","c") and ("a","bc") differ).
std::uint64_t trace_hash(const std::vector<TraceEntry>& entries);

// "    0.012500s  breaker          Closed         --CallFailed-->     Open           #42"
std::string format_trace_line(const TraceEntry& e);

}  // namespace cascadelab
