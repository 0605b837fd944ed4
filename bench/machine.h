// What every benchmark prints about the machine it ran on: the CPU model from
// /proc/cpuinfo (the core count comes from std::thread::hardware_concurrency).
// Header-only; thread-safe.
#pragma once

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

}  // namespace fapiao::bench
