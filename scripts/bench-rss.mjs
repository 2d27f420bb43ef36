// Preloaded with `node --import` by bench.mjs: on exit, writes the process's peak resident set size
// (KiB, getrusage maxrss), CPU time (µs, user + system) and the system part of it as JSON to
// PEAK_TO_SIGMA_BENCH_USAGE.
import { writeFileSync } from 'node:fs';

const target = process.env.PEAK_TO_SIGMA_BENCH_USAGE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMicros: usage.userCPUTime + usage.systemCPUTime, systemMicros: usage.systemCPUTime }));
  });
}
