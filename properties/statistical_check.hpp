// Statistical checking of a configuration: not "the hunt found nothing in 100 cases" but
// "P(violation) ≤ ε with confidence 1 − δ" for a schedule drawn by the hunt's generator and a
// seed — or a counterexample.
//
// Each sample is one schedule from the generator (RapidCheck's draws, sizes ramping as in a hunt)
// run under its own seed. If the violation probability averaged over those draws were above ε,
// n runs without a violation would happen with probability below (1 − ε)^n ≤ δ; so n =
// zero_failure_runs(ε, δ) clean runs make the statement (299 for ε = 0.01, δ = 0.05). Every
// sample is run; with violations the result is the exact (Clopper–Pearson) upper bound and the
// first violating sample, which the caller can replay.
#pragma once

#include <cstdint>   // std::uint64_t
#include <optional>  // std::optional
#include <string>    // std::string

#include "properties/invariants.hpp"
#include "properties/schedule.hpp"

namespace cascadelab::properties {

struct CheckOptions {
    double epsilon = 0.01;
    double delta = 0.05;
    std::uint64_t rapidcheck_seed = 1;  // the generator's draws
    int max_size = 100;
    unsigned threads = 1;

    // Throws ConfigError naming --epsilon or --delta.
    void validate() const;
};

struct CheckCounterexample {
    Schedule schedule;
    std::uint64_t seed = 0;  // the scenario seed it broke under
    Violation violation;
};

struct CheckResult {
    std::uint64_t runs = 0;        // samples: one schedule under one seed each
    std::uint64_t violations = 0;
    double upper_bound = 1.0;      // P(violation) ≤ this with confidence 1 − δ
    std::uint64_t simulations = 0; // with the healthy references
    std::optional<CheckCounterexample> counterexample;  // the first violating sample
    bool holds(double epsilon) const { return violations == 0 && upper_bound <= epsilon; }
};

// Throws ConfigError for a property that does not exist or does not apply.
CheckResult check_statistically(std::string_view property, const HuntSetup& setup, const CheckOptions& options);

}  // namespace cascadelab::properties
