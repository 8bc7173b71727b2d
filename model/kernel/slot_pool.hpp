// Slots for the things in flight (requests, messages), reused once they are done: memory follows
// what is in flight, not how many there were. A deque, so that taking a slot never moves the
// others (a caller may hold a reference while it starts an inner request).
#pragma once

#include <cstdint>  // std::uint32_t
#include <deque>    // std::deque
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
        slots_.emplace_back();
        return static_cast<std::uint32_t>(slots_.size() - 1);
    }
    void release(std::uint32_t s) { free_.push_back(s); }

    T& operator[](std::size_t s) { return slots_[s]; }
    const T& operator[](std::size_t s) const { return slots_[s]; }
    std::size_t size() const { return slots_.size(); }
    auto begin() const { return slots_.begin(); }
    auto end() const { return slots_.end(); }

private:
    std::deque<T> slots_;
    std::vector<std::uint32_t> free_;
};

}  // namespace cascadelab
