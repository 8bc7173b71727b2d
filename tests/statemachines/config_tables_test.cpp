// The field tables are where every range lives: each field is named once, documented, and
// validate() refuses a value just outside its range, naming that field.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "statemachines/config_tables.hpp"
#include "field_ranges.hpp"

namespace cascadelab {
namespace {

template <class C>
void expect_well_formed(std::span<const Field<C>> fields, const char* table) {
    std::set<std::string> keys;
    for (const Field<C>& f : fields) {
        EXPECT_TRUE(keys.insert(f.key()).second) << table << ": " << f.key() << " twice";
        EXPECT_FALSE(f.doc.empty()) << table << "." << f.key() << " has no doc line";
        EXPECT_LE(f.range.low, f.range.high) << table << "." << f.key();
    }
}

TEST(ConfigTables, EveryKeyIsUniqueDocumentedAndHasARange) {
    expect_well_formed(breaker_fields(), "breaker");
    expect_well_formed(wait_step_fields(), "wait_steps");
    expect_well_formed(recording_fields(), "record");
    expect_well_formed(bulkhead_fields(), "bulkhead");
    expect_well_formed(backoff_fields(), "backoff");
    expect_well_formed(retry_fields(), "retry");
    expect_well_formed(outcome_set_fields(), "retry_on");
    expect_well_formed(budget_fields(), "retry_budget");
    expect_well_formed(message_fields(), "message");
}

// Every value just outside a range is refused by validate(), which names the field.
template <class C, class Validate>
int expect_refused_outside(std::span<const Field<C>> fields, const C& valid, const std::string& section, Validate validate) {
    int checked = 0;
    for (const Field<C>& f : fields) {
        if (!is_number(f) || !f.applies_to(valid)) continue;
        for (double v : just_outside(f)) {
            C c = valid;
            set_number(f, c, v);
            try {
                validate(c);
                ADD_FAILURE() << section << "." << f.name << " = " << v << " was accepted";
            } catch (const ConfigError& e) {
                EXPECT_EQ(e.field(), section + "." + std::string{f.name}) << e.what();
            }
            ++checked;
        }
    }
    return checked;
}

TEST(ConfigTables, ValidateRefusesAValueJustOutsideEachRangeNamingTheField) {
    auto own = [](const auto& c) { c.validate(); };
    int checked = 0;
    checked += expect_refused_outside(breaker_fields(), CircuitBreakerConfig::resilience4j(), "circuit_breaker", own);
    const BulkheadConfig bounded_queue{25, Duration::zero(), 10};  // an unbounded queue has no number to push out
    checked += expect_refused_outside(bulkhead_fields(), bounded_queue, "bulkhead", own);
    checked += expect_refused_outside(backoff_fields(), BackoffConfig::tutorial(), "backoff", own);
    checked += expect_refused_outside(retry_fields(), RetryConfig::tutorial(), "retry", own);
    for (const RetryBudgetConfig& b : {RetryBudgetConfig::grpc(), RetryBudgetConfig::finagle(), RetryBudgetConfig::envoy(),
                                       RetryBudgetConfig::aws_standard()})
        checked += expect_refused_outside(budget_fields(), b, "retry_budget", own);
    checked += expect_refused_outside(message_fields(), MessageConfig::tutorial(), "message", own);
    // A wait step is checked by its breaker, under the step's index.
    const WaitStep step{50.0, Duration::seconds(1)};
    checked += expect_refused_outside(wait_step_fields(), step,
                                      "circuit_breaker.wait_steps[0]", [](const WaitStep& w) {
                                          CircuitBreakerConfig b = CircuitBreakerConfig::resilience4j();
                                          b.wait_steps = {w};
                                          b.validate();
                                      });
    EXPECT_GE(checked, 40);  // the tables have that many finite ends; fewer means a table lost its ranges
}

TEST(ConfigTables, RangesReadAsTheyAreChecked) {
    EXPECT_EQ(describe(closed(1, 100), false), "in [1, 100]");
    EXPECT_EQ(describe(above_up_to(0, 100), false), "in (0, 100]");
    EXPECT_EQ(describe(at_least(1), false), "at least 1");
    EXPECT_EQ(describe(positive(), true), "positive");
    EXPECT_EQ(describe(at_least(0), true), "zero or positive");
    EXPECT_EQ(describe(closed(1'000, 60'000), true), "in [1s, 1min]");
    EXPECT_EQ(describe(closed(0, 1e6), false), "in [0, 1000000]");
    EXPECT_EQ(describe(closed(0, 0.5), false), "in [0, 0.5]");
}

TEST(ConfigTables, AFieldOfAnotherBudgetPolicyDoesNotApply) {
    const Field<RetryBudgetConfig>* ttl = nullptr;
    for (const auto& f : budget_fields())
        if (f.name == "ttl") ttl = &f;
    ASSERT_NE(ttl, nullptr);
    EXPECT_FALSE(ttl->applies_to(RetryBudgetConfig::grpc()));
    EXPECT_TRUE(ttl->applies_to(RetryBudgetConfig::finagle()));
}

}  // namespace
}  // namespace cascadelab
