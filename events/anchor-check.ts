/**
 * Checks anchors (`journal/anchor` lines, or a head hash a user kept) against the chain as
 * `verifyLog` recomputed it. Pure: the HMAC is checked through a function the caller passes.
 */
import { ANCHOR_FILE, type ChainHead, type GivenAnchor, type ParsedAnchors } from './anchor.js';

/** What `verifyLog` established about the log, as far as the anchors need it. */
export interface VerifiedChain {
  /** The recomputed hash of event `seq`, for the seqs the check asks about; undefined when not verified. */
  hashAt(seq: number): string | undefined;
  /** The first verified seq whose hash is `hash`; undefined when none. */
  seqOf(hash: string): number | undefined;
  /** The last seq of the log (when the chain verified) or the last seq before the break. */
  end: number;
  /** The first bad seq when the chain is broken, else null: anchors at or after it cannot be checked. */
  brokenAt: number | null;
}

/** One failed anchor check, naming the anchor line (null for `--anchor`) and the seq. */
export interface AnchorProblem {
  line: number | null;
  seq: number | null;
  message: string;
}

/** True when `mac` is HMAC-SHA256(key, "seq:hash") of `head` under the caller's key. */
export type MacCheck = (head: ChainHead, mac: string) => boolean;

/** The outcome of {@link checkAnchorFile}. */
export interface AnchorFileCheck {
  /** Anchor lines in the file. */
  anchors: number;
  /** Anchors whose (seq, hash) the recomputed chain holds. */
  matched: number;
  /** Anchors after a break in the chain (not comparable; the chain check already failed). */
  unchecked: number;
  /** HMACs checked with the key, and HMACs present but not checked (no key given). */
  hmac: { checked: number; notChecked: number };
  /** The highest anchored seq, or null when there is no anchor. */
  lastAnchoredSeq: number | null;
  problems: AnchorProblem[];
}

/**
 * Checks every line of an anchor file: it parses; its (seq, hash) is in the recomputed chain (a
 * different hash at seq: the log was changed at or before seq; seq beyond the log's end: the tail
 * was removed); and, with `mac`, its HMAC. With a key, lines without an HMAC may only come before
 * the first line with one (anchors written before the key was set), and the last line must carry
 * one: stripping HMACs does not pass.
 */
export function checkAnchorFile(parsed: ParsedAnchors, chain: VerifiedChain, mac: MacCheck | null): AnchorFileCheck {
  const problems: AnchorProblem[] = parsed.malformed.map((m) => ({ line: m.line, seq: null, message: `${ANCHOR_FILE} line ${m.line}: ${m.why}` }));
  const r: AnchorFileCheck = { anchors: parsed.anchors.length, matched: 0, unchecked: 0, hmac: { checked: 0, notChecked: 0 }, lastAnchoredSeq: null, problems };
  const matchedSeqs: number[] = [];
  const mismatches: { line: number; seq: number; log: string; anchored: string }[] = [];
  const firstKeyed = parsed.anchors.findIndex((a) => a.anchor.hmac !== undefined);

  parsed.anchors.forEach(({ line, anchor }, i) => {
    const where = `${ANCHOR_FILE} line ${line} (seq ${anchor.seq})`;
    r.lastAnchoredSeq = Math.max(r.lastAnchoredSeq ?? 0, anchor.seq);
    if (mac && anchor.hmac !== undefined) {
      if (mac(anchor, anchor.hmac)) r.hmac.checked += 1;
      else problems.push({ line, seq: anchor.seq, message: `${where}: its HMAC does not match: the line was forged or rewritten without the key (or the key differs)` });
    } else if (mac && (firstKeyed === -1 || i > firstKeyed)) {
      const why = firstKeyed === -1 ? 'no anchor line carries one' : `line ${parsed.anchors[firstKeyed]!.line} before it does`;
      problems.push({ line, seq: anchor.seq, message: `${where}: no HMAC although the anchor key is set and ${why}: written without the key, or its HMAC was stripped` });
    } else if (anchor.hmac !== undefined) r.hmac.notChecked += 1;

    if (chain.brokenAt !== null && anchor.seq >= chain.brokenAt) r.unchecked += 1;
    else if (chain.brokenAt === null && anchor.seq > chain.end)
      problems.push({ line, seq: anchor.seq, message: `${where}: the log ends at seq ${chain.end}: events ${chain.end + 1}..${anchor.seq} (at least) were removed from its tail` });
    else {
      const log = chain.hashAt(anchor.seq);
      if (log === anchor.hash) {
        r.matched += 1;
        matchedSeqs.push(anchor.seq);
      } else mismatches.push({ line, seq: anchor.seq, log: log ?? '(none)', anchored: anchor.hash });
    }
  });

  matchedSeqs.sort((a, b) => a - b);
  for (const m of mismatches) {
    const before = lastBelow(matchedSeqs, m.seq);
    const since = before === null ? '' : `, after seq ${before}, whose anchor still matches`;
    problems.push({
      line: m.line,
      seq: m.seq,
      message:
        `${ANCHOR_FILE} line ${m.line} (seq ${m.seq}): the log's hash at seq ${m.seq} is ${m.log.slice(0, 16)}…, the anchor says ${m.anchored.slice(0, 16)}…: ` +
        `the log was changed at or before seq ${m.seq}${since}`,
    });
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return r;
}

/** The outcome of {@link checkGivenAnchor}: where the log holds the given hash, or why it does not. */
export type GivenAnchorCheck = { ok: true; seq: number } | { ok: false; problem: AnchorProblem };

/** Checks a head hash a user kept: the log must hold `hash` at `seq`, or anywhere when no seq is given. */
export function checkGivenAnchor(given: GivenAnchor, chain: VerifiedChain): GivenAnchorCheck {
  const name = `--anchor ${given.seq === null ? '' : `${given.seq}:`}${given.hash.slice(0, 16)}…`;
  const fail = (seq: number | null, why: string): GivenAnchorCheck => ({ ok: false, problem: { line: null, seq, message: `${name}: ${why}` } });
  const broken = chain.brokenAt === null ? '' : ` (the chain is broken at seq ${chain.brokenAt}; later events were not compared)`;
  if (given.seq === null) {
    const seq = chain.seqOf(given.hash);
    if (seq !== undefined) return { ok: true, seq };
    return fail(null, `no event of the log has this hash: the log was changed or truncated before the point this head was taken${broken}`);
  }
  if (chain.brokenAt !== null && given.seq >= chain.brokenAt) return fail(given.seq, `cannot be compared: the chain is broken at seq ${chain.brokenAt}`);
  if (given.seq > chain.end) return fail(given.seq, `the log ends at seq ${chain.end}: events ${chain.end + 1}..${given.seq} (at least) were removed from its tail`);
  const log = chain.hashAt(given.seq);
  if (log === given.hash) return { ok: true, seq: given.seq };
  return fail(given.seq, `the log's hash at seq ${given.seq} is ${(log ?? '(none)').slice(0, 16)}…: the log was changed at or before seq ${given.seq}`);
}

/** The largest value of sorted `xs` below `x`, or null. */
function lastBelow(xs: readonly number[], x: number): number | null {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? null : xs[lo - 1]!;
}
