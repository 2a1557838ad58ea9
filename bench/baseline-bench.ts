// Full translation + build + encode of the 1,000-Service / 10,000-endpoint / 10,000-route input,
// against a stored baseline commit in the same invocation: the commit is checked out with
// `git worktree add` into a temporary directory (node_modules linked to this checkout's), and
// bench/full-build-workload.ts runs the same workload on both trees in alternating child
// processes. Prints both with the ratio; the target is ≤ 0.7 × the baseline.
//
//   node bench/baseline-bench.ts [--baseline <commit>] [--rounds 3] [--runs 3] [--routes 10000]
//   npm run bench -- --baseline <commit>
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The commit on main before issue 16's translation work (docs/performance.md records it). */
export const DEFAULT_BASELINE = '70f423e';

const { values: args } = parseArgs({
  options: {
    baseline: { type: 'string', default: DEFAULT_BASELINE },
    rounds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    services: { type: 'string', default: '1000' },
    routes: { type: 'string', default: '10000' },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const workload = join(here, 'full-build-workload.ts');
const commit = execFileSync('git', ['-C', repo, 'rev-parse', '--short', args.baseline], { encoding: 'utf8' }).trim();
const dir = mkdtempSync(join(tmpdir(), 'tether-baseline-'));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const line = (xs: number[]): string => `${median(xs).toFixed(1)} ms [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`;

type Stages = Record<'translate' | 'build' | 'encode', number[]>;
const stages = { now: { translate: [], build: [], encode: [] } as Stages, baseline: { translate: [], build: [], encode: [] } as Stages };

function run(tree: string, into: Stages): number[] {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=8', workload, tree, '--runs', args.runs, '--services', args.services, '--routes', args.routes], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`workload on ${tree} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { cpu: number[]; stages: Stages };
  for (const k of ['translate', 'build', 'encode'] as const) into[k].push(...out.stages[k]);
  return out.cpu;
}

try {
  execFileSync('git', ['-C', repo, 'worktree', 'add', '--detach', '--quiet', dir, commit], { stdio: 'pipe' });
  symlinkSync(realpathSync(join(repo, 'node_modules')), join(dir, 'node_modules'));
  const cpu = { now: [] as number[], baseline: [] as number[] };
  for (let round = 0; round < Number(args.rounds); round++) {
    const order = round % 2 === 0 ? (['now', 'baseline'] as const) : (['baseline', 'now'] as const);
    for (const who of order) cpu[who].push(...run(who === 'now' ? repo : dir, stages[who]));
  }
  console.log(`full translate + build (both forms) + encode of ${args.services} Services / ${Number(args.services) * 10} endpoints / ${args.routes} routes, CPU time, median [min–max] of ${cpu.now.length} runs in ${args.rounds} alternating processes each`);
  console.log(`  this checkout:        ${line(cpu.now)}`);
  console.log(`  baseline ${commit}:     ${line(cpu.baseline)}`);
  for (const k of ['translate', 'build', 'encode'] as const) console.log(`  ${k}: ${median(stages.now[k]).toFixed(1)} ms against ${median(stages.baseline[k]).toFixed(1)} ms (${(median(stages.now[k]) / median(stages.baseline[k])).toFixed(2)})`);
  const ratio = median(cpu.now) / median(cpu.baseline);
  console.log(`  now / baseline: ${ratio.toFixed(2)} (target ≤ 0.7: ${ratio <= 0.7 ? 'met' : 'NOT met'})`);
} finally {
  spawnSync('git', ['-C', repo, 'worktree', 'remove', '--force', dir], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
  spawnSync('git', ['-C', repo, 'worktree', 'prune'], { stdio: 'ignore' });
}
