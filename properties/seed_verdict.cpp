#include "properties/seed_verdict.hpp"

#include <algorithm>  // std::max, std::min
#include <exception>  // std::exception_ptr
#include <thread>     // std::thread, std::thread::hardware_concurrency


namespace cascadelab::properties {

SeedEvaluator::SeedEvaluator(std::string property, const HuntSetup& setup, unsigned threads)
    : property_(std::move(property)),
      setup_(setup),
      threads_(threads ? threads : std::max(1u, std::thread::hardware_concurrency())),
      needs_healthy_(property_ == "recovery") {
    applicable_property(property_, setup.scenario.architecture);
    // Runs on several threads at once: a progress callback would be called concurrently.
    setup_.run_progress = nullptr;
}

HuntSetup SeedEvaluator::with_seed(std::uint64_t seed) const {
    HuntSetup s = setup_;
    s.scenario.seed = seed;
    return s;
}

HealthyLevel SeedEvaluator::healthy(std::uint64_t seed) {
    {
        std::lock_guard lock(healthy_mutex_);
        if (auto it = healthy_.find(seed); it != healthy_.end()) return it->second;
    }
    // Measured outside the lock: two threads may both measure a seed; the result is the same.
    const HealthyLevel level = measure_healthy(with_seed(seed));
    ++simulations_;
    std::lock_guard lock(healthy_mutex_);
    return healthy_.emplace(seed, level).first->second;
}

std::optional<Violation> SeedEvaluator::run(const Schedule& schedule, std::uint64_t seed) {
    const HealthyLevel level = needs_healthy_ ? healthy(seed) : HealthyLevel{};
    ++simulations_;
    return check(property_, with_seed(seed), schedule, level);
}

std::vector<std::optional<Violation>> SeedEvaluator::run_each(const std::vector<Schedule>& schedules,
                                                               std::uint64_t first) {
    std::vector<std::optional<Violation>> out(schedules.size());
    const std::size_t workers = std::min<std::size_t>(threads_, schedules.size());
    if (workers <= 1) {
        for (std::size_t i = 0; i < schedules.size(); ++i) out[i] = run(schedules[i], first + i);
        return out;
    }
    // Worker w takes runs w, w + workers, …; an exception (a run over its budget) is kept and
    // rethrown here, the first in run order.
    std::vector<std::exception_ptr> errors(schedules.size());
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < workers; ++w)
        pool.emplace_back([&, w] {
            for (std::size_t i = w; i < schedules.size(); i += workers) {
                try {
                    out[i] = run(schedules[i], first + i);
                } catch (...) {
                    errors[i] = std::current_exception();
                }
            }
        });
    for (std::thread& t : pool) t.join();
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);
    return out;
}

std::vector<std::optional<Violation>> SeedEvaluator::run_all(const Schedule& schedule, std::uint64_t first,
                                                              std::uint64_t count) {
    return run_each(std::vector<Schedule>(count, schedule), first);
}

SeedEstimate SeedEvaluator::estimate(const Schedule& schedule, std::uint64_t first, std::uint64_t count) {
    SeedEstimate e{first, count, 0, {}};
    for (const auto& v : run_all(schedule, first, count)) e.violations += v.has_value();
    e.interval = wilson_interval(e.violations, e.runs);
    return e;
}

SequentialVerdict SeedEvaluator::decide(const Schedule& schedule, std::uint64_t first, const SprtOptions& options,
                                        const Violation* seen_at_first) {
    Sprt test(options);
    SequentialVerdict verdict;
    if (seen_at_first) {
        verdict.violation = *seen_at_first;
        test.add(true);
    }
    // Batches of one run per thread; the test reads them in seed order and stops where it decides,
    // so the runs it counts do not depend on the batch size.
    for (std::uint64_t next = first + test.runs(); test.decision() == Sprt::Decision::Undecided;) {
        const std::uint64_t batch = std::min<std::uint64_t>(threads_, options.max_runs - test.runs());
        for (auto& v : run_all(schedule, next, batch)) {
            if (v && !verdict.violation) verdict.violation = std::move(v);
            if (test.add(v.has_value()) != Sprt::Decision::Undecided) break;
        }
        next += batch;
    }
    verdict.decision = test.decision();
    verdict.runs = test.runs();
    verdict.violations = test.violations();
    return verdict;
}

}  // namespace cascadelab::properties
