// Workloads: when requests (RPC) or events (event-driven) arrive. Arrivals are generated lazily,
// one at a time, so that a run of ten million requests stores none of them.
#pragma once

#include <cstdint>      // std::uint64_t
#include <optional>     // std::optional
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/kernel/rng.hpp"
#include "model/kernel/time.hpp"

namespace cascadelab {

enum class WorkloadKind {
    Burst,     // `bursts` bursts of `burst_size`, one every `gap`; each burst spread evenly over `spread`
    Poisson,   // open loop: exponential gaps at `rate_per_second`, `requests` in all
    Step,      // Poisson at base_rate, at spike_rate during [spike_start, spike_start + spike_length),
               // until `duration`
    Arrivals,  // an explicit list of arrival times (sorted)
};
std::string_view name(WorkloadKind k);

struct WorkloadConfig {
    static constexpr std::uint64_t kMaxRequests = 100'000'000;
    static constexpr double kMinRate = 1e-6;  // per second: one request in eleven days
    static constexpr double kMaxRate = 1e7;
    static constexpr Time kLatestEnd = Time::at(Duration::seconds(1'000'000'000));  // 1e12 ms

    WorkloadKind kind = WorkloadKind::Burst;
    Time start;  // the first arrival is at or after this
    // Burst
    std::uint64_t burst_size = 2000;
    std::uint64_t bursts = 1;
    Duration gap = Duration::zero();
    Duration spread = Duration::zero();  // 0 = the whole burst at one instant (the tutorial)
    // Poisson
    double rate_per_second = 100.0;
    std::uint64_t requests = 1000;
    // Step
    double base_rate_per_second = 50.0;
    double spike_rate_per_second = 500.0;
    Time spike_start = Time::at(Duration::seconds(5));
    Duration spike_length = Duration::seconds(2);
    Duration duration = Duration::seconds(15);
    // Arrivals
    std::vector<Time> arrivals;

    // The tutorial: 2000 requests all at once.
    static WorkloadConfig tutorial() { return WorkloadConfig{}; }
    // Requests in all, when known in advance (Step: the expected number, for reports).
    std::uint64_t expected_requests() const;
    // When the last burst or spike ends: the trigger, for recovery checks.
    Time trigger_end() const;
    // When the last arrival is due: exact for bursts and lists, the expectation for Poisson and
    // the end of a step. Progress reports and the resource estimate read it.
    Time expected_end() const;
    void validate() const;  // throws ConfigError naming the field and the value
};

class ArrivalGenerator {
public:
    ArrivalGenerator(const WorkloadConfig& config, Rng rng);
    // The next arrival time, non-decreasing; nullopt when the workload is over.
    std::optional<Time> next();
    std::uint64_t generated() const { return generated_; }

private:
    std::optional<Time> next_poisson(double rate);
    std::optional<Time> next_step();

    const WorkloadConfig* config_;
    Rng rng_;
    std::uint64_t generated_ = 0;
    Time clock_;  // Poisson/Step: the previous arrival
};

}  // namespace cascadelab
