import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, lstatSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDirConfined, OutsideRootError, readConfined, removeConfined, writeConfined } from '../../../adapters/fs/confined.js';

/** A workspace-like root and, beside it, a decoy directory an attacker points links at. */
function ground() {
  const base = mkdtempSync(join(tmpdir(), 'confined-'));
  const root = join(base, 'ws');
  const decoy = join(base, 'decoy');
  mkdirSync(join(root, 'proposals'), { recursive: true });
  mkdirSync(decoy);
  writeFileSync(join(decoy, 'target.txt'), 'precious\n');
  return { root, decoy };
}

describe('readConfined', () => {
  it('reads a regular file, and says missing for nothing there', () => {
    const { root } = ground();
    writeFileSync(join(root, 'proposals/next_config.json'), '{"a":1}');
    const r = readConfined(root, join(root, 'proposals/next_config.json'), 1000);
    expect(r.kind === 'file' && r.bytes.toString()).toBe('{"a":1}');
    expect(readConfined(root, 'proposals/none.json', 1000)).toEqual({ kind: 'missing' });
    expect(readConfined(root, 'nodir/none.json', 1000)).toEqual({ kind: 'missing' });
  });

  it('never follows a symlink at the file, and names its target', () => {
    const { root, decoy } = ground();
    symlinkSync(join(decoy, 'target.txt'), join(root, 'proposals/next_config.json'));
    const r = readConfined(root, 'proposals/next_config.json', 1000);
    expect(r).toEqual({ kind: 'unsafe', entry: { path: 'proposals/next_config.json', kind: 'symlink', target: join(decoy, 'target.txt'), action: 'ignored' } });
  });

  it('never follows a symlinked directory on the way', () => {
    const { root, decoy } = ground();
    symlinkSync(decoy, join(root, 'runs'));
    const r = readConfined(root, 'runs/target.txt', 1000);
    expect(r.kind).toBe('unsafe');
    expect(r.kind === 'unsafe' && r.entry).toMatchObject({ path: 'runs', kind: 'symlink' });
  });

  it('does not block on a FIFO', () => {
    const { root } = ground();
    execFileSync('mkfifo', [join(root, 'proposals/next_config.json')]);
    const r = readConfined(root, 'proposals/next_config.json', 1000);
    expect(r.kind === 'unsafe' && r.entry.kind).toBe('fifo');
  });

  it('refuses a file over the cap without reading it whole', () => {
    const { root } = ground();
    writeFileSync(join(root, 'big'), Buffer.alloc(5000, 65));
    expect(readConfined(root, 'big', 4096)).toEqual({ kind: 'too-large', size: 5000, max: 4096 });
    const ok = readConfined(root, 'big', 5000);
    expect(ok.kind === 'file' && ok.bytes.length).toBe(5000);
  });

  it('refuses a path that leaves the root', () => {
    const { root, decoy } = ground();
    expect(() => readConfined(root, join(decoy, 'target.txt'), 10)).toThrow(OutsideRootError);
    expect(() => readConfined(root, '../decoy/target.txt', 10)).toThrow(OutsideRootError);
  });
});

describe('writeConfined', () => {
  it('replaces a symlink at the target instead of writing through it', () => {
    const { root, decoy } = ground();
    const link = join(root, 'proposals/next_config.json');
    symlinkSync(join(decoy, 'target.txt'), link);
    const unsafe = writeConfined(root, link, '{}\n');
    expect(readFileSync(join(decoy, 'target.txt'), 'utf8')).toBe('precious\n');
    expect(lstatSync(link).isFile()).toBe(true);
    expect(readFileSync(link, 'utf8')).toBe('{}\n');
    expect(unsafe).toEqual([{ path: 'proposals/next_config.json', kind: 'symlink', target: join(decoy, 'target.txt'), action: 'removed' }]);
  });

  it('replaces a symlinked directory on the way by a real one', () => {
    const { root, decoy } = ground();
    symlinkSync(decoy, join(root, 'runs'));
    const unsafe = writeConfined(root, 'runs/target.txt', 'mine\n');
    expect(readFileSync(join(decoy, 'target.txt'), 'utf8')).toBe('precious\n');
    expect(lstatSync(join(root, 'runs')).isDirectory()).toBe(true);
    expect(readFileSync(join(root, 'runs/target.txt'), 'utf8')).toBe('mine\n');
    expect(unsafe).toEqual([{ path: 'runs', kind: 'symlink', target: decoy, action: 'removed' }]);
  });

  it('replaces a FIFO without opening it', () => {
    const { root } = ground();
    execFileSync('mkfifo', [join(root, 'proposals/next_config.json')]);
    const unsafe = writeConfined(root, 'proposals/next_config.json', '{}\n');
    expect(unsafe.map((u) => u.kind)).toEqual(['fifo']);
    expect(readFileSync(join(root, 'proposals/next_config.json'), 'utf8')).toBe('{}\n');
  });

  it('does not write through a symlink planted at its temp file name', () => {
    const { root, decoy } = ground();
    // Whatever name it picks, O_EXCL refuses an existing entry: plant links at the likely ones.
    for (let i = 0; i < 50; i++) symlinkSync(join(decoy, 'target.txt'), join(root, `proposals/x.json.tmp-${process.pid}-${i.toString(36)}`));
    execFileSync('mkfifo', [join(root, `proposals/x.json.tmp-${process.pid}-zzzzzz`)]);
    for (let i = 0; i < 3; i++) writeConfined(root, 'proposals/x.json', `data ${i}`);
    expect(readFileSync(join(root, 'proposals/x.json'), 'utf8')).toBe('data 2');
    expect(readFileSync(join(decoy, 'target.txt'), 'utf8')).toBe('precious\n');
  });

  it('makes missing directories', () => {
    const { root } = ground();
    expect(writeConfined(root, 'logs/deep/er/x.log', 'x')).toEqual([]);
    expect(readFileSync(join(root, 'logs/deep/er/x.log'), 'utf8')).toBe('x');
    expect(ensureDirConfined(root, join(root, 'runs/001'))).toEqual([]);
    expect(existsSync(join(root, 'runs/001'))).toBe(true);
  });
});

describe('removeConfined', () => {
  it('removes a link, never its target, and says what it was', () => {
    const { root, decoy } = ground();
    symlinkSync(join(decoy, 'target.txt'), join(root, 'proposals/l'));
    symlinkSync(decoy, join(root, 'dirlink'));
    expect(removeConfined(root, 'proposals/l')).toBe('symlink');
    expect(removeConfined(root, 'dirlink')).toBe('symlink');
    expect(removeConfined(root, 'proposals/none')).toBeNull();
    expect(readFileSync(join(decoy, 'target.txt'), 'utf8')).toBe('precious\n');
    expect(existsSync(join(root, 'dirlink'))).toBe(false);
    // A link inside a directory that is itself a link is not reached at all.
    symlinkSync(decoy, join(root, 'runs'));
    expect(removeConfined(root, 'runs/target.txt')).toBeNull();
    expect(readlinkSync(join(root, 'runs'))).toBe(decoy);
    expect(existsSync(join(decoy, 'target.txt'))).toBe(true);
  });
});
