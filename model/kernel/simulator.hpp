// The discrete-event run loop: a virtual clock, the event queue, and stop conditions.
#pragma once

#include <cstdint>      // std::uint64_t
#include <string_view>  // std::string_view
#include <type_traits>  // std::is_same_v, std::decay_t

#include "model/kernel/radix_event_queue.hpp"
#include "model/kernel/time.hpp"

namespace cascadelab {

// Any combination may be set; the run ends at the first that holds. Running out of events
// (idle) always ends it.
struct StopConditions {
    // Dispatch events at times <= until, then set the clock to `until`. Later events stay queued,
    // so a run can be continued in slices. (Plain sentinels, not std::optional: GCC 12 reports a
    // false maybe-uninitialized on optionals in designated initializers under the sanitizers.)
    Time until = Time::max();
    // Dispatch at most this many events in this call.
    std::uint64_t max_events = UINT64_MAX;
};

enum class StopReason { Idle, ReachedTime, ReachedEventLimit, Requested };

constexpr std::string_view name(StopReason r) {
    switch (r) {
        case StopReason::Idle: return "idle";
        case StopReason::ReachedTime: return "reached-time";
        case StopReason::ReachedEventLimit: return "reached-event-limit";
        case StopReason::Requested: return "requested";
    }
    return "?";
}

struct RunResult {
    StopReason reason;
    std::uint64_t dispatched;  // events handled by this call
    Time now;                  // the clock when the call returned
};

// The handler is any callable `void(Simulator&, Event&)`; it reads the clock with now() and
// schedules further events. It is a template parameter, so dispatch inlines. The optional
// `prefetch(const Event&)` is shown the event after the one being handled, when the queue knows it
// already: with 100,000 requests in flight a handler's first touch of its request is a cache miss,
// and one event of lead time hides most of it. It must not change anything.
// The default: no prefetching, and no look at the queue for it.
struct NoPrefetch {
    template <class Event>
    void operator()(const Event&) const {}
};

template <class Event>
class Simulator {
public:
    Time now() const { return now_; }

    // Scheduling in the past is a modelling error; it is clamped to now() and counted.
    void schedule_at(Time at, Event e) {
        if (at < now_) {
            ++scheduled_in_past_;
            at = now_;
        }
        queue_.push(at, std::move(e));
    }
    void schedule_after(Duration d, Event e) { schedule_at(now_ + d, std::move(e)); }

    // Ends the current run() after the event being handled.
    void request_stop() { stop_requested_ = true; }

    template <class Handler, class Prefetch = NoPrefetch>
    RunResult run(Handler&& handle, const StopConditions& stop = {}, Prefetch&& prefetch = {}) {
        stop_requested_ = false;
        std::uint64_t dispatched = 0;
        const Time until = stop.until;
        const std::uint64_t max_events = stop.max_events;
        for (;;) {
            if (stop_requested_) return {StopReason::Requested, dispatched, now_};
            if (dispatched >= max_events) return {StopReason::ReachedEventLimit, dispatched, now_};
            if (queue_.empty()) return {StopReason::Idle, dispatched, now_};
            if (queue_.top_time() > until) {
                now_ = until;  // unreachable for the default until = Time::max()
                return {StopReason::ReachedTime, dispatched, now_};
            }
            auto entry = queue_.pop();
            now_ = entry.at;
            ++dispatched;
            ++total_dispatched_;
            if constexpr (!std::is_same_v<std::decay_t<Prefetch>, NoPrefetch>)
                if (const Event* next = queue_.next_if_known()) prefetch(*next);
            handle(*this, entry.event);
        }
    }

    bool idle() const { return queue_.empty(); }
    std::size_t pending() const { return queue_.size(); }
    std::size_t queue_bytes() const { return queue_.bytes(); }
    std::uint64_t total_dispatched() const { return total_dispatched_; }
    std::uint64_t scheduled_in_past() const { return scheduled_in_past_; }
    void reserve(std::size_t n) { queue_.reserve(n); }

private:
    RadixEventQueue<Event> queue_;
    Time now_;
    std::uint64_t total_dispatched_ = 0;
    std::uint64_t scheduled_in_past_ = 0;
    bool stop_requested_ = false;
};

}  // namespace cascadelab
