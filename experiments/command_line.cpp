#include "experiments/command_line.hpp"

#include <algorithm>    // std::any_of, std::find
#include <array>        // std::array
#include <cstdio>       // std::fprintf
#include <new>          // std::bad_alloc
#include <string>       // std::string
#include <string_view>  // std::string_view

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

// Each entry adds the subcommands it names, with all their options.
struct CommandGroup {
    std::array<std::string_view, 3> names;
    void (*add)(CLI::App&, PendingAction&);
};
constexpr std::array<CommandGroup, 6> kCommandGroups{{
    {{"compare"}, add_compare_command},
    {{"scenario"}, add_scenario_command},
    {{"hunt"}, add_hunt_command},
    {{"replay"}, add_replay_command},
    {{"sweep", "merge", "plot"}, add_sweep_command},
    {{"diagrams"}, add_diagrams_command},
}};

bool names_a_command(std::string_view word) {
    if (word.empty()) return false;  // the unused name slots are empty
    return std::any_of(kCommandGroups.begin(), kCommandGroups.end(), [word](const CommandGroup& g) {
        return std::find(g.names.begin(), g.names.end(), word) != g.names.end();
    });
}

// Building a command's options costs more than parsing them (about a third of the time per
// command line, measured under the fuzzer). When the first argument names a command, only its
// group is built: the parse cannot reach any other. Anything else (no command, --help, a typo)
// builds every group, so help and errors list every command.
bool builds(const CommandGroup& group, std::string_view first_argument) {
    if (!names_a_command(first_argument)) return true;
    return std::find(group.names.begin(), group.names.end(), first_argument) != group.names.end();
}

}  // namespace

int run_command_line(int argc, const char* const* argv, bool execute) {
    CLI::App app{"cascadelab: how retries turn one slow service into a cascading failure, modelled as\n"
                 "Boost.MSM state machines in a deterministic simulation and checked with RapidCheck.",
                 "cascadelab"};
    app.set_version_flag("--version", std::string{"cascadelab "} + CASCADELAB_VERSION);
    app.require_subcommand(0, 1);

    PendingAction pending;
    const std::string_view first = argc > 1 ? std::string_view{argv[1]} : std::string_view{};
    for (const CommandGroup& group : kCommandGroups) {
        if (builds(group, first)) group.add(app, pending);
    }

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
