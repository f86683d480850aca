/**
 * An agent attempt's own files (its log, stdout copy, MCP call log, prompt copy under logs/) on
 * hostile ground: what a previous attempt planted there, or the attempt itself left there, is
 * removed (never followed or appended through) and recorded, with decoys outside the workspace.
 */
import { lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeWorkspace } from '../../support/chaos.js';
import { decoys, eventsOfType, hostileWorkspace, loop } from '../../support/hostile.js';

const cleanup: (() => void)[] = [];
afterAll(() => cleanup.forEach((f) => f()));

/** A hostile workspace whose policy lets the agent write where the next attempt's files go (as a resumed attempt would find them). */
function workspace(actions: string, allowNext: boolean) {
  const d = decoys();
  const { ws, records } = hostileWorkspace(
    // Every attempt prints a line: output appended through a planted link would reach a decoy.
    {
      HOSTILE_AGENT_SAY: 'thinking out loud\n',
      HOSTILE_AGENT_ACTIONS: actions,
      HOSTILE_DECOY: d.file,
      HOSTILE_DECOY_HARD: join(d.folder, 'propose.md'),
      HOSTILE_AGENT_PROPOSAL: '{"overrides": {"train": {"learning_rate": "fast"}}, "rationale": "r", "hypothesis": "h"}',
    },
    { max_attempts: 2, on_exhausted: 'fallback' },
  );
  cleanup.push(() => {
    removeWorkspace(ws);
    rmSync(records, { recursive: true, force: true });
    rmSync(d.dir, { recursive: true, force: true });
  });
  if (allowNext) {
    const file = join(ws, 'policy.json');
    const policy = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const next = ['log', 'stdout.log', 'mcp.jsonl', 'prompt.md'].map((s) => `logs/002.proposer-2.${s}`);
    policy['allowed_paths'] = ['proposals/next_config.json', 'runs/<id>/notes.txt', ...next];
    writeFileSync(file, JSON.stringify(policy, null, 2));
  }
  return { ws, d };
}

/** Runs two loop iterations on {@link workspace}; the loop ends well and no decoy changed. */
async function looped(actions: string, allowNext: boolean) {
  const w = workspace(actions, allowNext);
  const r = await loop(w.ws, ['--runs', '2'], 120_000);
  expect(r.exitCode, r.all).toBe(0);
  expect(w.d.unchanged()).toBe(true);
  return w;
}

const ownViolations = (ws: string, attempt: number) =>
  eventsOfType(ws, 'GuardrailViolation')
    .filter((e) => e.data.source === 'proposer' && e.data.attempt === attempt)
    .flatMap((e) => e.data.paths);

describe('when a previous attempt planted links and a FIFO where the next attempt’s files go', () => {
  it('removes each before the attempt runs, records what it was, and nothing outside is written', async () => {
    const { ws, d } = await looped('1:plant-next', true);
    expect(eventsOfType(ws, 'ProposerStarted').map((e) => e.data.attempt)).toEqual([1, 2]);
    const paths = ownViolations(ws, 2);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'logs/002.proposer-2.log', kind: 'symlink', target: d.file, restored: true }),
        expect.objectContaining({ path: 'logs/002.proposer-2.stdout.log', kind: 'file', restored: true, note: expect.stringContaining('hard link') }),
        expect.objectContaining({ path: 'logs/002.proposer-2.mcp.jsonl', kind: 'fifo', restored: true }),
        expect.objectContaining({ path: 'logs/002.proposer-2.prompt.md', kind: 'symlink', target: d.file, restored: true }),
      ]),
    );
    for (const s of ['log', 'stdout.log', 'prompt.md']) expect(lstatSync(join(ws, `logs/002.proposer-2.${s}`)).isFile()).toBe(true);
    expect(lstatSync(join(ws, 'logs/002.proposer-2.stdout.log')).nlink).toBe(1);
  });
});

describe('when an attempt leaves a link in place of its own MCP call log', () => {
  it('removes it after the attempt and records it', async () => {
    const { ws, d } = await looped('1:link-own-mcp', false);
    expect(ownViolations(ws, 1)).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'logs/002.proposer-1.mcp.jsonl', kind: 'symlink', target: d.file, restored: true })]));
    expect(() => lstatSync(join(ws, 'logs/002.proposer-1.mcp.jsonl'))).toThrow();
  });
});
