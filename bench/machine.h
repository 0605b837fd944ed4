// What every benchmark prints about the machine it ran on: the CPU model from
// /proc/cpuinfo (the core count comes from std::thread::hardware_concurrency),
// and the CPU time the benchmark itself used. Header-only; thread-safe.
#pragma once

#include <sys/resource.h>

#include <fstream>
#include <string>

namespace fapiao::bench {

inline std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

// User and system CPU seconds of this process so far, every thread included.
inline double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace fapiao::bench
