/** Anchors against a recomputed chain: matches, changed logs, cut tails, HMACs with and without the key. */
import { describe, expect, it } from 'vitest';
import { formatAnchorLine, parseAnchorFile, type Anchor } from '../../events/anchor.js';
import { checkAnchorFile, checkGivenAnchor, type MacCheck, type VerifiedChain } from '../../events/anchor-check.js';
import { sha256Hex } from '../../adapters/store/hash.js';

/** A chain of `n` events with made-up hashes; `brokenAt` as verifyLog would report it. */
function chain(hashes: string[], brokenAt: number | null = null): VerifiedChain {
  const verified = brokenAt === null ? hashes : hashes.slice(0, brokenAt - 1);
  return {
    hashAt: (seq) => verified[seq - 1],
    seqOf: (hash) => {
      const i = verified.indexOf(hash);
      return i === -1 ? undefined : i + 1;
    },
    end: verified.length,
    brokenAt,
  };
}

const hashes = Array.from({ length: 30 }, (_, i) => sha256Hex(`event ${i + 1}`));
const forged = hashes.map((h, i) => (i + 1 >= 12 ? sha256Hex(`forged ${i + 1}`) : h));
const AT = '2026-11-30T00:00:00.000Z';
/** A stand-in HMAC: a keyed hash, so only this key's MACs check. */
const mac = (key: string, a: { seq: number; hash: string }) => sha256Hex(`${key}|${a.seq}:${a.hash}`);
const checkWith =
  (key: string): MacCheck =>
  (head, m) =>
    mac(key, head) === m;

function file(anchors: Anchor[]): ReturnType<typeof parseAnchorFile> {
  return parseAnchorFile(`# header\n${anchors.map((a) => `${formatAnchorLine(a)}\n`).join('')}`);
}
const at = (seq: number, h = hashes, key?: string): Anchor => ({ seq, hash: h[seq - 1]!, at: AT, ...(key ? { hmac: mac(key, { seq, hash: h[seq - 1]! }) } : {}) });

describe('checkAnchorFile', () => {
  it('passes when every anchor is in the chain', () => {
    const r = checkAnchorFile(file([at(5), at(11), at(30)]), chain(hashes), null);
    expect(r).toMatchObject({ anchors: 3, matched: 3, unchecked: 0, lastAnchoredSeq: 30, problems: [] });
  });

  it('names the line and seq of each anchor a rewritten chain no longer holds, and the last seq that still matches', () => {
    const r = checkAnchorFile(file([at(5), at(11), at(20), at(30)]), chain(forged), null);
    expect(r.matched).toBe(2);
    expect(r.problems.map((p) => [p.line, p.seq])).toEqual([
      [4, 20],
      [5, 30],
    ]);
    expect(r.problems[0]!.message).toMatch(
      /^journal\/anchor line 4 \(seq 20\): the log's hash at seq 20 is [0-9a-f]{16}…, the anchor says [0-9a-f]{16}…: the log was changed at or before seq 20, after seq 11, whose anchor still matches$/,
    );
  });

  it('names an anchor beyond the end of a log whose tail was cut', () => {
    const r = checkAnchorFile(file([at(11), at(30)]), chain(hashes.slice(0, 25)), null);
    expect(r.problems).toEqual([{ line: 3, seq: 30, message: 'journal/anchor line 3 (seq 30): the log ends at seq 25: events 26..30 (at least) were removed from its tail' }]);
  });

  it('does not compare anchors at or after a break in the chain, and counts them', () => {
    const r = checkAnchorFile(file([at(5), at(11), at(30)]), chain(hashes, 11), null);
    expect(r).toMatchObject({ matched: 1, unchecked: 2, problems: [] });
  });

  it('reports malformed lines by number', () => {
    const r = checkAnchorFile(parseAnchorFile(`${formatAnchorLine(at(3))}\nseq=4 garbage\n`), chain(hashes), null);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 2, seq: null });
    expect(r.problems[0]!.message).toMatch(/^journal\/anchor line 2: not an anchor line/);
  });

  describe('with HMACs', () => {
    it('checks every HMAC with the key, and only counts them without it', () => {
      const f = file([at(5, hashes, 'k'), at(30, hashes, 'k')]);
      expect(checkAnchorFile(f, chain(hashes), checkWith('k'))).toMatchObject({ matched: 2, hmac: { checked: 2, notChecked: 0 }, problems: [] });
      expect(checkAnchorFile(f, chain(hashes), null)).toMatchObject({ matched: 2, hmac: { checked: 0, notChecked: 2 }, problems: [] });
    });

    it('fails a line rewritten to match a forged chain: its HMAC was made for the old hash', () => {
      const rewritten = file([at(5, hashes, 'k'), { ...at(20, forged), hmac: mac('k', { seq: 20, hash: hashes[19]! }) }]);
      const r = checkAnchorFile(rewritten, chain(forged), checkWith('k'));
      expect(r.problems.map((p) => [p.line, p.seq])).toEqual([[3, 20]]);
      expect(r.problems[0]!.message).toMatch(/line 3 \(seq 20\): its HMAC does not match: the line was forged or rewritten without the key/);
      // Without the key the same file passes: the hashes agree with the forged chain.
      expect(checkAnchorFile(rewritten, chain(forged), null)).toMatchObject({ problems: [], hmac: { notChecked: 2 } });
    });

    it('fails an HMAC made with another key', () => {
      const r = checkAnchorFile(file([at(5, hashes, 'other')]), chain(hashes), checkWith('k'));
      expect(r.problems.map((p) => p.seq)).toEqual([5]);
    });

    it('allows lines without an HMAC before the first line with one (the key came later), not after', () => {
      const later = file([at(3), at(5), at(11, hashes, 'k'), at(30, hashes, 'k')]);
      expect(checkAnchorFile(later, chain(hashes), checkWith('k'))).toMatchObject({ hmac: { checked: 2 }, problems: [] });
      const stripped = file([at(3), at(11, hashes, 'k'), at(20), at(30)]);
      const r = checkAnchorFile(stripped, chain(hashes), checkWith('k'));
      expect(r.problems.map((p) => [p.line, p.seq])).toEqual([
        [4, 20],
        [5, 30],
      ]);
      expect(r.problems[0]!.message).toMatch(/no HMAC although the anchor key is set and line 3 before it does: written without the key, or its HMAC was stripped/);
    });

    it('fails a file with no HMAC at all when a key is given (every HMAC stripped)', () => {
      const r = checkAnchorFile(file([at(5), at(30)]), chain(hashes), checkWith('k'));
      expect(r.problems.map((p) => p.seq)).toEqual([5, 30]);
      expect(r.problems[0]!.message).toMatch(/no anchor line carries one/);
    });
  });
});

describe('checkGivenAnchor', () => {
  it('finds a head at its seq, or anywhere when no seq is given', () => {
    expect(checkGivenAnchor({ seq: 30, hash: hashes[29]! }, chain(hashes))).toEqual({ ok: true, seq: 30 });
    expect(checkGivenAnchor({ seq: null, hash: hashes[17]! }, chain(hashes))).toEqual({ ok: true, seq: 18 });
  });

  it('fails a head the rewritten chain does not hold, naming the seq', () => {
    const r = checkGivenAnchor({ seq: 30, hash: hashes[29]! }, chain(forged));
    expect(r).toMatchObject({ ok: false, problem: { line: null, seq: 30 } });
    expect(!r.ok && r.problem.message).toMatch(/^--anchor 30:[0-9a-f]{16}…: the log's hash at seq 30 is [0-9a-f]{16}…: the log was changed at or before seq 30$/);
    const anywhere = checkGivenAnchor({ seq: null, hash: hashes[29]! }, chain(forged));
    expect(!anywhere.ok && anywhere.problem.message).toMatch(/no event of the log has this hash/);
  });

  it('fails a head beyond the end of a cut log', () => {
    const r = checkGivenAnchor({ seq: 30, hash: hashes[29]! }, chain(hashes.slice(0, 27)));
    expect(!r.ok && r.problem.message).toMatch(/the log ends at seq 27: events 28..30 \(at least\) were removed from its tail/);
  });

  it('cannot compare a head at or after a break', () => {
    const r = checkGivenAnchor({ seq: 30, hash: hashes[29]! }, chain(hashes, 12));
    expect(!r.ok && r.problem.message).toMatch(/cannot be compared: the chain is broken at seq 12/);
  });
});
