#include "properties/statistical_check.hpp"

#include <vector>  // std::vector

#include <fmt/format.h>
#include <rapidcheck.h>

#include "properties/generators.hpp"
#include "properties/rapidcheck_runner.hpp"
#include "properties/seed_verdict.hpp"
#include "properties/statistics.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::properties {

void CheckOptions::validate() const {
    // Below 1e-4 the sample runs to the hundreds of thousands: a hunt, not a check.
    if (!(epsilon >= 1e-4 && epsilon < 1.0)) throw ConfigError("--epsilon", fmt::format("{}", epsilon), "must be in [0.0001, 1)");
    if (!(delta >= 1e-9 && delta < 1.0)) throw ConfigError("--delta", fmt::format("{}", delta), "must be in [1e-09, 1)");
}

namespace {

// n schedules as the hunt draws them: RapidCheck runs a property that only records its input.
std::vector<Schedule> draw_schedules(const HuntSetup& setup, std::uint64_t n, const CheckOptions& options) {
    std::vector<Schedule> drawn;
    drawn.reserve(n);
    const auto record = [&] { drawn.push_back(*gen::schedule(setup)); };
    run_property(record, PropertyRun{"check", options.rapidcheck_seed, static_cast<int>(n), options.max_size, "", {}, {}});
    return drawn;
}

}  // namespace

CheckResult check_statistically(std::string_view property, const HuntSetup& setup, const CheckOptions& options) {
    options.validate();
    applicable_property(property, setup.scenario.architecture);
    setup.validate();
    const std::uint64_t n = zero_failure_runs(options.epsilon, options.delta);
    const std::vector<Schedule> schedules = draw_schedules(setup, n, options);
    SeedEvaluator seeds(std::string{property}, setup, options.threads);
    const std::uint64_t first = setup.scenario.seed;
    const auto verdicts = seeds.run_each(schedules, first);
    CheckResult result;
    result.runs = verdicts.size();
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
        if (!verdicts[i]) continue;
        ++result.violations;
        if (!result.counterexample) result.counterexample = CheckCounterexample{schedules[i], first + i, *verdicts[i]};
    }
    result.upper_bound = clopper_pearson_upper(result.violations, result.runs, options.delta);
    result.simulations = seeds.simulations();
    return result;
}

}  // namespace cascadelab::properties
