// Slots for the things in flight (requests, messages), reused once they are done: memory follows
// what is in flight, not how many there were. Slots live in blocks of 256 that never move, so that
// taking a slot never moves the others (a caller may hold a reference while it starts an inner
// request), and a slot is one indexed load away: the block table is small enough to stay cached.
// (A std::deque of elements this size puts each one in its own allocation behind a pointer: two
// dependent cache misses and a heap header per slot.)
#pragma once

#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint32_t
#include <memory>   // std::unique_ptr
#include <vector>   // std::vector

namespace cascadelab {

template <class T>
class SlotPool {
public:
    // A free slot (an old one, as it was left, or a new default one).
    std::uint32_t acquire() {
        if (!free_.empty()) {
            const std::uint32_t s = free_.back();
            free_.pop_back();
            return s;
        }
        if (size_ == blocks_.size() * kBlock) blocks_.push_back(std::make_unique<T[]>(kBlock));
        return static_cast<std::uint32_t>(size_++);
    }
    void release(std::uint32_t s) { free_.push_back(s); }

    T& operator[](std::size_t s) { return blocks_[s >> kShift][s & (kBlock - 1)]; }
    const T& operator[](std::size_t s) const { return blocks_[s >> kShift][s & (kBlock - 1)]; }
    // Slots handed out so far (the most in flight at once), free ones included.
    std::size_t size() const { return size_; }

private:
    static constexpr unsigned kShift = 8;
    static constexpr std::size_t kBlock = std::size_t{1} << kShift;
    std::vector<std::unique_ptr<T[]>> blocks_;
    std::size_t size_ = 0;
    std::vector<std::uint32_t> free_;
};

}  // namespace cascadelab
