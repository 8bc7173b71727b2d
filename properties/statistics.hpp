// The statistics of verdicts over seeds. One run of a schedule is a Bernoulli trial (the property
// held or broke); a verdict about the schedule is a statement about the probability p of breaking,
// over the seeds that drive every random stream of the run:
// - an estimate with a 95 % interval (Wilson's score interval; Clopper–Pearson's exact bounds),
// - a decision "p ≥ θ" or "p < θ" by Wald's sequential probability ratio test, which stops as
//   soon as the evidence is clear (a schedule that always fails costs ~30 runs, one that never
//   does ~3),
// - the number of runs after which "no violation seen" means p ≤ ε with confidence 1 − δ.
#pragma once

#include <cstdint>      // std::uint64_t
#include <string>       // std::string

namespace cascadelab::properties {

struct Interval {
    double low = 0.0;
    double high = 1.0;
};

// Wilson's score interval for k successes in n trials at confidence 1 − alpha (two-sided). It
// keeps its coverage near the nominal level at p near 0 or 1, where the normal interval collapses.
// n = 0: [0, 1].
Interval wilson_interval(std::uint64_t k, std::uint64_t n, double alpha = 0.05);

// Clopper–Pearson's exact one-sided upper bound: the largest p for which seeing at most k
// successes in n trials has probability at least delta. k = 0 gives 1 − delta^(1/n).
double clopper_pearson_upper(std::uint64_t k, std::uint64_t n, double delta);

// Runs without a violation after which p ≤ epsilon holds with confidence 1 − delta (the exact
// zero-failure bound: (1 − epsilon)^n ≤ delta). epsilon = 0.01, delta = 0.05: 299 runs.
std::uint64_t zero_failure_runs(double epsilon, double delta);

// The Chernoff–Hoeffding (Okamoto) sample size for estimating p within ±epsilon with confidence
// 1 − delta: ln(2 / delta) / (2 epsilon²). 0.01 and 0.05: 18,445 runs. Shown for comparison: a
// one-sided claim with no violation seen needs far fewer (zero_failure_runs).
std::uint64_t okamoto_runs(double epsilon, double delta);

// Wald's sequential probability ratio test of H1: p ≥ threshold + indifference ("fails") against
// H0: p ≤ threshold − indifference ("does not fail robustly"), with error bounds alpha (deciding
// fails when it does not) and beta (the reverse). Between the two lies the indifference region,
// where either answer is acceptable. After max_runs without a decision, the estimate decides.
struct SprtOptions {
    double threshold = 0.9;
    double indifference = 0.05;
    double alpha = 0.05;
    double beta = 0.05;
    std::uint64_t max_runs = 200;

    // Throws ConfigError naming the option ("--confidence" for the threshold) and the value.
    void validate() const;
};

class Sprt {
public:
    enum class Decision { Undecided, Fails, Holds };

    explicit Sprt(const SprtOptions& options);
    // One more run: whether it broke the property. Returns the decision so far.
    Decision add(bool violated);
    Decision decision() const { return decision_; }
    std::uint64_t runs() const { return runs_; }
    std::uint64_t violations() const { return violations_; }

private:
    SprtOptions options_;
    double fail_step_ = 0.0;  // log-likelihood ratio added by a violation
    double hold_step_ = 0.0;  // ... and by a run without one
    double accept_fails_ = 0.0;
    double accept_holds_ = 0.0;
    double llr_ = 0.0;
    std::uint64_t runs_ = 0;
    std::uint64_t violations_ = 0;
    Decision decision_ = Decision::Undecided;
};

// "19 of 20 seeds (0.95, 95 % interval 0.76–0.99)".
std::string describe_estimate(std::uint64_t violations, std::uint64_t runs);

}  // namespace cascadelab::properties
