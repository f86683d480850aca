import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { eventsOfType, loop } from '../support/hostile.js';
import { CLI, fakeTrainerWorkspace } from '../support/workspace.js';

describe('autopilot reset', () => {
  it('lists what it would move and changes nothing without --yes', async () => {
    const ws = fakeTrainerWorkspace();
    expect((await loop(ws, ['--runs', '1'])).exitCode).toBe(0);
    const r = await execa('node', [CLI, 'reset', '--workspace', ws], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/reset moves \d+ path\(s\) .* events\.db.*journal\/labbook\.md.*runs\/001.*; run again with --yes/);
    expect(existsSync(join(ws, 'events.db'))).toBe(true);
  });

  it('moves the history to archive/<time>/, keeps the inputs, and the next loop starts over with run 001', async () => {
    const ws = fakeTrainerWorkspace();
    expect((await loop(ws, ['--runs', '2'])).exitCode).toBe(0);
    const policy = readFileSync(join(ws, 'policy.json'), 'utf8');
    const r = await execa('node', [CLI, 'reset', '--yes', '--workspace', ws], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const [stamp] = readdirSync(join(ws, 'archive'));
    const archive = join(ws, 'archive', stamp!);
    for (const rel of ['events.db', 'journal/labbook.md', 'runs/001/run.json', 'runs/002/summary.json', 'proposals/run_002.json', 'logs/001.log', 'autopilot.json'])
      expect(existsSync(join(archive, rel)), rel).toBe(true);
    expect(existsSync(join(ws, 'events.db'))).toBe(false);
    expect(existsSync(join(ws, 'runs', '001'))).toBe(false);
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(policy);
    // The old history is still readable where it went.
    const old = await execa('node', [CLI, 'status', '--json', '--workspace', archive]);
    expect(JSON.parse(old.stdout).runs).toHaveLength(2);
    expect((await loop(ws, ['--runs', '1'])).exitCode).toBe(0);
    expect(eventsOfType(ws, 'RunPlanned').map((e) => [e.data.runId, e.data.kind])).toEqual([['001', 'baseline']]);
  });
});
