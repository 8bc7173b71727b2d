#include "experiments/command_line.hpp"

#include <cstdio>  // std::fprintf
#include <new>     // std::bad_alloc
#include <string>  // std::string

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "experiments/compare_command.hpp"
#include "experiments/diagrams_command.hpp"
#include "experiments/exit_codes.hpp"
#include "experiments/hunt_command.hpp"
#include "experiments/scenario_command.hpp"
#include "experiments/sweep_command.hpp"
#include "model/json_input.hpp"
#include "model/resource_budget.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::cli {

namespace {

// One line, whatever the message holds: control characters (a newline in a file name, an escape
// sequence in a scenario name) are shown as \xNN.
void print_error(const std::string& what) {
    std::string line;
    for (const char c : what) {
        const auto u = static_cast<unsigned char>(c);
        line += (u < 0x20 || u == 0x7f) ? fmt::format("\\x{:02x}", u) : std::string(1, c);
    }
    std::fprintf(stderr, "cascadelab: error: %s\n", line.c_str());
}

}  // namespace

int run_command_line(int argc, const char* const* argv, bool execute) {
    CLI::App app{"cascadelab: how retries turn one slow service into a cascading failure, modelled as\n"
                 "Boost.MSM state machines in a deterministic simulation and checked with RapidCheck.",
                 "cascadelab"};
    app.set_version_flag("--version", std::string{"cascadelab "} + CASCADELAB_VERSION);
    app.require_subcommand(0, 1);

    PendingAction pending;
    add_compare_command(app, pending);
    add_scenario_command(app, pending);
    add_hunt_command(app, pending);
    add_replay_command(app, pending);
    add_sweep_command(app, pending);
    add_diagrams_command(app, pending);

    try {
        app.parse(argc, argv);
        if (app.get_subcommands().empty()) {
            std::fputs(app.help().c_str(), stdout);
            return kExitOk;
        }
        if (!pending.action) return kExitOk;  // a command group without its subcommand printed help
        return execute ? pending.action() : kExitOk;
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        print_error(e.what());
    } catch (const BadInput& e) {
        print_error(e.what());
    } catch (const ConfigError& e) {
        print_error(e.what());
    } catch (const InputFileError& e) {
        print_error(e.what());
    } catch (const RunLimitExceeded& e) {
        // A run the estimate could not bound (messages redelivered without limit) reached its
        // budget: the same contract as bad input, one line and 2.
        print_error(e.what());
    }
    return kExitBadInput;
}

}  // namespace cascadelab::cli
