/**
 * The anchor file on a real filesystem, as hostile ground: appends that never go through a
 * symlink, a hard link, a FIFO or a directory put in its place (decoys in a temp dir), reads that
 * never follow or block, and the HMAC against an independent implementation (openssl).
 */
import { execFileSync } from 'node:child_process';
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anchorKey, anchorMac, anchorMacMatches, ANCHOR_KEY_ENV, appendAnchor, readAnchorFile } from '../../adapters/anchor-file.js';
import { ANCHOR_HEADER, parseAnchorFile } from '../../events/anchor.js';

const H1 = '1'.repeat(64);
const H2 = '2'.repeat(64);
let root: string;
let ws: string;
let decoyDir: string;
let warnings: string[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'autopilot-anchor-'));
  ws = join(root, 'ws');
  decoyDir = join(root, 'decoys');
  mkdirSync(ws);
  mkdirSync(decoyDir);
  warnings = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const append = (seq: number, hash: string, key: string | null = null) => appendAnchor(ws, { seq, hash }, { key, at: '2026-11-30T00:00:00.000Z', warn: (m) => warnings.push(m) });
const anchorText = () => readFileSync(join(ws, 'journal', 'anchor'), 'utf8');
const asideNames = () => readdirSync(join(ws, 'journal')).filter((f) => f.startsWith('anchor.replaced-'));

describe('appendAnchor', () => {
  it('creates journal/anchor with its header, then appends one line per head', () => {
    expect(append(3, H1)).toBe(`seq=3 sha256=${H1} at=2026-11-30T00:00:00.000Z`);
    append(9, H2);
    expect(anchorText()).toBe(`${ANCHOR_HEADER}\nseq=3 sha256=${H1} at=2026-11-30T00:00:00.000Z\nseq=9 sha256=${H2} at=2026-11-30T00:00:00.000Z\n`);
    expect(warnings).toEqual([]);
  });

  it('adds the HMAC of "seq:hash" with a key, equal to openssl’s', () => {
    append(3, H1, 'sekrit-key');
    const [line] = parseAnchorFile(anchorText()).anchors;
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', 'sekrit-key'], { input: `3:${H1}`, encoding: 'utf8' })
      .trim()
      .split('= ')[1];
    expect(line!.anchor.hmac).toBe(openssl);
    expect(anchorMacMatches('sekrit-key', { seq: 3, hash: H1 }, openssl!)).toBe(true);
    expect(anchorMacMatches('other-key', { seq: 3, hash: H1 }, openssl!)).toBe(false);
    expect(anchorMacMatches('sekrit-key', { seq: 4, hash: H1 }, openssl!)).toBe(false);
    expect(anchorMacMatches('sekrit-key', { seq: 3, hash: H2 }, openssl!)).toBe(false);
    expect(anchorText()).not.toContain('sekrit-key');
  });

  it('never writes through a symlink: the decoy stays as it was, a fresh file takes its place', () => {
    const decoy = join(decoyDir, 'decoy.txt');
    writeFileSync(decoy, 'decoy\n');
    mkdirSync(join(ws, 'journal'));
    symlinkSync(decoy, join(ws, 'journal', 'anchor'));
    append(3, H1);
    expect(readFileSync(decoy, 'utf8')).toBe('decoy\n');
    expect(lstatSync(join(ws, 'journal', 'anchor')).isFile()).toBe(true);
    expect(parseAnchorFile(anchorText()).anchors.map((a) => a.anchor.seq)).toEqual([3]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/journal\/anchor was a symlink, not a file of its own: nothing was written through it; moved it to .*anchor\.replaced-/);
    const [aside] = asideNames();
    expect(lstatSync(join(ws, 'journal', aside!)).isSymbolicLink()).toBe(true);
  });

  it('never writes through a hard link to another file', () => {
    const decoy = join(decoyDir, 'linked.txt');
    writeFileSync(decoy, 'decoy\n');
    mkdirSync(join(ws, 'journal'));
    linkSync(decoy, join(ws, 'journal', 'anchor'));
    append(3, H1);
    expect(readFileSync(decoy, 'utf8')).toBe('decoy\n');
    expect(parseAnchorFile(anchorText()).anchors).toHaveLength(1);
    expect(warnings[0]).toMatch(/was a hard link \(2 names for one file\)/);
  });

  it('neither blocks on a FIFO nor writes into it', () => {
    mkdirSync(join(ws, 'journal'));
    execFileSync('mkfifo', [join(ws, 'journal', 'anchor')]);
    append(3, H1);
    expect(lstatSync(join(ws, 'journal', 'anchor')).isFile()).toBe(true);
    expect(warnings[0]).toMatch(/was not a regular file|was a FIFO or socket/);
    expect(lstatSync(join(ws, 'journal', asideNames()[0]!)).isFIFO()).toBe(true);
  });

  it('moves a directory in its place aside, keeping what it holds', () => {
    mkdirSync(join(ws, 'journal', 'anchor'), { recursive: true });
    writeFileSync(join(ws, 'journal', 'anchor', 'kept'), 'x');
    append(3, H1);
    expect(parseAnchorFile(anchorText()).anchors).toHaveLength(1);
    expect(readFileSync(join(ws, 'journal', asideNames()[0]!, 'kept'), 'utf8')).toBe('x');
    expect(warnings[0]).toMatch(/was a directory/);
  });

  it('writes nothing when journal/ itself is a symlink', () => {
    symlinkSync(decoyDir, join(ws, 'journal'));
    expect(append(3, H1)).toBeNull();
    expect(readdirSync(decoyDir)).toEqual([]);
    expect(warnings).toEqual(['autopilot: journal/ is a symlink (not followed): no anchor written']);
  });

  it('keeps a line torn by a crash apart from the next one', () => {
    mkdirSync(join(ws, 'journal'));
    writeFileSync(join(ws, 'journal', 'anchor'), `seq=3 sha256=${H1.slice(0, 10)}`);
    append(9, H2);
    const parsed = parseAnchorFile(anchorText());
    expect(parsed.malformed.map((m) => m.line)).toEqual([1]);
    expect(parsed.anchors.map((a) => [a.line, a.anchor.seq])).toEqual([[2, 9]]);
  });
});

describe('readAnchorFile', () => {
  it('reads the file, or says it is absent', () => {
    expect(readAnchorFile(ws)).toEqual({ state: 'absent' });
    mkdirSync(join(ws, 'journal'));
    expect(readAnchorFile(ws)).toEqual({ state: 'absent' });
    append(3, H1);
    expect(readAnchorFile(ws)).toEqual({ state: 'file', text: anchorText() });
  });

  it('refuses a symlink (not followed) and a FIFO (without blocking)', () => {
    mkdirSync(join(ws, 'journal'));
    writeFileSync(join(decoyDir, 'decoy'), `seq=1 sha256=${H1} at=2026-01-01T00:00:00Z\n`);
    symlinkSync(join(decoyDir, 'decoy'), join(ws, 'journal', 'anchor'));
    expect(readAnchorFile(ws)).toEqual({ state: 'refused', why: 'journal/anchor is a symlink (not followed)' });
    rmSync(join(ws, 'journal', 'anchor'));
    execFileSync('mkfifo', [join(ws, 'journal', 'anchor')]);
    expect(readAnchorFile(ws)).toEqual({ state: 'refused', why: 'journal/anchor is not a regular file' });
  });

  it('refuses a file over 16 MiB without reading it, naming its size', () => {
    mkdirSync(join(ws, 'journal'));
    // Sparse: 17 MiB on paper; a whole-file read would hold it all as one string.
    writeFileSync(join(ws, 'journal', 'anchor'), '');
    truncateSync(join(ws, 'journal', 'anchor'), 17 << 20);
    expect(readAnchorFile(ws)).toEqual({ state: 'refused', why: `journal/anchor is ${17 << 20} bytes, more than the 16 MiB an anchor file may be (not read)` });
  });

  it('refuses a journal/ that is a symlink, never reading the file it leads to', () => {
    mkdirSync(join(decoyDir, 'journal'));
    writeFileSync(join(decoyDir, 'journal', 'anchor'), `seq=1 sha256=${H1} at=2026-01-01T00:00:00Z\n`);
    symlinkSync(join(decoyDir, 'journal'), join(ws, 'journal'));
    expect(readAnchorFile(ws)).toEqual({ state: 'refused', why: 'journal/ is a symlink (not followed)' });
  });
});

describe('anchorKey', () => {
  it('reads AUTOPILOT_ANCHOR_KEY; empty counts as none', () => {
    expect(ANCHOR_KEY_ENV).toBe('AUTOPILOT_ANCHOR_KEY');
    expect(anchorKey({ AUTOPILOT_ANCHOR_KEY: 'k' })).toBe('k');
    expect(anchorKey({ AUTOPILOT_ANCHOR_KEY: '' })).toBeNull();
    expect(anchorKey({})).toBeNull();
    expect(anchorMac('k', { seq: 1, hash: 'abc' })).toBe('f986b5daf336b99a3aa7f7183f720a7eef76dcd6d4aaaae1fa905f3012a7aea7');
  });
});
