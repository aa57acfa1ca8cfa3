#pragma once
// The EmStat model's parsed script (emstat_model.cpp parses and runs it; emstat_restore.cpp
// saves and restores it). Internal to drivers/sim's EmStat.
#include <map>
#include <string>
#include <vector>

#include "drivers/sim/emstat_model.hpp"

namespace edc::sim {

struct Stmt {
    std::vector<std::string> w;
    int line = 0;
};
using Var = EmStatVar;

struct EmStatModel::Script {
    std::vector<Stmt> before, body, after, finished;
    bool has_loop = false;
    std::string e_var, i_var;
    std::string current_arg;
    double interval_s = 0.1, duration_s = 1.0;
    std::map<std::string, Var> vars;
    double loop_start_s = 0.0, next_s = 0.0, timer_zero_s = 0.0;
    int pgstat_mode = 0;
    bool broke = false;  // breakloop ran
    std::string package;
};

}  // namespace edc::sim
