/** The small things a first night trips on: where a JSON error is, what `--type` takes, every error at once, a closed pipe, readable numbers and columns. */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { fmt } from '../../domain/text/numbers.js';
import { eventsOfType, loop } from '../support/hostile.js';
import { CLI, fakeTrainerWorkspace } from '../support/workspace.js';

describe('a workspace file that is not valid JSON', () => {
  it('is named with the line and column of the mistake', async () => {
    const ws = fakeTrainerWorkspace();
    writeFileSync(join(ws, 'policy.json'), '{\n  "version": 1,\n  "keys": {\n    "train.learning_rate": { "type": "number" "min": 0.1 }\n  }\n}\n');
    const r = await loop(ws, ['--runs', '1']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/policy\.json: not valid JSON: .* at line 4, column \d+/);
    expect(eventsOfType(ws, 'LoopStarted')).toEqual([]);
  });
});

describe('autopilot events --type', () => {
  it('refuses a type the catalogue does not have, listing the ones it has', async () => {
    const ws = fakeTrainerWorkspace();
    const r = await execa('node', [CLI, 'events', '--type', 'RunFinish', '--workspace', ws], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--type RunFinish is not an event type; the types are: LoopStarted, .*RunFinished, .*StateEntered/);
  });
});

describe('autopilot validate', () => {
  it('reports a missing rationale and an unknown key together', async () => {
    const ws = fakeTrainerWorkspace();
    const file = join(ws, '..', 'p.json');
    writeFileSync(file, JSON.stringify({ overrides: { train: { learnin_rate: 0.003 } }, hypothesis: 'h' }));
    const r = await execa('node', [CLI, 'validate', file, '--workspace', ws], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('(2 errors;');
    expect(r.stdout).toMatch(/rationale \[shape\]/);
    expect(r.stdout).toMatch(/train\.learnin_rate \[/);
  });
});

describe('autopilot loop | head', () => {
  it('goes on with its runs when its output is closed, and ends as it would have', async () => {
    const ws = fakeTrainerWorkspace();
    const child = spawn(process.execPath, [CLI, 'loop', '--runs', '2', '--workspace', ws], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Like `head -1`: read one chunk, then close the pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(eventsOfType(ws, 'LoopCompleted')).toHaveLength(1);
    expect(eventsOfType(ws, 'JournalWritten')).toHaveLength(2);
  });
});

describe('numbers and columns', () => {
  it('prints integers (a replicate’s seed) as integers', () => {
    expect(fmt(2986876459)).toBe('2986876459');
    expect(fmt(1_000_000)).toBe('1000000');
    expect(fmt(0.000123)).toBe('1.23e-4');
    expect(fmt(3.14159)).toBe('3.142');
  });

  it('lines up the status table whatever the kinds and statuses', async () => {
    const ws = fakeTrainerWorkspace();
    expect((await loop(ws, ['--runs', '3'])).exitCode).toBe(0);
    const out = (await execa('node', [CLI, 'status', '--workspace', ws])).stdout.split('\n');
    const header = out.findIndex((l) => l.startsWith('run '));
    const rows = out.slice(header, header + 4);
    const column = (l: string, word: string) => l.indexOf(word);
    const at = column(rows[0]!, 'status');
    // Run 003 is a replicate: its kind is the longest, and the status column still starts where the header's does.
    for (const r of rows.slice(1)) expect(r.slice(at).split(' ')[0]).toMatch(/^(completed|failed)$/);
    expect(readFileSync(join(ws, 'journal/labbook.md'), 'utf8')).not.toMatch(/seed=\d\.\d+e\+\d/);
  });
});
