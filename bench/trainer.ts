/**
 * Benchmark of the built-in CartPole trainer: runs the compiled trainer
 * (`dist/trainers/cartpole/main.js`) as a child process on the baseline quick
 * config, a good quick config and a good full config, and prints wall time
 * (process start to exit, including the final evaluation), the trainer's CPU
 * time (equal to wall time on an idle core; wall is larger when other
 * processes share the CPU), SPS and the final evaluation's mean reward.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/trainer.js [--seeds 1,2,3] [--only name,...] [--with-baseline-full]
 *
 * Run folders go to bench/out/trainer/ (git-ignored); the table is also
 * written to bench/out/trainer/results.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configToArgv } from '../trainers/cartpole/flags.js';

/** Repository root (this file runs from dist/bench/). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist/trainers/cartpole/main.js');
const OUT = join(ROOT, 'bench/out/trainer');

const CASES: { name: string; file: string; note: string }[] = [
  { name: 'baseline_quick', file: 'autopilot/configs/baseline_quick.json', note: 'target: < 15 s wall, clearly below good_quick' },
  { name: 'good_quick', file: 'trainers/cartpole/configs/good_quick.json', note: 'target: < 15 s wall' },
  { name: 'good_full', file: 'trainers/cartpole/configs/good_full.json', note: 'target: mean reward >= 400' },
  { name: 'baseline_full', file: 'autopilot/configs/baseline_full.json', note: 'reference (only with --with-baseline-full)' },
];

interface Row {
  name: string;
  seed: number;
  exit: number | null;
  wall_s: number;
  /** CPU seconds of the trainer process (from its final stdout line): what the run costs on an otherwise idle core. */
  cpu_s: number;
  sps: number;
  mean_reward: number;
  success_rate: number;
  agent_steps: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const only = arg('--only')?.split(',');
  const seedsArg = arg('--seeds');
  const withBaselineFull = process.argv.includes('--with-baseline-full');
  const cases = CASES.filter((c) => (only ? only.includes(c.name) : c.name !== 'baseline_full' || withBaselineFull));
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const rows: Row[] = [];
  for (const c of cases) {
    const config = JSON.parse(readFileSync(join(ROOT, c.file), 'utf8')) as Record<string, Record<string, unknown>>;
    const seeds = seedsArg ? seedsArg.split(',').map(Number) : [Number(config['train']?.['seed'] ?? 1)];
    for (const seed of seeds) {
      const runDir = join(OUT, `${c.name}-seed${seed}`);
      const argv = [...configToArgv(config), '--train.seed', String(seed)];
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [MAIN, ...argv], {
        env: { ...process.env, PUFFER_AUTOPILOT_RUN_ID: `bench-${c.name}-${seed}`, PUFFER_AUTOPILOT_RUN_DIR: runDir, PUFFER_AUTOPILOT_SUMMARY: '' },
        encoding: 'utf8',
      });
      const wall = (performance.now() - t0) / 1000;
      let m = { sps: NaN, mean_reward: NaN, success_rate: NaN, agent_steps: NaN };
      try {
        m = (JSON.parse(readFileSync(join(runDir, 'trainer_summary.json'), 'utf8')) as { metrics: typeof m }).metrics;
      } catch {
        process.stderr.write(`${c.name} seed ${seed}: no summary (exit ${r.status})\n${r.stderr}\n`);
      }
      let cpu = NaN;
      try {
        const lastLine = r.stdout.trim().split('\n').at(-1) ?? '{}';
        cpu = Number((JSON.parse(lastLine) as { cpu_s?: number }).cpu_s ?? NaN);
      } catch {
        // no final metric line: leave NaN
      }
      const row: Row = {
        name: c.name,
        seed,
        exit: r.status,
        wall_s: Number(wall.toFixed(2)),
        cpu_s: Number(cpu.toFixed(2)),
        sps: m.sps,
        mean_reward: m.mean_reward,
        success_rate: m.success_rate,
        agent_steps: m.agent_steps,
      };
      rows.push(row);
      process.stdout.write(
        `${c.name.padEnd(15)} seed ${String(seed).padEnd(3)} exit ${row.exit}  wall ${row.wall_s.toFixed(2).padStart(6)} s  cpu ${row.cpu_s.toFixed(2).padStart(6)} s  ` +
          `sps ${String(row.sps).padStart(6)}  steps ${String(row.agent_steps).padStart(7)}  mean_reward ${row.mean_reward.toFixed(1).padStart(6)}  ` +
          `success ${row.success_rate.toFixed(2)}   (${c.note})\n`,
      );
    }
  }
  if (seedsArg) {
    process.stdout.write('\nper config (mean over seeds):\n');
    for (const name of [...new Set(rows.map((r) => r.name))]) {
      const rs = rows.filter((r) => r.name === name);
      const avg = (f: (r: Row) => number): number => rs.reduce((s, r) => s + f(r), 0) / rs.length;
      process.stdout.write(
        `${name.padEnd(15)} wall ${avg((r) => r.wall_s).toFixed(2)} s (max ${Math.max(...rs.map((r) => r.wall_s)).toFixed(2)})  cpu ${avg((r) => r.cpu_s).toFixed(2)} s  ` +
          `mean_reward ${avg((r) => r.mean_reward).toFixed(1)} (min ${Math.min(...rs.map((r) => r.mean_reward)).toFixed(1)})\n`,
      );
    }
  }
  writeFileSync(join(OUT, 'results.json'), `${JSON.stringify(rows, null, 2)}\n`);
  process.exitCode = rows.every((r) => r.exit === 0) ? 0 : 1;
}

main();
