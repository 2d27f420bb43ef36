// Preloaded with `node --import` by bench.mjs: on exit, writes the process's peak resident set
// size (KiB, getrusage maxrss) to the file named by PEAK_TO_SIGMA_BENCH_RSS.
import { writeFileSync } from 'node:fs';

const target = process.env.PEAK_TO_SIGMA_BENCH_RSS;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
