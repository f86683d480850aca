/**
 * Small loop histories for the tests of read-only commands (audit, replay, status, verify, events,
 * export…): committed as JSON lines (test/fixtures/histories/<name>.jsonl, rows as `autopilot export`
 * writes them) and imported into a fresh workspace with `autopilot import`, instead of running a loop
 * in every test file. Regenerate them after a change to what a loop records:
 *   AUTOPILOT_WRITE_HISTORIES=1 npx vitest run test/support/histories.int.test.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI, ROOT, fakeTrainerWorkspace } from './workspace.js';

/** Each history's recipe: a fake-trainer workspace (pinned proposer seed) looped this many runs. */
export const HISTORIES = { 'loop-2': { runs: 2 }, 'loop-3': { runs: 3 } } as const;
/** A history's name. */
export type HistoryName = keyof typeof HISTORIES;

/** Where a history's fixture is committed. */
export const historyFixture = (name: HistoryName) => join(ROOT, 'test', 'fixtures', 'histories', `${name}.jsonl`);

async function cli(args: string[]): Promise<void> {
  const r = await execa('node', [CLI, ...args], { reject: false });
  if (r.exitCode !== 0) throw new Error(`autopilot ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
}

/** Runs a history's recipe in a fresh workspace and exports its log; returns the export's path. */
export async function recordHistory(name: HistoryName): Promise<{ workspace: string; jsonl: string }> {
  const workspace = fakeTrainerWorkspace();
  await cli(['loop', '--runs', String(HISTORIES[name].runs), '--workspace', workspace]);
  const jsonl = join(mkdtempSync(join(tmpdir(), 'history-')), `${name}.jsonl`);
  await cli(['export', '--out', jsonl, '--workspace', workspace]);
  return { workspace, jsonl };
}

/**
 * A fresh fake-trainer workspace holding a committed history, imported through `autopilot import`
 * (the events as the loop stored them, its projections rebuilt from them).
 */
export async function historyWorkspace(name: HistoryName): Promise<string> {
  const workspace = fakeTrainerWorkspace();
  await cli(['import', historyFixture(name), '--workspace', workspace]);
  return workspace;
}
