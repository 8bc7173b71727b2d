// A future-event list ordered by (time, insertion sequence): ties resolve in scheduling order,
// the same way on every run and every platform. Any push order is allowed; the simulator uses
// RadixEventQueue (same order, for a clock that never goes back), and this heap is its reference.
#pragma once

#include <cassert>    // assert
#include <cstdint>    // std::uint64_t
#include <utility>    // std::move
#include <vector>     // std::vector

#include "model/kernel/time.hpp"

namespace cascadelab {

// Event is a plain value (an enum, a small struct or a std::variant): dispatch on it with a
// switch or std::visit. A std::function per event costs 2.5-3x in the kernel loop.
template <class Event>
class EventQueue {
public:
    struct Entry {
        Time at;
        std::uint64_t seq;  // ever-increasing: the tie-breaker
        Event event;
    };

    // Returns the entry's sequence number, unique within this queue.
    std::uint64_t push(Time at, Event event) {
        const std::uint64_t seq = next_seq_++;
        heap_.push_back(Entry{at, seq, std::move(event)});
        sift_up(heap_.size() - 1);
        return seq;
    }
    // Removes and returns the earliest entry. Precondition: !empty().
    Entry pop() {
        assert(!heap_.empty());
        Entry earliest = std::move(heap_.front());
        if (heap_.size() > 1) {
            Entry last = std::move(heap_.back());
            heap_.pop_back();
            sift_down_from_root(std::move(last));
        } else {
            heap_.pop_back();
        }
        return earliest;
    }

    const Entry& top() const {
        assert(!heap_.empty());
        return heap_.front();
    }

    bool empty() const { return heap_.empty(); }
    std::size_t size() const { return heap_.size(); }
    // Bytes the queue holds now (its capacity): a run's memory budget counts it.
    std::size_t bytes() const { return heap_.capacity() * sizeof(Entry); }
    // Pre-allocate: first-touch page faults dominate a short run otherwise.
    void reserve(std::size_t n) { heap_.reserve(n); }
    void clear() { heap_.clear(); }

private:
    // A 4-ary min-heap on (at, seq): half the depth of a binary heap, and the four children of a
    // node share a cache line or two. Sifting moves a hole instead of swapping (one move per level).
    static constexpr std::size_t kArity = 4;

    static bool earlier(const Entry& a, const Entry& b) {
        if (a.at != b.at) return a.at < b.at;
        return a.seq < b.seq;
    }

    void sift_up(std::size_t hole) {
        Entry moving = std::move(heap_[hole]);
        while (hole > 0) {
            const std::size_t parent = (hole - 1) / kArity;
            if (!earlier(moving, heap_[parent])) break;
            heap_[hole] = std::move(heap_[parent]);
            hole = parent;
        }
        heap_[hole] = std::move(moving);
    }

    void sift_down_from_root(Entry moving) {
        const std::size_t n = heap_.size();
        std::size_t hole = 0;
        for (;;) {
            const std::size_t first = hole * kArity + 1;
            if (first >= n) break;
            std::size_t best = first;
            const std::size_t last = first + kArity < n ? first + kArity : n;
            for (std::size_t c = first + 1; c < last; ++c)
                if (earlier(heap_[c], heap_[best])) best = c;
            if (!earlier(heap_[best], moving)) break;
            heap_[hole] = std::move(heap_[best]);
            hole = best;
        }
        heap_[hole] = std::move(moving);
    }

    std::vector<Entry> heap_;
    std::uint64_t next_seq_ = 0;
};

}  // namespace cascadelab
