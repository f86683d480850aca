/**
 * What the loop last wrote, told from what an agent left beside runs in flight: only a plain file
 * holding exactly those bytes is the loop's. A link to a decoy with the same bytes, a FIFO, a file
 * too large to compare, or other bytes are not — nothing is followed, opened blocking or read whole.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OwnWrites } from '../../adapters/own-writes.js';

function workspace(): { ws: string; decoy: string } {
  const root = mkdtempSync(join(tmpdir(), 'autopilot-own-writes-'));
  const ws = join(root, 'ws');
  mkdirSync(join(ws, 'journal'), { recursive: true });
  return { ws, decoy: join(root, 'decoy.md') };
}

describe('OwnWrites', () => {
  it('knows a file that holds what the loop last wrote there, and not one with other bytes', () => {
    const { ws } = workspace();
    const own = new OwnWrites(ws);
    writeFileSync(join(ws, 'journal', 'labbook.md'), 'v1');
    own.note('journal/labbook.md', 'v1');
    expect(own.holdsOurs('journal/labbook.md')).toBe(true);
    writeFileSync(join(ws, 'journal', 'labbook.md'), 'v1 and the agent');
    expect(own.holdsOurs('journal/labbook.md')).toBe(false);
    // A path the loop never wrote is never its.
    expect(own.holdsOurs('journal/other.md')).toBe(false);
  });

  it('reads back a file written by appending, and knows one it removed', () => {
    const { ws } = workspace();
    const own = new OwnWrites(ws);
    writeFileSync(join(ws, 'journal', 'anchor'), 'a\nb\n');
    own.noteFile('journal/anchor');
    expect(own.holdsOurs('journal/anchor')).toBe(true);
    own.noteRemoved('journal/anchor');
    expect(own.holdsOurs('journal/anchor')).toBe(false);
    rmSync(join(ws, 'journal', 'anchor'));
    expect(own.holdsOurs('journal/anchor')).toBe(true);
  });

  it('does not follow a link to a decoy that holds the same bytes, and leaves the decoy as it was', () => {
    const { ws, decoy } = workspace();
    const own = new OwnWrites(ws);
    own.note('journal/labbook.md', 'v1');
    writeFileSync(decoy, 'v1');
    symlinkSync(decoy, join(ws, 'journal', 'labbook.md'));
    expect(own.holdsOurs('journal/labbook.md')).toBe(false);
    expect(readFileSync(decoy, 'utf8')).toBe('v1');
  });

  it('does not open a FIFO put where the loop wrote (no hang)', () => {
    const { ws } = workspace();
    const own = new OwnWrites(ws);
    own.note('journal/notes.md', '');
    execFileSync('mkfifo', [join(ws, 'journal', 'notes.md')]);
    expect(own.holdsOurs('journal/notes.md')).toBe(false);
  });

  it('does not read a file larger than it compares, even one holding what the loop wrote', () => {
    const { ws } = workspace();
    const own = new OwnWrites(ws, 1024);
    own.note('runs/best.json', 'x'.repeat(1024));
    mkdirSync(join(ws, 'runs'));
    writeFileSync(join(ws, 'runs', 'best.json'), 'x'.repeat(1024));
    expect(own.holdsOurs('runs/best.json')).toBe(true);
    // One byte over the cap: not read, so not the loop's, though it holds exactly what was noted.
    own.note('runs/best.json', 'x'.repeat(1025));
    writeFileSync(join(ws, 'runs', 'best.json'), 'x'.repeat(1025));
    expect(own.holdsOurs('runs/best.json')).toBe(false);
  });
});
