/**
 * The MCP call audit log (AUTOPILOT_MCP_LOG) on hostile ground: the agent can put a link, a FIFO,
 * a folder or a hard link where the server appends; none is written through or blocks it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../../adapters/mcp/audit-log.js';
import { removeWorkspace } from '../../support/chaos.js';
import { decoys } from '../../support/hostile.js';
import { copyShippedWorkspace } from '../../support/workspace.js';

const ws = copyShippedWorkspace();
const decoy = decoys();
afterAll(() => {
  removeWorkspace(ws);
  rmSync(decoy.dir, { recursive: true, force: true });
});

const args = { overrides: { 'train.gamma': 0.98 }, rationale: 'r', hypothesis: 'h' };
let n = 0;
/** A fresh log path under logs/ and what was warned while using it. */
function fresh() {
  const name = `00${++n}.proposer-1.mcp.jsonl`;
  return { name, path: join(ws, 'logs', name), warnings: [] as string[] };
}
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const asides = (name: string) => readdirSync(join(ws, 'logs')).filter((f) => f.startsWith(`${name}.unsafe-`));

describe('where AUTOPILOT_MCP_LOG may point', () => {
  it('refuses a path outside the workspace, naming it and what is allowed', () => {
    const outside = join(decoy.dir, 'calls.jsonl');
    expect(() => openAuditLog(outside, ws, () => undefined)).toThrow(`AUTOPILOT_MCP_LOG ${outside} is not inside the workspace ${ws}: it must name a file in it`);
    expect(() => openAuditLog(join(ws, 'logs', '..', '..', 'x.jsonl'), ws, () => undefined)).toThrow(/is not inside the workspace/);
    expect(() => openAuditLog('calls.jsonl', ws, () => undefined)).toThrow(/must be an absolute file path/);
  });

  it('appends one line per call to a regular file inside it', () => {
    const f = fresh();
    const log = openAuditLog(f.path, ws, (l) => f.warnings.push(l))!;
    log.record(args, null);
    log.record(args, null);
    expect(lines(f.path)).toHaveLength(2);
    expect(f.warnings).toEqual([]);
  });
});

describe('when the workspace is missing', () => {
  it('creates nothing: the call is not audited, and the warning says why', () => {
    const gone = join(decoy.dir, 'no-workspace');
    const warnings: string[] = [];
    openAuditLog(join(gone, 'logs', 'x.jsonl'), gone, (l) => warnings.push(l))!.record(args, null);
    expect(existsSync(gone)).toBe(false);
    expect(warnings).toEqual([expect.stringContaining(`the workspace ${gone} does not exist`)]);
  });
});

describe('when something other than a file of its own stands at the log path', () => {
  it.each([
    ['a symlink to a file outside', (p: string) => symlinkSync(decoy.file, p), 'symlink'],
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p]), 'FIFO'],
    ['a directory', (p: string) => mkdirSync(p), 'directory'],
    ['a hard link to a file outside', (p: string) => linkSync(decoy.file, p), 'hard link'],
  ])('moves %s aside (not followed), starts a fresh file and says so', (_name, plant, what) => {
    const f = fresh();
    const log = openAuditLog(f.path, ws, (l) => f.warnings.push(l))!;
    plant(f.path);
    const kind = lstatSync(f.path);
    log.record(args, null);
    expect(lstatSync(f.path).isFile()).toBe(true);
    expect(lstatSync(f.path).nlink).toBe(1);
    expect(lines(f.path)).toEqual([expect.objectContaining({ ok: true, rationale: 'r' })]);
    expect(decoy.unchanged()).toBe(true);
    const moved = asides(f.name);
    expect(moved).toHaveLength(1);
    const aside = lstatSync(join(ws, 'logs', moved[0]!));
    expect([aside.ino, aside.mode]).toEqual([kind.ino, kind.mode]);
    if (kind.isSymbolicLink()) expect(readlinkSync(join(ws, 'logs', moved[0]!))).toBe(decoy.file);
    expect(f.warnings).toEqual([expect.stringContaining(`AUTOPILOT_MCP_LOG ${f.path} was a ${what}`)]);
    expect(f.warnings[0]).toContain(`moved it to ${moved[0]}`);
  });

  it('never writes through a logs/ folder swapped for a link after its first call', () => {
    const f = fresh();
    const log = openAuditLog(f.path, ws, (l) => f.warnings.push(l))!;
    log.record(args, null);
    const elsewhere = mkdtempSync(join(tmpdir(), 'autopilot-logs-'));
    execFileSync('mv', [join(ws, 'logs'), join(ws, 'logs.moved')]);
    try {
      symlinkSync(elsewhere, join(ws, 'logs'));
      log.record(args, null);
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      execFileSync('rm', [join(ws, 'logs')]);
      execFileSync('mv', [join(ws, 'logs.moved'), join(ws, 'logs')]);
    }
    expect(lines(f.path)).toHaveLength(2);
  });

  it('leaves a file outside alone when the agent links the log there between calls', () => {
    const f = fresh();
    const log = openAuditLog(f.path, ws, (l) => f.warnings.push(l))!;
    log.record(args, null);
    execFileSync('rm', [f.path]);
    symlinkSync(decoy.file, f.path);
    log.record(args, null);
    expect(decoy.unchanged()).toBe(true);
    expect(lstatSync(f.path).isFile()).toBe(true);
    expect(asides(f.name)).toHaveLength(1);
  });
});
