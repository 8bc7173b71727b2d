// cascadelab: the command-line tool. Each subcommand lives in its own file and registers here.
#include <cstdio>  // std::fprintf
#include <string>  // std::string

#include <CLI/CLI.hpp>  // CLI::App

#include "experiments/compare_command.hpp"
#include "experiments/diagrams_command.hpp"
#include "experiments/exit_codes.hpp"
#include "experiments/hunt_command.hpp"
#include "experiments/scenario_command.hpp"
#include "experiments/sweep_command.hpp"
#include "statemachines/config_error.hpp"

using namespace cascadelab::cli;

int main(int argc, char** argv) {
    CLI::App app{"cascadelab: how retries turn one slow service into a cascading failure, modelled as\n"
                 "Boost.MSM state machines in a deterministic simulation and checked with RapidCheck.",
                 "cascadelab"};
    app.set_version_flag("--version", std::string{"cascadelab "} + CASCADELAB_VERSION);
    app.require_subcommand(0, 1);

    // Bad input gets one line naming what was wrong, and exit status 2 (never CLI11's own codes).
    int result = kExitOk;
    add_compare_command(app, result);
    add_scenario_command(app, result);
    add_hunt_command(app, result);
    add_replay_command(app, result);
    add_sweep_command(app, result);
    add_diagrams_command(app, result);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "cascadelab: error: %s\n", e.what());
        return kExitBadInput;
    } catch (const BadInput& e) {
        std::fprintf(stderr, "cascadelab: error: %s\n", e.what());
        return kExitBadInput;
    } catch (const cascadelab::ConfigError& e) {
        std::fprintf(stderr, "cascadelab: error: %s\n", e.what());
        return kExitBadInput;
    }

    if (app.get_subcommands().empty()) {
        std::fputs(app.help().c_str(), stdout);
    }
    return result;
}
