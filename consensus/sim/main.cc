// fapiao-sim: runs the deterministic PBFT fault simulator over a range of seeds.
//   fapiao-sim --n 7 --seeds 1:1000 --faults all [--byzantine K] [--requests N]
// Prints progress, the seed and a replayable trace of each failure, and always
// ends with: seeds=<count> violations=<count> liveness_failures=<count> committed=<blocks>
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "consensus/core/config.h"
#include "consensus/sim/simulator.h"

namespace {

bool ParseSeeds(const std::string& spec, uint64_t& lo, uint64_t& hi) {
  const auto colon = spec.find(':');
  try {
    lo = std::stoull(spec.substr(0, colon));
    hi = colon == std::string::npos ? lo : std::stoull(spec.substr(colon + 1));
  } catch (const std::exception&) {
    return false;
  }
  return lo <= hi;
}

std::string ReplayCommand(const fapiao::consensus::sim::SimOptions& o) {
  return "fapiao-sim --n " + std::to_string(o.n) + " --seeds " + std::to_string(o.seed) + ":" +
         std::to_string(o.seed) + " --faults " + o.faults.ToString() + " --byzantine " +
         std::to_string(o.byzantine) + " --requests " + std::to_string(o.requests) + " --trace";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fapiao::consensus::sim;
  CLI::App app{"Deterministic PBFT fault simulator"};
  uint32_t n = 4;
  std::string seeds = "1:100";
  std::string faults = "all";
  int byzantine = -1;
  uint32_t requests = 60;
  bool trace = false;
  uint32_t max_traces = 3;
  uint32_t trace_lines = 80;
  app.add_option("--n", n, "replicas")->check(CLI::Range(1, 64));
  app.add_option("--seeds", seeds, "seed range lo:hi (inclusive)");
  app.add_option("--faults", faults, "all or crash,partition,loss,dup,reorder,slow,byzantine");
  app.add_option("--byzantine", byzantine,
                 "Byzantine replicas (default: f if faults include byzantine)");
  app.add_option("--requests", requests, "client requests per seed");
  app.add_flag("--trace", trace, "print the whole event trace of every seed");
  app.add_option("--max-traces", max_traces, "failures whose trace is printed");
  app.add_option("--trace-lines", trace_lines, "trace lines printed per failure");
  CLI11_PARSE(app, argc, argv);

  uint64_t lo = 0, hi = 0;
  if (!ParseSeeds(seeds, lo, hi)) {
    std::fprintf(stderr, "bad --seeds '%s' (want lo:hi)\n", seeds.c_str());
    return 2;
  }
  SimOptions base;
  base.n = n;
  base.requests = requests;
  std::string error;
  if (!Faults::Parse(faults, base.faults, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  const uint32_t f = fapiao::consensus::MaxFaulty(n);
  base.byzantine = byzantine >= 0 ? byzantine : (base.faults.byzantine ? static_cast<int>(f) : 0);
  if (base.byzantine > 0) base.faults.byzantine = true;
  std::printf("fapiao-sim n=%u f=%u byzantine=%d faults=%s requests=%u seeds=%s\n", n, f,
              base.byzantine, base.faults.ToString().c_str(), requests, seeds.c_str());

  uint64_t count = 0, violations = 0, liveness = 0, committed = 0, printed = 0, steps = 0;
  const uint64_t total = hi - lo + 1;
  const auto started = std::chrono::steady_clock::now();  // for the throughput line only
  for (uint64_t seed = lo; seed <= hi; ++seed) {
    SimOptions o = base;
    o.seed = seed;
    o.trace = trace;
    SimResult r = RunSimulation(o);
    ++count;
    committed += r.committed_blocks;
    steps += r.steps;
    if (trace) {
      for (const auto& line : r.trace) std::printf("%s\n", line.c_str());
    }
    if (r.violation || r.liveness_failure) {
      (r.violation ? violations : liveness)++;
      std::printf("FAIL seed=%llu %s: %s\n", static_cast<unsigned long long>(seed),
                  r.violation ? "VIOLATION" : "LIVENESS", r.what.c_str());
      if (printed < max_traces && !trace) {
        ++printed;
        o.trace = true;  // deterministic: the same seed replays the same run
        SimResult again = RunSimulation(o);
        const size_t from = again.trace.size() > trace_lines ? again.trace.size() - trace_lines : 0;
        std::printf("  last %zu of %zu trace lines (replay: %s)\n", again.trace.size() - from,
                    again.trace.size(), ReplayCommand(o).c_str());
        for (size_t i = from; i < again.trace.size(); ++i) {
          std::printf("    %s\n", again.trace[i].c_str());
        }
      }
    }
    if (total >= 100 && count % (total / 10) == 0) {
      std::fprintf(stderr, "progress %llu/%llu violations=%llu liveness_failures=%llu\n",
                   static_cast<unsigned long long>(count), static_cast<unsigned long long>(total),
                   static_cast<unsigned long long>(violations),
                   static_cast<unsigned long long>(liveness));
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("throughput: %llu simulated events in %.1f s (%.2f M events/s)\n",
              static_cast<unsigned long long>(steps), secs,
              secs > 0 ? static_cast<double>(steps) / secs / 1e6 : 0.0);
  std::printf("seeds=%llu violations=%llu liveness_failures=%llu committed=%llu\n",
              static_cast<unsigned long long>(count), static_cast<unsigned long long>(violations),
              static_cast<unsigned long long>(liveness),
              static_cast<unsigned long long>(committed));
  std::fflush(stdout);
  return violations + liveness == 0 ? 0 : 1;
}
