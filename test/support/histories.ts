/**
 * Small loop histories for the tests of read-only commands (audit, replay, status, verify, events,
 * export…): committed as JSON lines (test/fixtures/histories/<name>.jsonl, rows as `autopilot export`
 * writes them) and imported into a fresh workspace with `autopilot import`, instead of running a loop
 * in every test file. Regenerate them after a change to what a loop records:
 *   AUTOPILOT_WRITE_HISTORIES=1 npx vitest run test/support/histories.int.test.ts
 */
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { runInProcess } from './cli-in-process.js';
import { CLI, FAKE_TRAINER, ROOT, fakeTrainerWorkspace, patchSettings } from './workspace.js';

/** Each history's recipe: a fake-trainer workspace (pinned proposer seed) looped this many runs. */
export const HISTORIES = { 'loop-2': { runs: 2 }, 'loop-3': { runs: 3 } } as const;
/** A history's name. */
export type HistoryName = keyof typeof HISTORIES;

/** Where a history's fixture is committed. */
export const historyFixture = (name: HistoryName) => join(ROOT, 'test', 'fixtures', 'histories', `${name}.jsonl`);

/** Runs the CLI; `node` options come before its script (`cli` is the script, the checkout's by default). */
async function cli(args: string[], { node = [], script = CLI }: { node?: string[]; script?: string } = {}): Promise<void> {
  const r = await execa('node', [...node, script, ...args], { reject: false });
  if (r.exitCode !== 0) throw new Error(`autopilot ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
}

/**
 * Where the fixtures are recorded: a fixed folder, so the paths the log holds (the workspace, the
 * fake trainer, autopilot's own folder) are the same wherever the repository is checked out.
 */
export function neutralPlace(): string {
  // Read when used, not when loaded: a worker runs file after file, each with its own TMPDIR.
  return join(tmpdir(), 'autopilot-fixture-history');
}

/**
 * A fake-trainer workspace at {@link neutralPlace} (made afresh), with the fake trainer copied beside
 * it and autopilot reached through a link there; returns how to run the CLI so it sees itself there.
 */
function neutralWorkspace(): { workspace: string; run: { node: string[]; script: string } } {
  const place = neutralPlace();
  rmSync(place, { recursive: true, force: true });
  mkdirSync(place, { recursive: true });
  const workspace = join(place, 'autopilot');
  const made = fakeTrainerWorkspace();
  renameSync(made, workspace);
  rmSync(dirname(made), { recursive: true, force: true });
  const trainer = join(place, 'fake-trainer.mjs');
  copyFileSync(FAKE_TRAINER, trainer);
  patchSettings(workspace, { trainer: { env: { AUTOPILOT_TRAINER: trainer, FAKE_TRAINER_RECORD: join(workspace, 'fake-trainer.jsonl') } } });
  const home = join(place, 'home');
  symlinkSync(ROOT, home);
  // Node keeps the link's path for the CLI and what it imports: autopilot's folder (AUTOPILOT_HOME) is the link.
  return { workspace, run: { node: ['--preserve-symlinks', '--preserve-symlinks-main'], script: join(home, 'bin', 'autopilot.js') } };
}

/**
 * Runs a history's recipe in a fresh workspace and exports its log; returns the export's path.
 * `neutral`: in the workspace at {@link neutralPlace}, as the committed fixtures are recorded (one
 * recording at a time on a machine).
 */
export async function recordHistory(name: HistoryName, { neutral = false } = {}): Promise<{ workspace: string; jsonl: string }> {
  const { workspace, run } = neutral ? neutralWorkspace() : { workspace: fakeTrainerWorkspace(), run: {} };
  await cli(['loop', '--runs', String(HISTORIES[name].runs), '--workspace', workspace], run);
  const jsonl = join(mkdtempSync(join(tmpdir(), 'history-')), `${name}.jsonl`);
  await cli(['export', '--out', jsonl, '--workspace', workspace]);
  return { workspace, jsonl };
}

/**
 * A fresh fake-trainer workspace holding a committed history, imported through `autopilot import`
 * (the events as the loop stored them, its projections rebuilt from them): run in this process, as the
 * setting of tests of other commands (~0.5 s of CPU less than a CLI process each); `spawned`: by
 * `node bin/autopilot.js import` (histories.int.test.ts, which holds the fixtures to the CLI).
 */
export async function historyWorkspace(name: HistoryName, { spawned = false } = {}): Promise<string> {
  const workspace = fakeTrainerWorkspace();
  const args = ['import', historyFixture(name), '--workspace', workspace];
  if (spawned) await cli(args);
  else {
    const r = await runInProcess(args);
    if (r.code !== 0) throw new Error(`autopilot ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  }
  return workspace;
}
