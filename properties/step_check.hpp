// The base of every step-level invariant: it watches a run (a RunObserver), checks each snapshot,
// and remembers the first violation. invariants.cpp and call_checks.cpp define the checks.
#pragma once

#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

#include <fmt/format.h>

#include "model/metrics.hpp"
#include "model/observer.hpp"
#include "properties/invariants.hpp"

namespace cascadelab::properties {

// A step-level invariant: checks each snapshot, remembers the first violation.
class StepCheck : public RunObserver {
public:
    StepCheck(std::string_view name, std::optional<Violation>& first) : name_(name), first_(first) {}
    // Every check is made from the setup (make_check); those that need nothing of it inherit this.
    StepCheck(std::string_view name, std::optional<Violation>& first, const HuntSetup&) : StepCheck(name, first) {}
    void step(const Snapshot& s) final {
        next_step_ = s.step + 1;  // transitions and call steps reported next belong to the next event
        if (first_) return;
        check(s);
    }

protected:
    virtual void check(const Snapshot& s) = 0;
    void fail(const Snapshot& s, std::string detail) { first_ = Violation{std::string{name_}, s.now, s.step, std::move(detail)}; }
    void fail(Time at, std::uint64_t step, std::string detail) { first_ = Violation{std::string{name_}, at, step, std::move(detail)}; }
    // For what a check sees between snapshots (a transition, a call's step).
    void fail(Time at, std::string detail) { fail(at, next_step_, std::move(detail)); }
    bool failed() const { return first_.has_value(); }

public:
    // After the run, for what can only be judged at its end (everything settled).
    virtual void at_end(const RunMetrics&) {}

private:
    std::string_view name_;
    std::optional<Violation>& first_;
    std::uint64_t next_step_ = 1;
};

// The guards the invariants watch: the client tier's (RPC) or the last stage's, the one that
// calls the service (event-driven).
const std::optional<CircuitBreakerConfig>& watched_breaker(const Scenario& s);
const std::optional<BulkheadConfig>& watched_bulkhead(const Scenario& s);

}  // namespace cascadelab::properties
