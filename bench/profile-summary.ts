/*
 * Prints where a CPU profile spent its time: `node dist/bench/profile-summary.js <file.cpuprofile> [top]`.
 * Profiles come from `BENCH_PROFILE=1 npm run bench` (bench/profiles/) or any `node --cpu-prof` run.
 */
import { formatProfile, summarizeProfile } from './lib/profile';

const [file, top] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]\n');
  process.exit(2);
}
process.stdout.write(`${formatProfile(summarizeProfile(file, top ? Number(top) : 25))}\n`);
