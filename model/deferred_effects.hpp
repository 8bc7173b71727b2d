// Run to completion: a machine's effects that touch another machine or free a slot (send an
// attempt, a bulkhead permit granted or refused, a requeue, a dead letter) are queued here and
// carried out after the machine's own event has finished, so that no machine is ever re-entered
// from inside one of its actions.
#pragma once

#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint32_t, std::uint64_t
#include <vector>   // std::vector

namespace cascadelab {

template <class Kind>
class DeferredEffects {
public:
    // `index`: the slot (request, message, consumer) the effect is for.
    void push(Kind kind, std::uint64_t index) { queue_.push_back(Entry{kind, static_cast<std::uint32_t>(index)}); }

    // Carries out every queued effect in order, including those that carrying out one adds.
    template <class CarryOut>
    void drain(CarryOut&& carry_out) {
        for (std::size_t i = 0; i < queue_.size(); ++i) {  // an index: carry_out may append
            const Entry e = queue_[i];
            carry_out(e.kind, e.index);
        }
        queue_.clear();
    }

    std::size_t bytes() const { return queue_.capacity() * sizeof(Entry); }

private:
    struct Entry {
        Kind kind;
        std::uint32_t index;
    };
    std::vector<Entry> queue_;
};

}  // namespace cascadelab
