/** The anchor half of `autopilot verify`: journal/anchor and `--anchor` head hashes against the recomputed chain. */
import { anchorKey, anchorMacMatches, ANCHOR_KEY_ENV, readAnchorFile } from '../adapters/anchor-file.js';
import { ANCHOR_FILE, parseAnchorFile, type GivenAnchor, type ParsedAnchors } from '../events/anchor.js';
import { checkAnchorFile, checkGivenAnchor, type AnchorFileCheck, type AnchorProblem, type VerifiedChain } from '../events/anchor-check.js';
import type { VerifyResult } from '../adapters/store/verify.js';

/** The anchor check as `verify --json` reports it under `anchor`. */
export interface AnchorReport {
  ok: boolean;
  /** journal/anchor: whether it is there, why it was not read, whether a key was given, and the counts of the check. */
  file: { path: string; present: boolean; refused: string | null; key: boolean; journalStepsPastLastAnchor?: number } & Partial<Omit<AnchorFileCheck, 'problems'>>;
  /** Every head hash given with --anchor, and where the log holds it. */
  given: { anchor: string; ok: boolean; seq: number | null }[];
  /** Every failed check, of the file's lines and of the --anchor hashes. */
  problems: AnchorProblem[];
}

/**
 * Reads the workspace's anchor file and returns the `onRow` collector to pass to `verifyLog`
 * and the function that, given its result, checks every anchor. Call it before `verifyLog`: the
 * loop anchors only events already committed, so every anchor read first lies within the snapshot
 * the walk then reads (verify stays right while a loop writes).
 */
export function prepareAnchorCheck(workspace: string, given: readonly GivenAnchor[], env: NodeJS.ProcessEnv = process.env) {
  const read = readAnchorFile(workspace);
  const parsed: ParsedAnchors | null = read.state === 'file' ? parseAnchorFile(read.text) : null;
  const wantSeq = new Set<number>([...(parsed?.anchors.map((a) => a.anchor.seq) ?? []), ...given.flatMap((g) => (g.seq === null ? [] : [g.seq]))]);
  const wantHash = new Set(given.filter((g) => g.seq === null).map((g) => g.hash));
  const hashAt = new Map<number, string>();
  const seqOf = new Map<string, number>();
  // Journal steps are where the loop anchors: one past the last anchor line hints at removed lines.
  const journalSeqs: number[] = [];
  const onRow = (seq: number, hash: string, type: string) => {
    if (wantSeq.has(seq)) hashAt.set(seq, hash);
    if (wantHash.has(hash) && !seqOf.has(hash)) seqOf.set(hash, seq);
    if (type === 'JournalWritten') journalSeqs.push(seq);
  };

  const check = (r: VerifyResult): AnchorReport => {
    const chain: VerifiedChain = {
      hashAt: (seq) => hashAt.get(seq),
      seqOf: (hash) => seqOf.get(hash),
      end: r.ok ? r.lastSeq : r.firstBadSeq - 1,
      brokenAt: r.ok ? null : r.firstBadSeq,
    };
    const key = anchorKey(env);
    const problems: AnchorProblem[] = [];
    let file: AnchorReport['file'];
    if (read.state === 'refused') {
      problems.push({ line: null, seq: null, message: `${read.why}: the anchor cannot be checked` });
      file = { path: ANCHOR_FILE, present: true, refused: read.why, key: key !== null };
    } else if (parsed) {
      const { problems: found, ...c } = checkAnchorFile(parsed, chain, key === null ? null : (head, mac) => anchorMacMatches(key, head, mac));
      problems.push(...found);
      const last = c.lastAnchoredSeq ?? 0;
      file = { path: ANCHOR_FILE, present: true, refused: null, key: key !== null, ...c, journalStepsPastLastAnchor: journalSeqs.filter((s) => s > last).length };
    } else file = { path: ANCHOR_FILE, present: false, refused: null, key: key !== null };
    const givenOut = given.map((g) => {
      const c = checkGivenAnchor(g, chain);
      if (!c.ok) problems.push(c.problem);
      return { anchor: `${g.seq === null ? '' : `${g.seq}:`}${g.hash}`, ok: c.ok, seq: c.ok ? c.seq : g.seq };
    });
    return { ok: problems.length === 0, file, given: givenOut, problems };
  };
  return { onRow, check };
}

/** The human-readable lines of an anchor report. */
export function anchorReportLines(a: AnchorReport, r: VerifyResult): string[] {
  const out: string[] = [];
  const f = a.file;
  if (!f.present) out.push(`note: no ${ANCHOR_FILE}: only the chain's own consistency was checked (a log rewritten with recomputed hashes, or cut short, passes that)`);
  if (f.present && f.refused === null) {
    const hmac = f.hmac!;
    const last = f.lastAnchoredSeq ?? null;
    const macs = hmac.checked ? `, ${hmac.checked} HMAC(s) checked` : '';
    const fileProblems = a.problems.filter((p) => p.line !== null).length;
    if (fileProblems === 0) out.push(`ok: ${ANCHOR_FILE}: ${f.matched} anchor(s) match the log${last === null ? '' : ` (last at seq ${last})`}${macs}`);
    if (hmac.notChecked) out.push(`note: ${ANCHOR_FILE}: ${hmac.notChecked} anchor line(s) carry an HMAC that was not checked (${ANCHOR_KEY_ENV} is not set)`);
    if (f.unchecked) out.push(`note: ${ANCHOR_FILE}: ${f.unchecked} anchor(s) at or after the break in the chain were not compared`);
    if (r.ok && last !== null && r.lastSeq > last) out.push(`note: the log runs ${r.lastSeq - last} event(s) past its last anchor (seq ${last}); those are not covered`);
    if (f.journalStepsPastLastAnchor)
      out.push(
        `WARNING: ${f.journalStepsPastLastAnchor} journal step(s) of the log come after the last anchor line, though the loop anchors each one: ` +
          `anchor lines may have been removed (or a loop was killed right after one); only a head hash kept elsewhere settles it`,
      );
  }
  for (const g of a.given) if (g.ok) out.push(`ok: --anchor ${g.anchor.slice(0, 24)}…: the log holds this head at seq ${g.seq}`);
  const shown = a.problems.slice(0, 10);
  for (const p of shown) out.push(`ANCHOR MISMATCH: ${p.message}`);
  if (a.problems.length > shown.length) out.push(`... and ${a.problems.length - shown.length} more anchor problem(s) (--json lists them all)`);
  return out;
}
