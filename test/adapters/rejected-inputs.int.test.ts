/**
 * A bound input changed without a command is put back, and what it was changed to is kept first, in
 * the blob store, where the GuardrailViolation says: a user's edit of policy.json mid-session can be
 * got back and applied with `policy set`. Keeping it never follows a link, opens a FIFO, writes
 * outside blobs/ or keeps more than the cap.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { workspaceBlobs } from '../../adapters/blob-files.js';
import { changedInputs, inputFile, revertInputs } from '../../adapters/inputs.js';
import { keepRejected, REJECTED_TOTAL_MAX, type RejectedKeeper } from '../../adapters/rejected-inputs.js';
import { workspacePaths } from '../../adapters/workspace.js';
import { decoys, eventsOfType, loop } from '../support/hostile.js';
import { CLI, copyShippedWorkspace, fakeTrainerWorkspace } from '../support/workspace.js';

/** The shipped workspace's policy.json bound as it is, and a keeper over its blob store. */
function bound(ws: string, used = 0) {
  const text = readFileSync(join(ws, 'policy.json'));
  const binding = new Map([['policy.json', inputFile('policy.json', text, [], 0o644)]]);
  const keeper: RejectedKeeper = { blobs: workspaceBlobs(workspacePaths(ws)), used };
  const revert = () => revertInputs(ws, changedInputs(ws, binding), (c) => keepRejected(keeper, c));
  return { text: text.toString('utf8'), keeper, revert };
}

describe.concurrent('an edit of policy.json made mid-session', () => {
  it('is put back, kept in the blob store the event names, and the line says how to apply it', async () => {
    const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:1500' });
    const original = readFileSync(join(ws, 'policy.json'), 'utf8');
    const child = loop(ws, ['--runs', '2']);
    for (let i = 0; i < 600 && eventsOfType(ws, 'RunStarted').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const policy = JSON.parse(original);
    policy.keys['train.learning_rate'].max = 0.5;
    const edit = `${JSON.stringify(policy, null, 2)}\n// the user's own note\n`;
    writeFileSync(join(ws, 'policy.json'), edit);
    const r = await child;
    expect(r.exitCode, r.all).toBe(0);
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(original);
    const entry = eventsOfType(ws, 'GuardrailViolation')
      .filter((e) => e.data.source === 'inputs')
      .flatMap((e) => e.data.paths)[0];
    expect(entry).toMatchObject({ path: 'policy.json', change: 'modified', restored: true, rejected: { bytes: Buffer.byteLength(edit) } });
    const blob = join(ws, 'blobs', `${entry!.rejected!.sha256}.json`);
    expect(readFileSync(blob, 'utf8')).toBe(edit);
    expect(workspaceBlobs(workspacePaths(ws)).get(entry!.rejected!)).toBe(edit);
    expect(r.all).toContain(`policy.json's edit is kept in blobs/${entry!.rejected!.sha256}.json`);
    expect(r.all).toContain('to change policy.json, stop the loop (autopilot stop) and run autopilot policy set FILE --why "<why>"');
    expect(readFileSync(join(ws, 'journal/labbook.md'), 'utf8')).toContain(`kept in blobs/${entry!.rejected!.sha256}.json`);
    const audit = await execa('node', [CLI, 'audit', '002', '--workspace', ws], { reject: false });
    expect(audit.stdout).toContain(`the edit is kept in blobs/${entry!.rejected!.sha256}.json`);
    // The verification of the log still passes: the kept blob is beside the log's own.
    expect((await execa('node', [CLI, 'verify', '--workspace', ws], { reject: false })).exitCode).toBe(0);
  }, 120_000);
});

describe('keeping a rejected edit', () => {
  it('never reads through a link at policy.json: the decoy outside stays, nothing is kept, the policy comes back', () => {
    const ws = copyShippedWorkspace();
    const { text, revert } = bound(ws);
    const decoy = decoys();
    rmSync(join(ws, 'policy.json'));
    symlinkSync(decoy.file, join(ws, 'policy.json'));
    const [entry] = revert();
    expect(entry).toMatchObject({ path: 'policy.json', restored: true, note: expect.stringContaining('a symlink to') });
    expect(entry?.rejected).toBeUndefined();
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(text);
    expect(decoy.unchanged()).toBe(true);
    expect(existsSync(join(ws, 'blobs'))).toBe(false);
  });

  it('never opens a FIFO at policy.json (no hang), and keeps nothing of it', () => {
    const ws = copyShippedWorkspace();
    const { text, revert } = bound(ws);
    rmSync(join(ws, 'policy.json'));
    execSync(`mkfifo ${JSON.stringify(join(ws, 'policy.json'))}`);
    const [entry] = revert();
    expect(entry).toMatchObject({ restored: true, note: expect.stringContaining('FIFO') });
    expect(entry?.rejected).toBeUndefined();
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(text);
  });

  it('writes nothing through a blobs folder swapped for a link, and still puts the policy back', () => {
    const ws = copyShippedWorkspace();
    const { text, revert } = bound(ws);
    const outside = mkdtempSync(join(tmpdir(), 'autopilot-decoy-blobs-'));
    rmSync(join(ws, 'blobs'), { recursive: true, force: true });
    symlinkSync(outside, join(ws, 'blobs'));
    writeFileSync(join(ws, 'policy.json'), '{"version": 1, "keys": {}}\n');
    const [entry] = revert();
    expect(entry).toMatchObject({ restored: true, note: expect.stringContaining('could not be kept') });
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(text);
  });

  it('keeps nothing past the workspace cap, nor an input over 256 KiB', () => {
    const ws = copyShippedWorkspace();
    mkdirSync(join(ws, 'blobs'), { recursive: true });
    const full = bound(ws, REJECTED_TOTAL_MAX - 10);
    writeFileSync(join(ws, 'policy.json'), '{"version": 1, "keys": {}}\n');
    expect(full.revert()[0]).toMatchObject({ restored: true, note: expect.stringContaining('was not kept: rejected edits already take') });
    const big = bound(ws);
    writeFileSync(join(ws, 'policy.json'), 'x'.repeat(300 * 1024));
    expect(big.revert()[0]).toMatchObject({ restored: true, note: `its new content (${300 * 1024} bytes, over ${256 * 1024}) was not kept` });
    expect(readdirSync(join(ws, 'blobs'))).toEqual([]);
    expect(big.keeper.used).toBe(0);
  });
});
