/** Temp workspaces for tests: a copy of the shipped one (without generated state), optionally re-configured. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The compiled CLI. */
export const CLI = join(ROOT, 'bin', 'autopilot.js');
/** The fake trainer used where the real one would only slow a test down. */
export const FAKE_TRAINER = join(ROOT, 'test', 'fixtures', 'fake-trainer.mjs');

const GENERATED = /^(events\.db.*|autopilot\.lock.*|STOP)$/;

/** Copies the shipped workspace into a fresh temp dir, leaving out everything the loop generates. */
export function copyShippedWorkspace(prefix = 'autopilot-ws-'): string {
  const src = join(ROOT, 'autopilot');
  const dir = join(mkdtempSync(join(tmpdir(), prefix)), 'autopilot');
  cpSync(src, dir, {
    recursive: true,
    filter: (from) => {
      const rel = relative(src, from);
      if (rel === '') return true;
      if (GENERATED.test(basename(rel))) return false;
      const [top, ...rest] = rel.split('/');
      if (['runs', 'logs', 'journal', 'models'].includes(top!) && rest.length > 0) return rest[0] === '.gitkeep';
      if (top === 'proposals' && rest.length > 0) return rest[0] === 'next_config.json';
      return true;
    },
  });
  return dir;
}

/** Deep-merges `patch` into the workspace's autopilot.json. */
export function patchSettings(workspace: string, patch: Record<string, unknown>): void {
  const path = join(workspace, 'autopilot.json');
  const settings = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(b)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object') merge(a[k] as Record<string, unknown>, v as Record<string, unknown>);
      else a[k] = v;
    }
  };
  merge(settings, patch);
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
}

/**
 * A copy of the shipped workspace whose trainer is the fake one (fast, deterministic, records its
 * argv), still launched through the workspace's scripts/run_training.sh and its flag renderer.
 */
export function fakeTrainerWorkspace(env: Record<string, string> = {}, options: { proposerSeed?: number | null } = {}): string {
  const ws = copyShippedWorkspace();
  // A pinned proposer seed, so the built-in and random proposals, and so the tests, are the same on every
  // run; null leaves it unset, for the tests of a seed drawn per workspace.
  const seed = options.proposerSeed === undefined ? TEST_PROPOSER_SEED : options.proposerSeed;
  patchSettings(ws, {
    trainer: { env: { AUTOPILOT_TRAINER: FAKE_TRAINER, FAKE_TRAINER_RECORD: join(ws, 'fake-trainer.jsonl'), ...env } },
    ...(seed === null ? {} : { proposer: { seed } }),
  });
  return ws;
}

/** The proposer seed of every fake-trainer workspace, unless a test asks for none. */
export const TEST_PROPOSER_SEED = 20_261_205;

/** The invocations the fake trainer recorded. */
export function fakeTrainerCalls(workspace: string): { argv: string[]; env: Record<string, string> }[] {
  try {
    return readFileSync(join(workspace, 'fake-trainer.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { argv: string[]; env: Record<string, string> });
  } catch {
    return [];
  }
}
