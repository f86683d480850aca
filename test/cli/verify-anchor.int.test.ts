/**
 * The tamper anchor on a real loop's log (real SQLite file, real CLI processes), against an
 * attacker who has the file: drops the append-only triggers, edits an event and recomputes every
 * later hash, or cuts the tail and fixes the streams table, and rewrites journal/anchor to match.
 * The history: session 1 without an anchor key, session 2 with one (so the file holds both kinds).
 */
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAnchorFile } from '../../events/anchor.js';
import { chainHash, GENESIS_HASH } from '../../adapters/store/hash.js';
import { cli, projectionHashes, readLogDirect, type LoggedEvent } from '../support/chaos.js';
import { FAKE_TRAINER, fakeTrainerWorkspace } from '../support/workspace.js';

const KEY = 'sekrit-anchor-key-31337';
const WITH_KEY = { AUTOPILOT_ANCHOR_KEY: KEY };
const HEAD = /^head: seq (\d+) sha256 ([0-9a-f]{64})$/m;

let original: string;
let log: LoggedEvent[];
/** The head the loop printed at its end: what a user keeps elsewhere. */
let kept: { seq: number; hash: string };
let loopOut: string;
const dirs: string[] = [];

beforeAll(async () => {
  original = fakeTrainerWorkspace();
  dirs.push(dirname(original));
  // The trainer notes whether it was given the anchor key, then runs the fake trainer.
  const settingsPath = join(original, 'autopilot.json');
  const settings = JSON.parse(readFileSync(settingsPath, 'utf8')) as { trainer: { command: string[]; env: Record<string, string> } };
  settings.trainer.command = ['sh', '-c', 'printf "%s\\n" "${AUTOPILOT_ANCHOR_KEY-unset}" >> "$KEY_PROBE"; exec "$0" "$@"', process.execPath, FAKE_TRAINER];
  settings.trainer.env.KEY_PROBE = join(dirname(original), 'key-probe');
  writeFileSync(settingsPath, JSON.stringify(settings, null, 2));
  const first = await cli(['loop', '--runs', '1', '--workspace', original]);
  expect(first.exitCode, first.stderr).toBe(0);
  const second = await cli(['loop', '--runs', '1', '--workspace', original], WITH_KEY);
  expect(second.exitCode, second.stderr).toBe(0);
  loopOut = second.stdout;
  const m = HEAD.exec(loopOut);
  if (!m) throw new Error(`the loop printed no head line:\n${loopOut}`);
  kept = { seq: Number(m[1]), hash: m[2]! };
  log = readLogDirect(original);
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh copy of the looped workspace for one attack. */
function copy(): string {
  const ws = join(mkdtempSync(join(tmpdir(), 'autopilot-anchor-')), 'autopilot');
  dirs.push(dirname(ws));
  cpSync(original, ws, { recursive: true });
  return ws;
}

/** As an attacker with the file: drops the triggers, runs `sql`, then recomputes every hash; returns the new hash of each seq. */
function forge(ws: string, sql: string): Map<number, string> {
  const db = new Database(join(ws, 'events.db'));
  try {
    db.exec('DROP TRIGGER IF EXISTS messages_no_update; DROP TRIGGER IF EXISTS messages_no_delete;');
    db.exec(sql);
    type Row = { seq: number; stream_id: string; stream_position: number; message_type: string; schema_version: number; message_data: string; message_metadata: string; created: string };
    const rows = db.prepare('SELECT global_position AS seq, * FROM messages ORDER BY global_position').all() as Row[];
    const update = db.prepare('UPDATE messages SET prev_hash = ?, hash = ? WHERE global_position = ?');
    const hashes = new Map<number, string>();
    let prev = GENESIS_HASH;
    db.transaction(() => {
      for (const r of rows) {
        const record = {
          seq: r.seq,
          streamId: r.stream_id,
          streamPosition: r.stream_position,
          type: r.message_type,
          schemaVersion: r.schema_version,
          createdAt: r.created,
          data: JSON.parse(r.message_data) as unknown,
          metadata: JSON.parse(r.message_metadata) as unknown,
        };
        const hash = chainHash(prev, record);
        update.run(prev, hash, r.seq);
        hashes.set(r.seq, hash);
        prev = hash;
      }
    })();
    return hashes;
  } finally {
    db.close();
  }
}

const anchorPath = (ws: string) => join(ws, 'journal', 'anchor');
const anchors = (ws: string) => parseAnchorFile(readFileSync(anchorPath(ws), 'utf8')).anchors;
const seqOf = (type: string, runId: string) => log.find((e) => e.type === type && e.data.runId === runId)!.seq;
const verify = (ws: string, args: string[] = [], env: Record<string, string> = {}) => cli(['verify', '--workspace', ws, ...args], env);

/** The first anchor line at or after `seq`. */
function firstAnchorFrom(ws: string, seq: number): { line: number; seq: number } {
  const a = anchors(ws).find((x) => x.anchor.seq >= seq)!;
  return { line: a.line, seq: a.anchor.seq };
}

// The tests read the looped workspace or attack a copy of their own, and wait on the CLI: they run at once.
describe.concurrent('a loop’s untouched log', () => {
  it('prints the head at the end of the loop and in status, and anchors it at each journal step and at the end', async () => {
    const last = log.at(-1)!;
    expect(kept.seq).toBe(last.seq);
    const [status, json] = await Promise.all([cli(['status', '--workspace', original]), cli(['status', '--workspace', original, '--json'])]);
    expect(status.stdout).toContain(`head: seq ${kept.seq} sha256 ${kept.hash}`);
    expect(JSON.parse(json.stdout).head).toEqual(kept);
    const db = new Database(join(original, 'events.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT hash FROM messages WHERE global_position = ?').pluck().get(kept.seq)).toBe(kept.hash);
    } finally {
      db.close();
    }

    // One line after each JournalWritten (or the CheckpointsPruned it leads to) and one at each loop's end.
    const expected = log
      .filter((e) => e.type === 'JournalWritten' || e.type === 'LoopCompleted')
      .map((e) => (log[e.seq]?.type === 'CheckpointsPruned' && e.type === 'JournalWritten' ? e.seq + 1 : e.seq));
    const lines = anchors(original);
    expect(lines.map((a) => a.anchor.seq)).toEqual(expected);
    // Session 1 ran without the key, session 2 with it.
    const session2 = log.filter((e) => e.type === 'LoopStarted')[1]!.seq;
    expect(lines.map((a) => a.anchor.hmac !== undefined)).toEqual(lines.map((a) => a.anchor.seq > session2));
    expect(readFileSync(anchorPath(original), 'utf8')).toMatch(/^# autopilot anchor v1: /);
  });

  it('verifies against journal/anchor, with the key (HMACs checked) and without (HMACs not checked)', async () => {
    const keyed = anchors(original).filter((a) => a.anchor.hmac !== undefined).length;
    expect(keyed).toBeGreaterThan(0);
    const [plain, withKey] = await Promise.all([verify(original), verify(original, [], WITH_KEY)]);
    expect(plain.exitCode, plain.stdout).toBe(0);
    expect(plain.stdout).toContain(`ok: journal/anchor: ${anchors(original).length} anchor(s) match the log (last at seq ${kept.seq})`);
    expect(plain.stdout).toContain(`note: journal/anchor: ${keyed} anchor line(s) carry an HMAC that was not checked (AUTOPILOT_ANCHOR_KEY is not set)`);
    expect(withKey.exitCode, withKey.stdout).toBe(0);
    expect(withKey.stdout).toContain(`${keyed} HMAC(s) checked`);
    expect(withKey.stdout).not.toContain('not checked');
  });

  it('verifies a head kept elsewhere, as SEQ:HASH or HASH alone', async () => {
    const [withSeq, alone] = await Promise.all([verify(original, ['--anchor', `${kept.seq}:${kept.hash}`]), verify(original, ['--anchor', kept.hash, '--json'])]);
    expect(withSeq.exitCode, withSeq.stdout).toBe(0);
    expect(withSeq.stdout).toContain(`the log holds this head at seq ${kept.seq}`);
    expect(alone.exitCode, alone.stdout).toBe(0);
    expect(JSON.parse(alone.stdout).anchor.given).toEqual([{ anchor: kept.hash, ok: true, seq: kept.seq }]);
  });

  it('exits 2 on an --anchor that is not a head hash, saying what is allowed', async () => {
    const r = await verify(original, ['--anchor', '12:abc']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--anchor "12:abc": the hash has 3 hex digit\(s\), not 64; expected HASH or SEQ:HASH/);
  });

  it('never records the key nor gives it to the trainer', () => {
    const files = (dir: string): string[] =>
      existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)])) : [];
    const recorded = [...files(original)].filter((f) => !f.includes('checkpoints'));
    expect(recorded.some((f) => f.endsWith('events.db'))).toBe(true);
    for (const f of recorded) expect(readFileSync(f).includes(KEY), f).toBe(false);
    const probe = readFileSync(join(dirname(original), 'key-probe'), 'utf8')
      .trim()
      .split('\n');
    expect(probe).toEqual(probe.map(() => 'unset'));
    expect(probe.length).toBeGreaterThanOrEqual(2);
  });
});

describe.concurrent('when an event is edited and the whole chain recomputed', () => {
  let ws: string;
  let edited: number;
  beforeAll(() => {
    ws = copy();
    edited = seqOf('RunFinished', '001');
    forge(ws, `UPDATE messages SET message_data = json_set(message_data, '$.metrics.mean_reward', 999) WHERE global_position = ${edited}`);
  });

  it('passes plain verify without an anchor: the limit of a self-contained chain', async () => {
    const bare = copy();
    forge(bare, `UPDATE messages SET message_data = json_set(message_data, '$.metrics.mean_reward', 999) WHERE global_position = ${edited}`);
    rmSync(anchorPath(bare));
    const r = await verify(bare);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('note: no journal/anchor: only the chain');
  });

  it('fails verify against journal/anchor, naming the anchor line and its seq', async () => {
    const first = firstAnchorFrom(ws, edited);
    const [text, json] = await Promise.all([verify(ws), verify(ws, ['--json'])]);
    expect(text.exitCode, text.stdout).toBe(1);
    expect(text.stdout).toMatch(/^ok: \d+ event\(s\) in 4 stream\(s\), chain intact/m);
    expect(text.stdout).toContain(`ANCHOR MISMATCH: journal/anchor line ${first.line} (seq ${first.seq}): the log's hash at seq ${first.seq} is`);
    expect(text.stdout).toContain(`the log was changed at or before seq ${first.seq}`);
    const j = JSON.parse(json.stdout);
    expect(json.exitCode).toBe(1);
    expect(j).toMatchObject({ ok: true, anchor: { ok: false } });
    expect(j.anchor.problems[0]).toMatchObject({ line: first.line, seq: first.seq });
  });

  it('fails verify --anchor with the head kept before', async () => {
    const [withSeq, alone] = await Promise.all([verify(ws, ['--anchor', `${kept.seq}:${kept.hash}`]), verify(ws, ['--anchor', kept.hash])]);
    expect(withSeq.exitCode, withSeq.stdout).toBe(1);
    expect(withSeq.stdout).toContain(`ANCHOR MISMATCH: --anchor ${kept.seq}:${kept.hash.slice(0, 16)}…: the log's hash at seq ${kept.seq} is`);
    expect(alone.exitCode, alone.stdout).toBe(1);
    expect(alone.stdout).toContain('no event of the log has this hash');
  });
});

describe.concurrent('when the tail of the log is cut and the streams table fixed', () => {
  let ws: string;
  let end: number;
  beforeAll(() => {
    ws = copy();
    end = kept.seq - 4;
    forge(
      ws,
      `DELETE FROM messages WHERE global_position > ${end};
       UPDATE streams SET stream_position = (SELECT COUNT(*) FROM messages m WHERE m.stream_id = streams.stream_id);
       DELETE FROM streams WHERE stream_position = 0;`,
    );
  });

  it('fails against journal/anchor, naming the last anchor line and its seq', async () => {
    const last = anchors(ws).at(-1)!;
    const r = await verify(ws);
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stdout).toContain(
      `ANCHOR MISMATCH: journal/anchor line ${last.line} (seq ${kept.seq}): the log ends at seq ${end}: events ${end + 1}..${kept.seq} (at least) were removed from its tail`,
    );
  });

  it('fails verify --anchor with the head kept before, with and without its seq', async () => {
    const [withSeq, alone] = await Promise.all([verify(ws, ['--anchor', `${kept.seq}:${kept.hash}`]), verify(ws, ['--anchor', kept.hash])]);
    expect(withSeq.exitCode).toBe(1);
    expect(withSeq.stdout).toContain(`the log ends at seq ${end}: events ${end + 1}..${kept.seq} (at least) were removed from its tail`);
    expect(alone.exitCode).toBe(1);
    expect(alone.stdout).toContain('no event of the log has this hash');
  });
});

describe.concurrent('when the attacker also rewrites journal/anchor to match the forged chain', () => {
  let keptHmacs: string;
  let stripped: string;
  let firstForged: { line: number; seq: number };
  beforeAll(() => {
    keptHmacs = copy();
    const edited = seqOf('RunFinished', '002');
    const forged = forge(keptHmacs, `UPDATE messages SET message_data = json_set(message_data, '$.metrics.mean_reward', 999) WHERE global_position = ${edited}`);
    // Every line gets the forged chain's hash at its seq; the HMACs cannot be recomputed without the key.
    const rewrite = (text: string) => text.replace(/^seq=(\d+) sha256=[0-9a-f]{64}/gm, (_, seq: string) => `seq=${seq} sha256=${forged.get(Number(seq))!}`);
    const text = rewrite(readFileSync(anchorPath(keptHmacs), 'utf8'));
    writeFileSync(anchorPath(keptHmacs), text);
    stripped = copy();
    cpSync(join(keptHmacs, 'events.db'), join(stripped, 'events.db'));
    writeFileSync(anchorPath(stripped), text.replace(/ hmac-sha256=[0-9a-f]{64}$/gm, ''));
    firstForged = firstAnchorFrom(keptHmacs, edited);
  });

  it('passes verify without the key, saying the HMACs were not checked', async () => {
    const r = await verify(keptHmacs);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/note: journal\/anchor: \d+ anchor line\(s\) carry an HMAC that was not checked \(AUTOPILOT_ANCHOR_KEY is not set\)/);
  });

  it('fails verify with the key: the rewritten lines’ HMACs do not match', async () => {
    const r = await verify(keptHmacs, [], WITH_KEY);
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stdout).toContain(
      `ANCHOR MISMATCH: journal/anchor line ${firstForged.line} (seq ${firstForged.seq}): its HMAC does not match: the line was forged or rewritten without the key`,
    );
  });

  it('fails verify with the key when the HMACs were stripped instead', async () => {
    const withKey = await verify(stripped, [], WITH_KEY);
    expect(withKey.exitCode, withKey.stdout).toBe(1);
    expect(withKey.stdout).toMatch(/ANCHOR MISMATCH: journal\/anchor line \d+ \(seq \d+\): no HMAC although the anchor key is set and no anchor line carries one/);
  });
});

describe.concurrent('when the attacker deletes the anchor lines from the edited event on', () => {
  it('passes without the key, the documented limit, but warns that journal steps come after the last anchor', async () => {
    const ws = copy();
    const edited = seqOf('RunFinished', '002');
    forge(ws, `UPDATE messages SET message_data = json_set(message_data, '$.metrics.mean_reward', 999) WHERE global_position = ${edited}`);
    const text = readFileSync(anchorPath(ws), 'utf8');
    writeFileSync(
      anchorPath(ws),
      text
        .split('\n')
        .filter((l) => !l.startsWith('seq=') || Number(/^seq=(\d+)/.exec(l)![1]) < edited)
        .join('\n'),
    );
    const [plain, withKey, withKept] = await Promise.all([verify(ws), verify(ws, [], WITH_KEY), verify(ws, ['--anchor', `${kept.seq}:${kept.hash}`])]);
    expect(plain.exitCode, plain.stdout).toBe(0);
    expect(plain.stdout).toMatch(/WARNING: 1 journal step\(s\) of the log come after the last anchor line, though the loop anchors each one: anchor lines may have been removed/);
    // With the key it fails here, because every line with an HMAC went (session 2 anchored only after the edit).
    expect(withKey.exitCode, withKey.stdout).toBe(1);
    expect(withKey.stdout).toContain('no anchor line carries one');
    expect(withKept.exitCode, withKept.stdout).toBe(1);
  });
});

describe.concurrent('when projections drift and autopilot rebuild runs', () => {
  it('leaves journal/anchor untouched and the projection files byte-identical', async () => {
    const ws = copy();
    const before = projectionHashes(ws);
    const anchor = anchorPath(ws);
    const bytes = readFileSync(anchor);
    const { ino, mtimeMs } = statSync(anchor);
    writeFileSync(join(ws, 'journal', 'labbook.md'), 'edited\n');
    rmSync(join(ws, 'journal', 'notes.md'));
    const r = await cli(['rebuild', '--workspace', ws, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ written: 2, removed: 0 });
    expect(projectionHashes(ws)).toEqual(before);
    expect(readFileSync(anchor).equals(bytes)).toBe(true);
    expect(statSync(anchor)).toMatchObject({ ino, mtimeMs });
  });
});

describe.concurrent('when journal/anchor is replaced by a symlink to a decoy', () => {
  it('the loop never writes through it: the decoy is unchanged, a fresh anchor file takes its place', async () => {
    const ws = copy();
    const decoyDir = mkdtempSync(join(tmpdir(), 'autopilot-decoy-'));
    dirs.push(decoyDir);
    const decoy = join(decoyDir, 'decoy.txt');
    writeFileSync(decoy, 'not yours\n');
    rmSync(anchorPath(ws));
    symlinkSync(decoy, anchorPath(ws));
    const r = await cli(['loop', '--runs', '1', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(decoy, 'utf8')).toBe('not yours\n');
    expect(r.stderr).toMatch(/journal\/anchor was a symlink, not a file of its own: nothing was written through it; moved it to .*anchor\.replaced-/);
    expect(lstatSync(anchorPath(ws)).isFile()).toBe(true);
    const fresh = anchors(ws);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((a) => a.anchor.seq > kept.seq)).toBe(true);
    const aside = readdirSync(join(ws, 'journal')).find((f) => f.startsWith('anchor.replaced-'))!;
    expect(readlinkSync(join(ws, 'journal', aside))).toBe(decoy);
    const v = await verify(ws);
    expect(v.exitCode, v.stdout).toBe(0);
  });
});
