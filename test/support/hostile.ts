/** Workspaces driven by the hostile agent fixture, with decoy files outside them for attacks to aim at. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { catalogueCodec, type AutopilotEvent, type AutopilotEventType, type EventOf } from '../../events/catalogue.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { CLI, FAKE_TRAINER, ROOT, copyShippedWorkspace, patchSettings } from './workspace.js';

/** The hostile agent (a `command` proposer). */
export const HOSTILE_AGENT = join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs');

/** Decoy files in a temp dir outside the workspace: what an attack would read or overwrite. */
export function decoys() {
  const dir = mkdtempSync(join(tmpdir(), 'autopilot-decoy-'));
  const file = join(dir, 'decoy.json');
  const text = '{"overrides": {"train": {"learning_rate": 0.002}}, "rationale": "DECOY-SECRET-7731", "hypothesis": "decoy"}\n';
  writeFileSync(file, text);
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  writeFileSync(join(folder, 'propose.md'), 'DECOY PROMPT {{nothing}}\n');
  return { dir, file, text, folder, unchanged: () => readFileSync(file, 'utf8') === text && readFileSync(join(folder, 'propose.md'), 'utf8') === 'DECOY PROMPT {{nothing}}\n' };
}

/** A copy of the shipped workspace with the fake trainer and the hostile agent as a `command` proposer. */
export function hostileWorkspace(agentEnv: Record<string, string>, proposer: Record<string, unknown> = {}, trainerEnv: Record<string, string> = {}) {
  const ws = copyShippedWorkspace();
  const records = mkdtempSync(join(tmpdir(), 'autopilot-agent-'));
  patchSettings(ws, {
    trainer: { env: { AUTOPILOT_TRAINER: FAKE_TRAINER, FAKE_TRAINER_RECORD: join(records, 'trainer.jsonl'), ...trainerEnv } },
    proposer: {
      kind: 'command',
      max_attempts: 2,
      command: {
        argv: [process.execPath, HOSTILE_AGENT],
        env: { HOSTILE_AGENT_RECORD: join(records, 'agent.jsonl'), HOSTILE_AGENT_ONCE: join(records, 'once'), ...agentEnv },
        wall_seconds: 60,
        no_output_seconds: 30,
      },
      ...proposer,
    },
  });
  return { ws, records };
}

/** Runs `autopilot loop` on `ws` (the CLI, a real process). */
export function loop(ws: string, args: string[] = ['--runs', '2'], timeout = 120_000) {
  return execa('node', [CLI, 'loop', '--workspace', ws, ...args], { reject: false, all: true, timeout });
}

/** Every event of the workspace's log. */
export function logOf(ws: string): AutopilotEvent[] {
  const db = join(ws, 'events.db');
  if (!existsSync(db)) return [];
  let store;
  try {
    store = openSqliteStore(db, catalogueCodec, { readonly: true });
  } catch {
    // Being created by a loop that just started: nothing to read yet.
    return [];
  }
  try {
    return [...store.readAll()].map((s) => s.event);
  } finally {
    store.close();
  }
}

/** The events of one type. */
export function eventsOfType<T extends AutopilotEventType>(ws: string, type: T): EventOf<T>[] {
  return logOf(ws).filter((e): e is EventOf<T> => e.type === type);
}

/** What the hostile agent recorded (one entry per line). */
export function agentRecords(records: string): Record<string, unknown>[] {
  const file = join(records, 'agent.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The raw bytes of the log file (WAL included), to search for text that must not have been recorded. */
export function rawLog(ws: string): string {
  return ['events.db', 'events.db-wal'].map((f) => (existsSync(join(ws, f)) ? readFileSync(join(ws, f)).toString('latin1') : '')).join('');
}
