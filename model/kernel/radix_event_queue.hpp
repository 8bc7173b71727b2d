// The simulator's future-event list: the same (time, insertion sequence) order as EventQueue,
// for a clock that never goes back. A radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, 1990) on the
// time in microseconds, with 64-way digits instead of bits.
//
// Why not the 4-ary heap: with 100,000 requests in flight the heap holds a few hundred thousand
// entries (call ends, timeouts — most of them cancelled but still due), and every pop sifts
// through ~9 levels of cache misses. A radix heap only appends: an entry sits in the bucket named
// by the highest 6-bit digit in which its time differs from the last time taken out (`last_`),
// and that digit's value; it moves to a lower bucket only when every earlier bucket is empty.
// Digits of 6 bits bound the moves by the number of digits a delay spans: a 1 s timeout at
// microsecond resolution moves about 3 times in its life (one bit per bucket moved it ~12 times).
//
//   now_           entries at exactly `last_`, in sequence order: what pops next
//   bucket (p, d)  entries agreeing with `last_` above digit p, with digit p = d (> last_'s)
//
// Determinism: ties on time come out in the order they were pushed, without a sequence number
// stored (an entry is its time and its event: 24 bytes for the simulator's 16-byte events).
// Within any bucket, entries of one time are in push order: a push appends the newest entry, and
// a redistribution only ever fills buckets that are empty (all lower than the one it empties), in
// the order it reads them. So the entries that reach now_ — all of one time — are in order, and so
// are later pushes at `last_`. The property tests pop it in lockstep with EventQueue.
//
// Contract: a push is never earlier than the last entry popped (the simulator clamps to its
// clock). A peek (top) may look further ahead than the clock; a push that lands before what it
// saw but not before the clock goes to a small 4-ary heap that pops first (rare: only after a run
// slice stopped at its `until` short of the next event).
#pragma once

#include <algorithm>  // std::min
#include <array>      // std::array
#include <bit>        // std::countl_zero, std::countr_zero
#include <cassert>    // assert
#include <cstdint>    // std::uint64_t
#include <memory>     // std::unique_ptr
#include <utility>    // std::move
#include <vector>     // std::vector

#include "model/kernel/event_queue.hpp"
#include "model/kernel/time.hpp"

namespace cascadelab {

template <class Event>
class RadixEventQueue {
public:
    struct Entry {
        Time at;
        Event event;
    };

    RadixEventQueue() = default;
    RadixEventQueue(const RadixEventQueue&) = delete;  // buckets link chunks by pointer
    RadixEventQueue& operator=(const RadixEventQueue&) = delete;

    // Precondition: `at` is not earlier than the last entry popped, and not negative.
    void push(Time at, Event event) {
        assert(at >= Time::zero());
        const std::uint64_t k = key(at);
        ++size_;
        if (k < last_) [[unlikely]] {
            before_last_.push(at, std::move(event));
        } else if (k == last_) {
            now_.push_back(Entry{at, std::move(event)});
        } else {
            append(k, Entry{at, std::move(event)});
        }
    }

    // Removes and returns the earliest entry. Precondition: !empty().
    Entry pop() {
        assert(size_ > 0);
        --size_;
        if (!before_last_.empty()) [[unlikely]] {
            auto e = before_last_.pop();
            return Entry{e.at, std::move(e.event)};
        }
        settle();
        Entry e = std::move(now_[head_]);
        if (++head_ == now_.size()) {
            now_.clear();
            head_ = 0;
        }
        return e;
    }

    // The time of the earliest entry. Not const: it may move the entries due next into now_.
    Time top_time() {
        assert(size_ > 0);
        if (!before_last_.empty()) [[unlikely]]
            return before_last_.top().at;
        settle();
        return now_[head_].at;
    }

    // The event that pops next, when that is known without moving anything (it is at the front
    // of now_, or first in the lowest bucket of the last digit, which holds a single time); else
    // nullptr. For prefetching: the simulator shows it to the handler one event ahead.
    const Event* next_if_known() const {
        if (!before_last_.empty()) return &before_last_.top().event;
        if (head_ < now_.size()) return &now_[head_].event;
        if ((positions_ & 1U) == 0) return nullptr;
        const unsigned value = static_cast<unsigned>(std::countr_zero(occupied_[0]));
        return &buckets_[value].head->entries[0].event;
    }

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    // Bytes the queue holds now (chunks, now_, the fallback heap): a run's memory budget
    // counts it.
    std::size_t bytes() const {
        return chunks_.size() * sizeof(Chunk) + now_.capacity() * sizeof(Entry) + before_last_.bytes();
    }
    // At most the bytes() of a queue that has held up to `pending` entries at once: full chunks
    // for them, a part-filled chunk in every bucket that can be occupied, bucket 0 twice over.
    static constexpr std::size_t bytes_bound(std::size_t pending) {
        const std::size_t buckets = pending < kPositions * kDigitValues ? pending : kPositions * kDigitValues;
        return (pending / kChunkEntries + 1 + buckets) * sizeof(Chunk) + 2 * pending * sizeof(Entry);
    }
    // Pre-allocate chunks for `n` entries: first-touch page faults dominate a short run otherwise.
    void reserve(std::size_t n) {
        while (chunks_.size() * kChunkEntries < n) {
            chunks_.push_back(std::make_unique<Chunk>());
            release(chunks_.back().get());
        }
    }

private:
    static constexpr unsigned kDigitBits = 6;
    static constexpr unsigned kDigitValues = 1U << kDigitBits;            // 64: one mask word
    static constexpr unsigned kPositions = (64 + kDigitBits - 1) / kDigitBits;  // 11 digits cover a key
    // Buckets are chains of fixed chunks from one free list, so memory follows the entries
    // queued, not the largest each bucket ever was (vectors of vectors kept twice that).
    static constexpr std::uint32_t kChunkEntries = 32;
    struct Chunk {
        std::array<Entry, kChunkEntries> entries;
        std::uint32_t count = 0;
        Chunk* next = nullptr;
    };
    struct Bucket {
        Chunk* head = nullptr;
        Chunk* tail = nullptr;
    };

    static std::uint64_t key(Time at) { return static_cast<std::uint64_t>(at.since_start().us()); }

    // Into the bucket of key k (> last_): its highest digit that differs from last_, and its value.
    void append(std::uint64_t k, Entry e) {
        const unsigned position = static_cast<unsigned>(63 - std::countl_zero(k ^ last_)) / kDigitBits;
        const unsigned value = static_cast<unsigned>(k >> (position * kDigitBits)) & (kDigitValues - 1);
        Bucket& bucket = buckets_[position * kDigitValues + value];
        if (bucket.tail == nullptr || bucket.tail->count == kChunkEntries) {
            Chunk* c = acquire();
            if (bucket.tail == nullptr) {
                bucket.head = c;
                occupied_[position] |= std::uint64_t{1} << value;
                positions_ |= 1U << position;
            } else {
                bucket.tail->next = c;
            }
            bucket.tail = c;
        }
        bucket.tail->entries[bucket.tail->count++] = std::move(e);
    }

    Chunk* acquire() {
        if (free_ == nullptr) {
            chunks_.push_back(std::make_unique<Chunk>());
            return chunks_.back().get();
        }
        Chunk* c = free_;
        free_ = c->next;
        c->next = nullptr;
        c->count = 0;
        return c;
    }
    void release(Chunk* c) {
        c->next = free_;
        free_ = c;
    }

    // Makes now_ non-empty: when it has run dry, the lowest occupied bucket's earliest time
    // becomes `last_`, and that bucket's entries move down (those at `last_` into now_).
    void settle() {
        if (head_ < now_.size()) return;
        assert(positions_ != 0);
        const unsigned position = static_cast<unsigned>(std::countr_zero(positions_));
        const unsigned value = static_cast<unsigned>(std::countr_zero(occupied_[position]));
        Bucket& taken = buckets_[position * kDigitValues + value];
        const Bucket from = taken;
        taken = Bucket{};
        occupied_[position] &= ~(std::uint64_t{1} << value);
        if (occupied_[position] == 0) positions_ &= ~(1U << position);
        std::uint64_t earliest = UINT64_MAX;
        for (const Chunk* c = from.head; c != nullptr; c = c->next)
            for (std::uint32_t i = 0; i < c->count; ++i) earliest = std::min(earliest, key(c->entries[i].at));
        last_ = earliest;
        for (Chunk* c = from.head; c != nullptr;) {
            for (std::uint32_t i = 0; i < c->count; ++i) {
                const std::uint64_t k = key(c->entries[i].at);
                if (k == last_) now_.push_back(std::move(c->entries[i]));
                else append(k, std::move(c->entries[i]));  // a lower digit than `position`
            }
            Chunk* next = c->next;
            release(c);
            c = next;
        }
        // No sort: entries of one time are in push order within any bucket (a push appends the
        // newest; a redistribution fills only empty buckets, in the order it reads), so now_ is too.
    }

    std::array<Bucket, kPositions * kDigitValues> buckets_{};  // bucket (p, d) at p * 64 + d
    std::array<std::uint64_t, kPositions> occupied_{};  // bit d of word p: bucket (p, d) has entries
    std::uint32_t positions_ = 0;                       // bit p: some bucket of digit p has entries
    std::vector<Entry> now_;  // entries at exactly last_, in sequence order
    std::size_t head_ = 0;    // the next entry of now_ to pop
    std::uint64_t last_ = 0;  // the time of now_'s entries
    std::size_t size_ = 0;
    std::vector<std::unique_ptr<Chunk>> chunks_;  // every chunk, owned here
    Chunk* free_ = nullptr;
    EventQueue<Event> before_last_;  // pushes earlier than a peek saw (see the contract above)
};

}  // namespace cascadelab
