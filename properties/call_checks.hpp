// The invariants judged from the calls themselves (RunObserver::call): each recomputes what a
// machine should have done from what went in and out of the guards, instead of reading the
// machine's own counters, so that a bug in the machine cannot keep the check consistent with it.
//
//   bulkhead-bound      the calls at the service (and the bulkhead's own count) stay within its
//                       slots, its waiters within the queue's bound, and slots go first come first served
//   retry-bounds        the calls each request sends (and the attempt numbers) stay within max_attempts
//   breaker-accounting  every call that reaches the service through a breaker holds a permit, and
//                       every permit ends in exactly one outcome handed to the breaker
//   breaker-verdicts    a Resilience4j breaker opens as soon as the outcomes it was given put its
//                       window over a threshold, and HalfOpen decides as its probes' outcomes say
//   no-futile-retry     an answer the retry policy does not retry (an outcome outside retry_on, a
//                       server's "do not retry") is the request's last attempt
//   capacity-bound      the service never holds more attempts than its capacity
#pragma once

#include <memory>       // std::unique_ptr
#include <optional>     // std::optional
#include <string_view>  // std::string_view

#include "properties/step_check.hpp"

namespace cascadelab::properties {

std::unique_ptr<StepCheck> make_bulkhead_bound(std::string_view name, const HuntSetup& setup,
                                               std::optional<Violation>& first);
std::unique_ptr<StepCheck> make_retry_bounds(std::string_view name, const HuntSetup& setup,
                                             std::optional<Violation>& first);
std::unique_ptr<StepCheck> make_breaker_accounting(std::string_view name, const HuntSetup& setup,
                                                   std::optional<Violation>& first);
std::unique_ptr<StepCheck> make_breaker_verdicts(std::string_view name, const HuntSetup& setup,
                                                 std::optional<Violation>& first);
std::unique_ptr<StepCheck> make_no_futile_retry(std::string_view name, const HuntSetup& setup,
                                                std::optional<Violation>& first);
std::unique_ptr<StepCheck> make_capacity_bound(std::string_view name, const HuntSetup& setup,
                                               std::optional<Violation>& first);

}  // namespace cascadelab::properties
