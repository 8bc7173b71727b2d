// A schedule's verdict over seeds. The scenario's seed drives every random stream of a run
// (background arrivals, service latency and failures, backoff jitter), so one schedule is many
// runs: seed s, s + 1, s + 2, … each derive independent streams. A verdict over seeds is a
// probability of violation, not the luck of one seed.
//
// Seeds run on several threads; results are taken in seed order, so every count and decision is
// the same whatever the thread count.
#pragma once

#include <atomic>    // std::atomic
#include <cstdint>   // std::uint64_t
#include <map>       // std::map
#include <mutex>     // std::mutex
#include <optional>  // std::optional
#include <string>    // std::string
#include <vector>    // std::vector

#include "properties/invariants.hpp"
#include "properties/schedule.hpp"
#include "properties/statistics.hpp"

namespace cascadelab::properties {

struct SeedEstimate {
    std::uint64_t first_seed = 0;
    std::uint64_t runs = 0;
    std::uint64_t violations = 0;
    Interval interval;  // Wilson, 95 %
    double probability() const { return runs ? static_cast<double>(violations) / static_cast<double>(runs) : 0.0; }
};

struct SequentialVerdict {
    Sprt::Decision decision = Sprt::Decision::Undecided;
    std::uint64_t runs = 0;
    std::uint64_t violations = 0;
    std::optional<Violation> violation;  // at the first violating seed
};

class SeedEvaluator {
public:
    // threads = 0: one per core. Throws ConfigError when the property does not exist or apply.
    SeedEvaluator(std::string property, const HuntSetup& setup, unsigned threads);

    // One run of the schedule under `seed`.
    std::optional<Violation> run(const Schedule& schedule, std::uint64_t seed);
    // Runs under seeds [first, first + count): each run's verdict, in seed order.
    std::vector<std::optional<Violation>> run_all(const Schedule& schedule, std::uint64_t first, std::uint64_t count);
    // The same for a different schedule per seed: schedules[i] under seed first + i.
    std::vector<std::optional<Violation>> run_each(const std::vector<Schedule>& schedules, std::uint64_t first);
    // How often the schedule breaks the property over seeds [first, first + count).
    SeedEstimate estimate(const Schedule& schedule, std::uint64_t first, std::uint64_t count);
    // Wald's test from seed `first` on: whether the schedule fails with probability ≥ the threshold.
    // `seen_at_first`: the violation of seed `first` when the caller has run it already (it is
    // counted, not run again).
    SequentialVerdict decide(const Schedule& schedule, std::uint64_t first, const SprtOptions& options,
                             const Violation* seen_at_first = nullptr);

    // Simulations run so far, healthy references included.
    std::uint64_t simulations() const { return simulations_.load(); }
    const HuntSetup& setup() const { return setup_; }

private:
    HuntSetup with_seed(std::uint64_t seed) const;
    HealthyLevel healthy(std::uint64_t seed);

    std::string property_;
    HuntSetup setup_;
    unsigned threads_;
    bool needs_healthy_;
    std::mutex healthy_mutex_;
    std::map<std::uint64_t, HealthyLevel> healthy_;  // the recovery property's reference, per seed
    std::atomic<std::uint64_t> simulations_{0};
};

}  // namespace cascadelab::properties
