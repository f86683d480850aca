/**
 * The integrity snapshot against random vandalism: a real process makes files, directories,
 * symlinks (into the workspace, outside it, dangling, in place of folders) and FIFOs; the revert
 * must report every link, never change anything outside the workspace, and leave the tree as it
 * was recorded.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, lstatSync, rmSync, statSync, writeFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordTree, sameEntry } from '../../adapters/fs/tree.js';
import { revertOutside, takeSnapshot } from '../../adapters/integrity.js';
import { gitHeadEntry } from '../../adapters/git-state.js';
import { ROOT } from '../support/workspace.js';

const VANDAL = join(ROOT, 'test', 'fixtures', 'tree-vandal.mjs');

/** Every entry under `dir` with what it holds (files by content, links by target), for before/after comparisons. */
function fingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const abs = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out.set(r, `link:${readlinkSync(abs)}`);
      else if (st.isDirectory()) {
        out.set(r, 'dir');
        walk(abs, r);
      } else if (st.isFile()) out.set(r, `file:${createHash('sha256').update(readFileSync(abs)).digest('hex')}`);
      else out.set(r, 'other');
    }
  };
  walk(dir, '');
  return out;
}

/** A small workspace, and a decoy folder outside it that links point at. */
function ground() {
  const base = mkdtempSync(join(tmpdir(), 'integrity-'));
  const ws = join(base, 'ws');
  const decoy = join(base, 'decoy');
  for (const d of ['configs', 'prompts', 'runs/001', 'proposals']) mkdirSync(join(ws, d), { recursive: true });
  writeFileSync(join(ws, 'policy.json'), '{"version": 1}\n');
  writeFileSync(join(ws, 'configs/baseline_quick.json'), '{"train": {}}\n');
  writeFileSync(join(ws, 'prompts/propose.md'), '# prompt\n');
  writeFileSync(join(ws, 'runs/001/summary.json'), '{}\n');
  writeFileSync(join(ws, 'proposals/next_config.json'), '{}\n');
  mkdirSync(join(decoy, 'inner'), { recursive: true });
  writeFileSync(join(decoy, 'secret.txt'), 'do not touch\n');
  writeFileSync(join(decoy, 'inner/deep.txt'), 'nor this\n');
  return { ws, decoy };
}

const names = [
  'policy.json',
  'configs',
  'configs/baseline_quick.json',
  'configs/new.json',
  'prompts',
  'prompts/propose.md',
  'runs/001',
  'runs/001/summary.json',
  'runs/002/x',
  'newdir/deeper/f',
  'proposals/next_config.json',
  'logs',
];

function actionArb(decoy: string) {
  const path = fc.constantFrom(...names);
  const target = fc.constantFrom(join(decoy, 'secret.txt'), decoy, join(decoy, 'inner'), 'policy.json', '../ws/prompts', '/nonexistent/dangling', '.');
  return fc.oneof(
    fc.record({ op: fc.constant('write'), path, text: fc.string({ maxLength: 20 }) }),
    fc.record({ op: fc.constant('remove'), path }),
    fc.record({ op: fc.constant('mkdir'), path }),
    fc.record({ op: fc.constant('link'), path, target }),
    fc.record({ op: fc.constant('fifo'), path }),
  );
}

describe('the integrity snapshot, against a random tree of files, links and FIFOs made by a hostile process', () => {
  it('changes nothing outside the workspace, reports every link, and puts the recorded tree back', () => {
    fc.assert(
      fc.property(fc.array(actionArb('/DECOY'), { minLength: 1, maxLength: 12 }), (template) => {
        const { ws, decoy } = ground();
        const actions = template.map((a) => ('target' in a ? { ...a, target: a.target.replace('/DECOY', decoy) } : a));
        const decoyBefore = fingerprint(decoy);
        const snapshot = takeSnapshot(ws);
        execFileSync(process.execPath, [VANDAL, ws, JSON.stringify(actions)]);
        // The links the vandal left (read before the revert, never followed).
        const linksLeft = [...fingerprint(ws).entries()].filter(([, v]) => v.startsWith('link:')).map(([k]) => k);
        const changes = revertOutside(snapshot, ['proposals/next_config.json']);
        expect(fingerprint(decoy)).toEqual(decoyBefore);
        const reported = new Set(changes.filter((c) => c.kind === 'symlink').map((c) => c.path));
        for (const link of linksLeft) if (link !== 'proposals/next_config.json') expect(reported, `link ${link} of ${JSON.stringify(actions)}`).toContain(link);
        // Back as recorded: the same entries, each the same (the allowed proposal file aside).
        const after = recordTree(ws, () => false);
        const keys = (m: Map<string, unknown>) => [...m.keys()].filter((k) => k !== 'proposals/next_config.json').sort();
        expect(keys(after)).toEqual(keys(snapshot.entries));
        for (const k of keys(after)) expect(sameEntry(snapshot.entries.get(k)!, after.get(k)!), k).toBe(true);
      }),
      { numRuns: 40, seed: 20261204 },
    );
  });
});

/** A workspace of files of the given sizes (name → bytes), each filled with its own letter. */
function sized(files: Record<string, number>): string {
  const ws = mkdtempSync(join(tmpdir(), 'integrity-budget-'));
  for (const [name, size] of Object.entries(files)) {
    mkdirSync(join(ws, name, '..'), { recursive: true });
    writeFileSync(join(ws, name), Buffer.alloc(size, name.charCodeAt(0)));
  }
  return ws;
}

describe('the copies a snapshot keeps to restore from', () => {
  // Per file at most 100 bytes, 150 in all: one 90-byte file or three 40-byte ones.
  const limits = { hashBytes: 1000, keepBytes: 100, keepBudget: 150 };

  it('go to the smallest files first, so the most files can be put back', () => {
    const ws = sized({ 'a-big.txt': 90, 'b.txt': 40, 'c.txt': 40, 'd.txt': 40 });
    const snapshot = takeSnapshot(ws, [], limits);
    for (const f of ['a-big.txt', 'b.txt', 'c.txt', 'd.txt']) rmSync(join(ws, f));
    const changes = revertOutside(snapshot, []);
    expect(changes.map((c) => [c.path, c.restored])).toEqual([
      ['a-big.txt', false],
      ['b.txt', true],
      ['c.txt', true],
      ['d.txt', true],
    ]);
    expect(readFileSync(join(ws, 'd.txt'), 'utf8')).toBe('d'.repeat(40));
  });

  it('are not kept of allowed paths (never reverted), which leaves the budget to the others', () => {
    const ws = sized({ 'proposals/next_config.json': 100, 'policy.json': 100 });
    const snapshot = takeSnapshot(ws, ['proposals/next_config.json'], limits);
    expect(snapshot.entries.get('proposals/next_config.json')?.content).toBeUndefined();
    expect(snapshot.entries.get('policy.json')?.content?.length).toBe(100);
  });

  it('say why a file could not be put back: over the per-file cap, or the budget spent on smaller files', () => {
    const ws = sized({ 'huge.bin': 120, 'mid.bin': 90, 'small.bin': 70 });
    const snapshot = takeSnapshot(ws, [], limits);
    for (const f of ['huge.bin', 'mid.bin', 'small.bin']) writeFileSync(join(ws, f), 'changed');
    const notes = Object.fromEntries(revertOutside(snapshot, []).map((c) => [c.path, c.note ?? 'restored']));
    expect(notes['small.bin']).toBe('restored');
    expect(notes['huge.bin']).toBe('120 bytes: too large to keep a copy, over the 100-byte per-file copy cap; detected, not restored');
    expect(notes['mid.bin']).toBe("90 bytes: no copy kept, the snapshot's 150-byte copy budget went to smaller files; detected, not restored");
  });
});

describe('files of the enclosing git repository outside the workspace', () => {
  /** A repository with a 9 MiB committed file and a 9 MiB untracked one beside the workspace. */
  function bigRepo() {
    const repo = mkdtempSync(join(tmpdir(), 'integrity-repo-'));
    const ws = join(repo, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, 'policy.json'), '{}\n');
    writeFileSync(join(repo, 'weights.bin'), Buffer.alloc(9 << 20, 7));
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'fixture');
    writeFileSync(join(repo, 'dirty.bin'), Buffer.alloc(9 << 20, 8));
    return { repo, ws };
  }

  it('above 8 MiB are known by size, never read whole from git', () => {
    const { repo } = bigRepo();
    const head = gitHeadEntry(repo, 'weights.bin');
    expect(head).toMatchObject({ kind: 'file', size: 9 << 20 });
    expect(head?.content).toBeUndefined();
    expect(head?.hash).toBeUndefined();
  });

  it('above 8 MiB, committed or dirty, are still found changed and named; a committed one comes back from git', () => {
    const { repo, ws } = bigRepo();
    const snapshot = takeSnapshot(ws);
    expect(snapshot.repo?.entries.get('dirty.bin')?.content).toBeUndefined();
    appendFileSync(join(repo, 'weights.bin'), 'x');
    appendFileSync(join(repo, 'dirty.bin'), 'x');
    const changes = revertOutside(snapshot, []);
    expect(changes).toEqual([
      expect.objectContaining({ path: join(repo, 'dirty.bin'), change: 'modified', restored: false, note: expect.stringContaining('per-file copy cap') }),
      expect.objectContaining({ path: join(repo, 'weights.bin'), change: 'modified', restored: true }),
    ]);
    expect(statSync(join(repo, 'weights.bin')).size).toBe(9 << 20);
    expect(statSync(join(repo, 'dirty.bin')).size).toBe((9 << 20) + 1);
  });
});
