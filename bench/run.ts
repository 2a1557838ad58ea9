// `npm run bench`: runs every bench/*-bench.ts in its own process (so one benchmark's heap and JIT
// state cannot colour another's) with the Node flags the image uses, one after the other, and
// fails if any of them fails. Words select benchmarks by name; `--baseline <commit>` is handed to
// bench/baseline-bench.ts (the commit to compare full translation against).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const at = argv.indexOf('--baseline');
const baseline = at >= 0 ? argv.splice(at, 2)[1] : undefined;
const only = argv;
const benches = readdirSync(here)
  .filter((f) => f.endsWith('-bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n=== ${file}\n`);
  const extra = file === 'baseline-bench.ts' && baseline ? ['--baseline', baseline] : [];
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=8', join(here, file), ...extra], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`${file} failed (exit ${r.status ?? r.signal})\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
