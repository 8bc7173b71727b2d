#include "model/resource_estimate.hpp"

#include <algorithm>  // std::max, std::min
#include <cmath>      // std::ceil, std::sqrt, std::isinf
#include <limits>     // std::numeric_limits

#include <fmt/format.h>

#include "model/kernel/radix_event_queue.hpp"
#include "model/event_system.hpp"
#include "model/system_event.hpp"
#include "model/rpc_system.hpp"

namespace cascadelab {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Measured over every preset (events / requests and events / attempts, `compare --format json`):
// at most 1.6 per request besides its attempts and 3 per RPC attempt, 7 per delivery. The
// ceilings leave room for timers and hops the presets do not exercise.
constexpr double kEventsPerRequest = 4;
constexpr double kEventsPerAttempt = 8;

double seconds(Duration d) { return static_cast<double>(d.us()) / 1e6; }

// The most arrivals that fall within any span of `life` (+inf: the whole workload).
double peak_arrivals_within(const WorkloadConfig& w, double life_s) {
    const double all = static_cast<double>(w.expected_requests());
    if (std::isinf(life_s)) return all;
    switch (w.kind) {
        case WorkloadKind::Burst: {
            if (w.bursts == 1 || w.gap == Duration::zero()) return all;
            const double overlapping = std::min(static_cast<double>(w.bursts), std::floor(life_s / seconds(w.gap)) + 1);
            return std::min(all, overlapping * static_cast<double>(w.burst_size));
        }
        case WorkloadKind::Poisson:
        case WorkloadKind::Step: {
            // The highest rate over the lifetime, with six standard deviations of Poisson noise.
            const double rate = w.kind == WorkloadKind::Poisson ? w.rate_per_second
                                                                : std::max(w.base_rate_per_second, w.spike_rate_per_second);
            const double mean = rate * life_s;
            return std::min(all, mean + 6 * std::sqrt(mean) + 10);
        }
        case WorkloadKind::Arrivals: {
            // Two pointers over the sorted list: the fullest window of that length.
            const Duration life = Duration::micros_rounded(life_s * 1e6);
            std::size_t best = 0, first = 0;
            for (std::size_t last = 0; last < w.arrivals.size(); ++last) {
                while (w.arrivals[last] - w.arrivals[first] > life) ++first;
                best = std::max(best, last - first + 1);
            }
            return static_cast<double>(best);
        }
    }
    return all;
}

// How long one request can live at a tier, in seconds: +inf unless timeouts bound it.
double request_life(const RpcConfig& c) {
    const RetryConfig& r = c.retry;
    if (r.overall_deadline > Duration::zero() && r.overall_deadline != Duration::max()) return seconds(r.overall_deadline);
    if (r.per_attempt_timeout == Duration::zero() || r.per_attempt_timeout == Duration::max()) return kInf;
    double wait = 0;  // a bulkhead queue wait comes before the timeout when it starts at admission
    if (c.bulkhead && r.timeout_starts_after_admission) {
        if (c.bulkhead->max_wait_duration == Duration::max()) return kInf;
        wait = seconds(c.bulkhead->max_wait_duration);
    }
    const double backoff = r.backoff.cap == Duration::max() ? kInf : seconds(r.backoff.cap);
    return static_cast<double>(r.max_attempts) * (wait + seconds(r.per_attempt_timeout) + backoff);
}

void estimate_rpc(const Scenario& s, ResourceEstimate& e) {
    const double n = static_cast<double>(e.requests);
    // Calls at each tier: every attempt of the tier above starts one request here.
    double per_request = 0, chain = 1;
    std::string limits = fmt::format("{}", s.rpc.retry.max_attempts);
    chain *= s.rpc.retry.max_attempts;
    per_request += chain;
    for (const RpcConfig& t : s.inner_tiers) {
        chain *= t.retry.max_attempts;
        per_request += chain;
        limits += fmt::format(" x {}", t.retry.max_attempts);
    }
    e.attempts = n * per_request;
    e.pending_per_live = 2 * per_request + 3;
    e.attempts_basis = s.inner_tiers.empty()
                           ? fmt::format("{} requests x {} attempts", e.requests, s.rpc.retry.max_attempts)
                           : fmt::format("{} requests x {:g} calls along the chain ({} attempts per tier)", e.requests,
                                         per_request, limits);
    e.events = n * kEventsPerRequest + e.attempts * kEventsPerAttempt;

    const double life = request_life(s.rpc);
    e.live = std::min(n, peak_arrivals_within(s.workload, life) + e.simultaneous);
    e.live_basis = std::isinf(life) ? fmt::format("all {} requests in flight at once, as no timeout bounds a request's life",
                                                  e.requests)
                                    : fmt::format("{:.0f} requests in flight at once, those arriving within a request's "
                                                  "longest life of {:g} s",
                                                  e.live, life);
    // A request in flight holds a slot at each tier it has reached.
    e.bytes = e.live * static_cast<double>(1 + s.inner_tiers.size()) * static_cast<double>(rpc_bytes_per_request());
}

void estimate_event(const Scenario& s, ResourceEstimate& e) {
    const double n = static_cast<double>(e.requests);
    double deliveries = 0, held = 0, consumers = 0;
    bool unlimited = false;
    std::string limits;
    auto stage = [&](const EventConfig& c) {
        if (!c.message.limited()) unlimited = true;
        deliveries += c.message.limited() ? c.message.max_deliveries : 0;
        held += static_cast<double>(c.queue_capacity) + c.consumers;
        consumers += c.consumers;
        limits += fmt::format("{}{}", limits.empty() ? "" : " + ",
                              c.message.limited() ? fmt::format("{}", c.message.max_deliveries) : "unlimited");
    };
    stage(s.event);
    for (const EventConfig& c : s.inner_stages) stage(c);
    e.attempts = unlimited ? kInf : n * deliveries;
    // Unlimited redeliveries: a message's stale timers are bounded by time, not a count; twenty
    // deliveries' worth, and the run loop's exact count for the rest.
    e.pending_per_live = 2 * (unlimited ? 20 + deliveries : deliveries) + 3;
    e.attempts_basis = fmt::format("{} messages x {} deliveries", e.requests, limits);
    e.events = n * kEventsPerRequest + e.attempts * kEventsPerAttempt;
    // A message lives in a queue or with a consumer, or is on its way to the first queue (the
    // publish hop); a full queue turns new ones away.
    const double in_transit = peak_arrivals_within(s.workload, seconds(s.event.publish_latency)) + e.simultaneous;
    e.live = std::min(n, held + in_transit);
    e.live_basis = e.live < n ? fmt::format("{:.0f} messages at once, what the queues and consumers hold", e.live)
                              : fmt::format("all {} messages at once", e.requests);
    e.bytes = e.live * static_cast<double>(event_bytes_per_message()) + consumers * static_cast<double>(event_bytes_per_consumer());
}

}  // namespace

ResourceEstimate estimate_resources(const Scenario& s, std::uint64_t simultaneous) {
    ResourceEstimate e;
    e.requests = s.workload.expected_requests() + simultaneous;
    e.simultaneous = static_cast<double>(simultaneous);
    if (s.architecture == Architecture::Rpc) estimate_rpc(s, e);
    else estimate_event(s, e);
    // Events pending per live thing: for every attempt so far its call's end and its timeout
    // (a timed-out call's end and a cancelled timer stay queued until due), and a backoff, an
    // arrival, a hop.
    e.bytes += static_cast<double>(RadixEventQueue<SystemEvent>::bytes_bound(
        static_cast<std::size_t>(std::ceil(e.live * e.pending_per_live))));
    e.bytes += static_cast<double>(s.workload.arrivals.size() * sizeof(Time));
    return e;
}

std::string format_bytes(double bytes) {
    if (bytes >= double(1 << 30)) return fmt::format("{:.1f} GiB", bytes / double(1 << 30));
    if (bytes >= double(1 << 20)) return fmt::format("{:.0f} MiB", bytes / double(1 << 20));
    return fmt::format("{:.1f} KiB", bytes / 1024.0);
}

void check_budget(const Scenario& s, const ResourceEstimate& e, const ResourceBudget& budget, unsigned runs_at_once) {
    if (!std::isinf(e.events) && e.events > static_cast<double>(budget.max_events))
        throw BudgetExceeded(fmt::format(
            "scenario {}: may take up to {:.3g} events ({} x {:g} events each, every attempt failing), more than the "
            "budget of {:.3g} (--max-events)",
            s.name, e.events, e.attempts_basis, kEventsPerAttempt, static_cast<double>(budget.max_events)));
    const double bytes = e.bytes * runs_at_once;
    if (bytes > static_cast<double>(budget.max_bytes))
        throw BudgetExceeded(fmt::format(
            "scenario {}: may hold {} of live state ({}{}), more than the budget of {} (raise --max-memory, or bound "
            "what is in flight: a timeout, a bulkhead, a queue capacity)",
            s.name, format_bytes(bytes), e.live_basis, runs_at_once > 1 ? fmt::format(", {} runs at once", runs_at_once) : "",
            format_bytes(static_cast<double>(budget.max_bytes))));
}

}  // namespace cascadelab
