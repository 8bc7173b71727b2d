// The simulator's future-event list: the same (time, insertion sequence) order as EventQueue,
// for a clock that never goes back. A radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, 1990) on the
// time in microseconds.
//
// Why not the 4-ary heap: with 100,000 requests in flight the heap holds a few hundred thousand
// entries (call ends, timeouts — most of them cancelled but still due), and every pop sifts
// through ~9 levels of cache misses. A radix heap only appends to chunks: an entry sits in the
// bucket named by the highest bit in which its time differs from the last time taken out, and
// moves to a lower bucket only when every earlier bucket is empty — at most once per bit, and in
// practice a few times in its life, each move a sequential write.
//
//   bucket 0       entries at exactly `last_` (a FIFO, in sequence order: what pops next)
//   bucket b >= 1  entries whose time first differs from `last_` in bit b - 1
//
// Determinism: ties on time come out in sequence order. Entries reach bucket 0 either by a
// redistribution (sorted by sequence there) or by a push at time `last_` afterwards, whose
// sequence is larger than every entry already queued; so bucket 0 is always in sequence order.
//
// Contract: a push is never earlier than the last entry popped (the simulator clamps to its
// clock). A peek (top) may look further ahead than the clock; a push that lands before what it
// saw but not before the clock goes to a small 4-ary heap that pops first (rare: only after a run
// slice stopped at its `until` short of the next event).
#pragma once

#include <algorithm>  // std::sort
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
    using Entry = typename EventQueue<Event>::Entry;

    RadixEventQueue() = default;
    RadixEventQueue(const RadixEventQueue&) = delete;  // buckets link chunks by pointer
    RadixEventQueue& operator=(const RadixEventQueue&) = delete;

    // Returns the entry's sequence number, unique within this queue. Precondition: `at` is not
    // earlier than the last entry popped, and not negative.
    std::uint64_t push(Time at, Event event) {
        assert(at >= Time::zero());
        const std::uint64_t seq = next_seq_++;
        const std::uint64_t k = key(at);
        ++size_;
        if (k < last_) [[unlikely]] {
            before_last_.push_entry(Entry{at, seq, std::move(event)});
        } else if (k == last_) {
            now_.push_back(Entry{at, seq, std::move(event)});
        } else {
            append(bucket_of(k), Entry{at, seq, std::move(event)});
        }
        return seq;
    }

    // Removes and returns the earliest entry. Precondition: !empty().
    Entry pop() {
        assert(size_ > 0);
        --size_;
        if (!before_last_.empty()) [[unlikely]]
            return before_last_.pop();
        settle();
        Entry e = std::move(now_[head_]);
        if (++head_ == now_.size()) {
            now_.clear();
            head_ = 0;
        }
        return e;
    }

    // The earliest entry. Not const: it may move the entries due next into bucket 0.
    const Entry& top() {
        assert(size_ > 0);
        if (!before_last_.empty()) [[unlikely]]
            return before_last_.top();
        settle();
        return now_[head_];
    }

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    // Bytes the queue holds now (chunks, bucket 0, the fallback heap): a run's memory budget
    // counts it.
    std::size_t bytes() const {
        return chunks_.size() * sizeof(Chunk) + now_.capacity() * sizeof(Entry) + before_last_.bytes();
    }
    // Pre-allocate chunks for `n` entries: first-touch page faults dominate a short run otherwise.
    void reserve(std::size_t n) {
        while (chunks_.size() * kChunkEntries < n) {
            chunks_.push_back(std::make_unique<Chunk>());
            release(chunks_.back().get());
        }
    }

private:
    static constexpr unsigned kBuckets = 65;  // bucket 0 (now_) and one per bit of a 64-bit key
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
    // For k != last_: the highest bit in which k differs from last_, plus one.
    unsigned bucket_of(std::uint64_t k) const { return static_cast<unsigned>(64 - std::countl_zero(k ^ last_)); }

    void append(unsigned b, Entry e) {
        Bucket& bucket = buckets_[b];
        if (bucket.tail == nullptr || bucket.tail->count == kChunkEntries) {
            Chunk* c = acquire();
            if (bucket.tail == nullptr) bucket.head = c;
            else bucket.tail->next = c;
            bucket.tail = c;
            occupied_ |= std::uint64_t{1} << b;
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

    // Makes bucket 0 non-empty: when it has run dry, the lowest occupied bucket's earliest time
    // becomes `last_`, and that bucket's entries move down (those at `last_` into bucket 0).
    void settle() {
        if (head_ < now_.size()) return;
        assert(occupied_ != 0);
        const unsigned lowest = static_cast<unsigned>(std::countr_zero(occupied_));
        Bucket from = buckets_[lowest];
        buckets_[lowest] = Bucket{};
        occupied_ &= ~(std::uint64_t{1} << lowest);
        std::uint64_t earliest = UINT64_MAX;
        for (const Chunk* c = from.head; c != nullptr; c = c->next)
            for (std::uint32_t i = 0; i < c->count; ++i) earliest = std::min(earliest, key(c->entries[i].at));
        last_ = earliest;
        for (Chunk* c = from.head; c != nullptr;) {
            for (std::uint32_t i = 0; i < c->count; ++i) {
                const std::uint64_t k = key(c->entries[i].at);
                if (k == last_) now_.push_back(std::move(c->entries[i]));
                else append(bucket_of(k), std::move(c->entries[i]));  // below `lowest`
            }
            Chunk* next = c->next;
            release(c);
            c = next;
        }
        if (now_.size() > 1)
            std::sort(now_.begin(), now_.end(), [](const Entry& a, const Entry& b) { return a.seq < b.seq; });
    }

    std::array<Bucket, kBuckets> buckets_{};  // buckets_[0] unused: bucket 0 is now_
    std::vector<Entry> now_;      // bucket 0: entries at exactly last_, in sequence order
    std::size_t head_ = 0;        // the next entry of now_ to pop
    std::uint64_t occupied_ = 0;  // bit b: bucket b (>= 1) is not empty
    std::uint64_t last_ = 0;      // the time of bucket 0's entries
    std::size_t size_ = 0;
    std::uint64_t next_seq_ = 0;
    std::vector<std::unique_ptr<Chunk>> chunks_;  // every chunk, owned here
    Chunk* free_ = nullptr;
    EventQueue<Event> before_last_;  // pushes earlier than a peek saw (see the contract above)
};

}  // namespace cascadelab
