// The list of machines. Adding a machine = one line here; its diagram then exists.
#include "statemachines/catalog.hpp"

#include "statemachines/bulkhead.hpp"
#include "statemachines/circuit_breaker.hpp"
#include "statemachines/consumer.hpp"
#include "statemachines/message.hpp"
#include "statemachines/retry.hpp"
#include "statemachines/retry_budget.hpp"

namespace cascadelab {

std::vector<MachineDescription> all_machine_descriptions() {
    return {CircuitBreaker::describe(), Bulkhead::describe(), Retry::describe(), RetryBudget::describe(),
            Message::describe(),        Consumer::describe()};
}

}  // namespace cascadelab
