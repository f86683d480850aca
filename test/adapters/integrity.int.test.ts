/**
 * The integrity snapshot against random vandalism: a real process makes files, directories,
 * symlinks (into the workspace, outside it, dangling, in place of folders) and FIFOs; the revert
 * must report every link, never change anything outside the workspace, and leave the tree as it
 * was recorded.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, lstatSync, writeFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordTree, sameEntry } from '../../adapters/fs/tree.js';
import { revertOutside, takeSnapshot } from '../../adapters/integrity.js';
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

const names = ['policy.json', 'configs', 'configs/baseline_quick.json', 'configs/new.json', 'prompts', 'prompts/propose.md', 'runs/001', 'runs/001/summary.json', 'runs/002/x', 'newdir/deeper/f', 'proposals/next_config.json', 'logs'];

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
