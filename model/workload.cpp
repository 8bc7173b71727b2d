#include "model/workload.hpp"

#include <algorithm>  // std::is_sorted
#include <cmath>      // std::llround

#include <fmt/format.h>

#include "model/scenario_tables.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {

std::string_view name(WorkloadKind k) {
    switch (k) {
        case WorkloadKind::Burst: return "burst";
        case WorkloadKind::Poisson: return "poisson";
        case WorkloadKind::Step: return "step";
        case WorkloadKind::Arrivals: return "arrivals";
    }
    return "?";
}

std::uint64_t WorkloadConfig::expected_requests() const {
    switch (kind) {
        case WorkloadKind::Burst: {
            std::uint64_t total = 0;
            return __builtin_mul_overflow(burst_size, bursts, &total) ? UINT64_MAX : total;  // saturating
        }
        case WorkloadKind::Poisson: return requests;
        case WorkloadKind::Step: {
            const double spike_s = spike_length.ms() / 1e3;
            const double rest_s = duration.ms() / 1e3 - spike_s;
            const double n = base_rate_per_second * rest_s + spike_rate_per_second * spike_s;
            return n >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(std::llround(n));
        }
        case WorkloadKind::Arrivals: return arrivals.size();
    }
    return 0;
}

Time WorkloadConfig::trigger_end() const {
    switch (kind) {
        case WorkloadKind::Burst: return start + gap * static_cast<std::int64_t>(bursts - 1) + spread;
        case WorkloadKind::Poisson: return start;
        case WorkloadKind::Step: return spike_start + spike_length;
        case WorkloadKind::Arrivals: return arrivals.empty() ? Time{} : arrivals.back();
    }
    return Time{};
}

Time WorkloadConfig::expected_end() const {
    switch (kind) {
        case WorkloadKind::Burst: return trigger_end();
        case WorkloadKind::Poisson:
            return start + Duration::micros_rounded(static_cast<double>(requests) / rate_per_second * 1e6);
        case WorkloadKind::Step: return Time::at(duration);
        case WorkloadKind::Arrivals: return arrivals.empty() ? Time{} : arrivals.back();
    }
    return Time{};
}

void WorkloadConfig::validate() const {
    constexpr std::string_view s = "workload";
    check_ranges(workload_fields(), *this, s);
    switch (kind) {
        case WorkloadKind::Burst: {
            std::uint64_t total = 0;
            require(!__builtin_mul_overflow(burst_size, bursts, &total) && total <= kMaxRequests, s, "bursts", bursts,
                    "burst_size * bursts must be at most 1e8");
            require(bursts == 1 || gap > Duration::zero(), s, "gap", gap, "must be positive when bursts > 1");
            break;
        }
        case WorkloadKind::Poisson: break;
        case WorkloadKind::Step:
            require(spike_start + spike_length <= Time::at(duration), s, "spike_length", spike_length,
                    "the spike must end within the duration");
            require(expected_requests() <= kMaxRequests, s, "duration", duration,
                    fmt::format("the step is expected to bring {} requests; at most 1e8", expected_requests()));
            break;
        case WorkloadKind::Arrivals:
            require(!arrivals.empty(), s, "arrivals", arrivals.size(), "must list at least one arrival");
            require(arrivals.size() <= kMaxRequests, s, "arrivals", arrivals.size(), "must list at most 1e8 arrivals");
            require(std::is_sorted(arrivals.begin(), arrivals.end()), s, "arrivals", "(unsorted)",
                    "must be in non-decreasing order");
            require(arrivals.front() >= Time{}, s, "arrivals", arrivals.front(), "must not be negative");
            break;
    }
    // Every time the run forms — arrivals, then timeouts, backoffs and breaks after them — must
    // stay far inside int64 microseconds; the last arrival within about 31 years does.
    require(expected_end() <= kLatestEnd, s, kind == WorkloadKind::Poisson ? "requests" : "start", expected_end(),
            "the workload must end within 1e12 ms (about 31 years of virtual time)");
}

ArrivalGenerator::ArrivalGenerator(const WorkloadConfig& config, Rng rng)
    : config_(&config), rng_(rng), clock_(config.start) {}

std::optional<Time> ArrivalGenerator::next() {
    const WorkloadConfig& c = *config_;
    switch (c.kind) {
        case WorkloadKind::Burst: {
            if (generated_ >= c.burst_size * c.bursts) return std::nullopt;
            const std::uint64_t burst = generated_ / c.burst_size;
            const std::uint64_t within = generated_ % c.burst_size;
            // Spread evenly: the k-th of n arrives at k * spread / n.
            const Duration offset = Duration::micros(static_cast<std::int64_t>(
                static_cast<std::uint64_t>(c.spread.us()) * within / c.burst_size));
            ++generated_;
            return c.start + c.gap * static_cast<std::int64_t>(burst) + offset;
        }
        case WorkloadKind::Poisson:
            if (generated_ >= c.requests) return std::nullopt;
            return next_poisson(c.rate_per_second);
        case WorkloadKind::Step: return next_step();
        case WorkloadKind::Arrivals:
            if (generated_ >= c.arrivals.size()) return std::nullopt;
            return c.arrivals[generated_++];
    }
    return std::nullopt;
}

std::optional<Time> ArrivalGenerator::next_poisson(double rate) {
    const double gap_us = rng_.exponential(1e6 / rate);
    clock_ += Duration::micros_rounded(gap_us);
    ++generated_;
    return clock_;
}

// A piecewise-constant rate: draw the next gap at the current rate; a gap that crosses into the
// spike (or out of it) is redrawn from the boundary, which is exact for a Poisson process
// because exponential gaps are memoryless.
std::optional<Time> ArrivalGenerator::next_step() {
    const WorkloadConfig& c = *config_;
    const Time end = Time::at(c.duration);
    const Time spike_end = c.spike_start + c.spike_length;
    for (;;) {
        const bool in_spike = c.spike_start <= clock_ && clock_ < spike_end;
        const Time boundary = in_spike ? spike_end : (clock_ < c.spike_start ? c.spike_start : end);
        const double rate = in_spike ? c.spike_rate_per_second : c.base_rate_per_second;
        const Time candidate = clock_ + Duration::micros_rounded(rng_.exponential(1e6 / rate));
        if (candidate < boundary) {
            clock_ = candidate;
            ++generated_;
            return clock_;
        }
        if (boundary >= end) return std::nullopt;
        clock_ = boundary;
    }
}

}  // namespace cascadelab
