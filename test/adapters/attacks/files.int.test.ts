/**
 * Attacks through files an agent or a trainer can put where the loop reads or writes: a symlinked
 * proposal file, FIFOs that would block a read, a log swapped for a link before the integrity
 * revert, links created anywhere. Each aims at decoy files in a temp dir outside the workspace.
 */
import { closeSync, rmSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, symlinkSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProposal, propose } from '../../../adapters/mcp/tools/propose.js';
import { McpWorkspace } from '../../../adapters/mcp/workspace.js';
import { UnsafePathError } from '../../../adapters/fs/confined.js';
import { decoys, eventsOfType, hostileWorkspace, loop, rawLog } from '../../support/hostile.js';
import { fakeTrainerWorkspace, patchSettings } from '../../support/workspace.js';

function projectionText(ws: string): string {
  const files = ['journal/labbook.md', 'journal/notes.md', ...readdirSync(join(ws, 'proposals')).map((f) => `proposals/${f}`)];
  return files.map((f) => (existsSync(join(ws, f)) ? readFileSync(join(ws, f), 'utf8') : '')).join('\n');
}

// Each test has its own workspace and waits on the processes it starts: the tests run at once.
describe.concurrent('when the agent replaces the proposal file by a symlink to a file outside', () => {
  it('never reads or truncates the target: the link is removed, recorded, and the next attempt is asked', async () => {
    const d = decoys();
    const { ws } = hostileWorkspace({ HOSTILE_AGENT_ACTIONS: 'link-proposal', HOSTILE_DECOY: d.file });
    const r = await loop(ws);
    expect(r.exitCode, r.all).toBe(0);
    expect(d.unchanged()).toBe(true);
    // The target's content reached nothing: not the log, not the proposal archive, not the journal (nor the next prompt, kept in the log).
    expect(rawLog(ws)).not.toContain('DECOY-SECRET-7731');
    expect(projectionText(ws)).not.toContain('DECOY-SECRET-7731');
    const failed = eventsOfType(ws, 'ProposalFailed');
    expect(failed.map((e) => [e.data.attempt, e.data.reason])).toEqual([[1, 'no-proposal']]);
    expect(failed[0]!.data.message).toContain(`was a symlink to ${d.file}, not a regular file; removed, not read`);
    const violation = eventsOfType(ws, 'GuardrailViolation').find((e) => e.data.paths.some((p) => p.path === 'proposals/next_config.json'));
    expect(violation?.data.paths[0]).toMatchObject({ path: 'proposals/next_config.json', kind: 'symlink', target: d.file, restored: true });
    expect(eventsOfType(ws, 'ProposalAccepted').find((e) => e.data.runId === '002')?.data.override).toEqual({ 'train.learning_rate': 0.003 });
    expect(lstatSync(join(ws, 'proposals/next_config.json')).isFile()).toBe(true);
  });
});

describe.concurrent('when a FIFO is put where the loop reads', () => {
  it('does not block on a FIFO at the proposal path: recorded, removed, asked again', async () => {
    const { ws } = hostileWorkspace({ HOSTILE_AGENT_ACTIONS: 'fifo-proposal' });
    const t0 = Date.now();
    const r = await loop(ws, ['--runs', '2'], 60_000);
    expect(r.exitCode, r.all).toBe(0);
    expect(Date.now() - t0).toBeLessThan(60_000);
    const violation = eventsOfType(ws, 'GuardrailViolation').find((e) => e.data.paths.some((p) => p.kind === 'fifo'));
    expect(violation?.data.paths[0]).toMatchObject({ path: 'proposals/next_config.json', kind: 'fifo' });
    expect(eventsOfType(ws, 'ProposalFailed')[0]?.data.message).toContain('was a FIFO, not a regular file');
  });

  it('does not block on a FIFO a trainer put at its summary path: the run fails for want of a summary, the FIFO is removed', async () => {
    const { ws } = hostileWorkspace({}, { kind: 'builtin' }, { FAKE_TRAINER_BEHAVIOUR: 'fifo-summary' });
    const t0 = Date.now();
    await loop(ws, ['--runs', '1'], 60_000);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(eventsOfType(ws, 'RunFinished')).toEqual([]);
    const failed = eventsOfType(ws, 'RunFailed')[0];
    expect(failed?.data).toMatchObject({ runId: '001', reason: 'no-summary', message: expect.stringContaining('was a FIFO, not a regular file; removed, not read') });
    const violation = eventsOfType(ws, 'GuardrailViolation')[0];
    expect(violation?.data).toMatchObject({ runId: '001', source: 'trainer' });
    expect(violation?.data.paths[0]).toMatchObject({ path: 'runs/001/trainer_summary.json', kind: 'fifo', restored: true });
    expect(existsSync(join(ws, 'runs/001/trainer_summary.json'))).toBe(false);
  });

  it('never reads a summary a trainer linked to a file outside: the run fails for want of a summary', async () => {
    const d = decoys();
    const { ws } = hostileWorkspace({}, { kind: 'builtin' }, { FAKE_TRAINER_BEHAVIOUR: 'link-summary', FAKE_TRAINER_DECOY: d.file });
    await loop(ws, ['--runs', '1'], 60_000);
    expect(d.unchanged()).toBe(true);
    expect(rawLog(ws)).not.toContain('DECOY-SECRET-7731');
    expect(eventsOfType(ws, 'RunFinished')).toEqual([]);
    expect(eventsOfType(ws, 'RunFailed')[0]?.data).toMatchObject({ reason: 'no-summary', message: expect.stringContaining(`was a symlink to ${d.file}`) });
    expect(eventsOfType(ws, 'GuardrailViolation')[0]?.data.paths[0]).toMatchObject({ path: 'runs/001/trainer_summary.json', kind: 'symlink', target: d.file });
  });

  it('never reads an oversize summary: the run fails for want of a summary, and the file is named with its size', async () => {
    const { ws } = hostileWorkspace({}, { kind: 'builtin' }, { FAKE_TRAINER_BEHAVIOUR: 'big-summary' });
    await loop(ws, ['--runs', '1'], 60_000);
    expect(eventsOfType(ws, 'RunFinished')).toEqual([]);
    expect(eventsOfType(ws, 'RunFailed')[0]?.data).toMatchObject({ reason: 'no-summary', message: expect.stringContaining(`${(64 << 20) + 1} bytes, more than the ${64 << 20} read`) });
    const violation = eventsOfType(ws, 'GuardrailViolation')[0];
    expect(violation?.data).toMatchObject({ runId: '001', source: 'trainer', action: 'detected' });
    expect(violation?.data.paths[0]).toMatchObject({ path: 'runs/001/trainer_summary.json', kind: 'file', restored: false, note: expect.stringContaining('64 MiB') });
  });
});

describe.concurrent('when the agent swaps a log it may not touch for a link before the integrity revert', () => {
  it('puts the log back as a file of its own, and the link target is not written', async () => {
    const d = decoys();
    const { ws } = hostileWorkspace(
      { HOSTILE_AGENT_ACTIONS: '1:print,1:garbage,2:link-own-log', HOSTILE_PRINT: 'OVERWRITE-THE-DECOY', HOSTILE_DECOY: d.file, HOSTILE_AGENT_ONCE: '' },
      { max_attempts: 3 },
    );
    const r = await loop(ws);
    expect(r.exitCode, r.all).toBe(0);
    expect(d.unchanged()).toBe(true);
    const log = join(ws, 'logs/002.proposer-1.log');
    expect(lstatSync(log).isFile()).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain('OVERWRITE-THE-DECOY');
    const change = eventsOfType(ws, 'GuardrailViolation')
      .flatMap((e) => e.data.paths)
      .find((p) => p.path === 'logs/002.proposer-1.log');
    expect(change).toMatchObject({ change: 'modified', kind: 'symlink', was: 'file', target: d.file, restored: true });
  });

  it('reports and removes every link it creates, also a folder swapped for one', async () => {
    const d = decoys();
    const { ws } = hostileWorkspace({ HOSTILE_AGENT_ACTIONS: 'link-create', HOSTILE_DECOY: d.file, HOSTILE_DECOY_DIR: d.folder });
    const r = await loop(ws);
    expect(r.exitCode, r.all).toBe(0);
    expect(d.unchanged()).toBe(true);
    const paths = eventsOfType(ws, 'GuardrailViolation').flatMap((e) => e.data.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'configs/link.json', change: 'created', kind: 'symlink', target: d.file, restored: true }),
        expect.objectContaining({ path: 'prompts', change: 'modified', kind: 'symlink', was: 'directory', target: d.folder, restored: true }),
        expect.objectContaining({ path: 'prompts/propose.md', change: 'deleted', restored: true }),
      ]),
    );
    expect(existsSync(join(ws, 'configs/link.json'))).toBe(false);
    expect(lstatSync(join(ws, 'prompts')).isDirectory()).toBe(true);
    expect(readFileSync(join(ws, 'prompts/propose.md'), 'utf8')).toContain('{{');
  });
});

describe.concurrent('a run’s output', () => {
  it('is stored once: the run folder’s train.log is the log itself', async () => {
    const { ws } = hostileWorkspace({}, { kind: 'builtin' });
    const r = await loop(ws, ['--runs', '1'], 60_000);
    expect(r.exitCode, r.all).toBe(0);
    const log = statSync(join(ws, 'logs/001.log'));
    const copy = statSync(join(ws, 'runs/001/train.log'));
    expect(copy.ino).toBe(log.ino);
    expect(log.nlink).toBe(2);
    expect(readFileSync(join(ws, 'runs/001/train.log'), 'utf8')).toContain('mean_reward');
  });
});

describe.concurrent('when the workspace holds a file larger than 2 GiB', () => {
  it('checks an agent step without reading it whole, and names it when the agent changed it', async () => {
    const { ws } = hostileWorkspace({ HOSTILE_AGENT_ACTIONS: 'append-big' });
    const big = join(ws, 'data', 'big.bin');
    patchSettings(ws, { proposer: { command: { env: { HOSTILE_BIG: big } } } });
    mkdirSync(join(ws, 'data'));
    // Sparse: 2.25 GiB on paper, nothing on disk; a whole-file read would fail (over 2 GiB) or cost its size in memory.
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 2.25 * 2 ** 30);
    closeSync(fd);
    const r = await loop(ws, ['--runs', '2'], 120_000);
    expect(r.exitCode, r.all).toBe(0);
    expect(statSync(big).size).toBe(2.25 * 2 ** 30 + 1);
    const change = eventsOfType(ws, 'GuardrailViolation')
      .flatMap((e) => e.data.paths)
      .find((p) => p.path === 'data/big.bin');
    expect(change).toMatchObject({ change: 'modified', restored: false, note: expect.stringContaining('too large to keep a copy') });
  }, 180_000);
});

describe.concurrent('when the MCP server is asked to write through a proposals/ folder the agent swapped for a link', () => {
  it('refuses, naming the link, and writes nothing outside', () => {
    const d = decoys();
    const ws = fakeTrainerWorkspace();
    const mcp = new McpWorkspace(ws);
    const args = { overrides: { train: { learning_rate: 0.003 } }, rationale: 'r', hypothesis: 'h' };
    expect(checkProposal(mcp, args).ok).toBe(true);
    rmSync(join(ws, 'proposals'), { recursive: true });
    symlinkSync(d.folder, join(ws, 'proposals'));
    expect(() => propose({ ws: mcp, audit: null, runId: '002' }, args)).toThrow(UnsafePathError);
    expect(existsSync(join(d.folder, 'next_config.json'))).toBe(false);
    expect(d.unchanged()).toBe(true);
  });
});
