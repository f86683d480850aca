/**
 * Benchmark of the event log over a long history (issue 3): appends a synthetic but valid history
 * of 10,000 runs (~160,000 events, loop sessions of 100 runs) to a fresh workspace, then measures,
 * in the same process and on the same log:
 *
 * - append: one `synchronous=FULL` transaction per run (the most a loop could batch), events/s and
 *   the time per run near run 100 vs near the last run (the cost per run must not grow);
 * - rebuild (`rebuildProjections`): cold, into an empty workspace (every file new), then over the
 *   rebuilt workspace after a seeded drift (files deleted, edited, stale ones added), which is what
 *   the target measures;
 * - replay --at SEQ near the end (`replayAt`, the command's body, its report counted, not printed), after the rebuild (which
 *   takes the summary snapshots, as a loop does): the summary view from the nearest snapshot folded
 *   on to SEQ, and SEQ's session folded through the machine; the fold from event 1 beside it;
 * - verify: walk the hash chain (`verifyLog`);
 * - the floor: a plain sequential read of the messages table (JSON.parse of the data), which every
 *   other read is compared with;
 * - the loop's journaling: what its projection writer costs per run around run 100 and at the last
 *   runs (the ratio must stay <= 1.5x), and its start-up catch-up on the whole history;
 * - (info) jumps, as the inspector makes them (bench/history-jump.ts): `replayReport` near the end with
 *   the machine snapshot and without, the runs table from its snapshot and from event 1, and the audit
 *   of the last run from its streams and from the whole log.
 *
 *   npm run bench:history [-- --runs 10000 --per-session 100 --repeat 3 --rebuilds 1 --seed 1
 *                            --dir /tmp --keep --json --no-loop-info --short]
 *
 * --short leaves out what only the full report needs (the loop's journaling and the cold write
 * floor), for a quick look at the reads: `--short --per-session 10000` is the machine snapshot's
 * worst case, one session of the whole history.
 *
 * The workspace is a temp copy of the shipped one under --dir (default: the OS temp dir), removed
 * at the end unless --keep. (--dir /dev/shm shows what the code costs without the disk: fsync is
 * free on tmpfs, so its append numbers say nothing about durability.) Times are wall-clock, with the process's CPU time beside them: on a
 * shared machine wall time varies with whatever else runs; the report prints the load average.
 * Progress goes to stderr; the table (or, with --json, one JSON object) to stdout.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { catalogueCodec, type AutopilotEvent } from '../events/catalogue.js';
import { openSqliteStore, type SqliteEventStore } from '../adapters/store/sqlite-store.js';
import type { EventStore } from '../events/store.js';
import { verifyLog } from '../adapters/store/verify.js';
import { machineAt, replayAt } from '../orchestrator/replay.js';
import { loadBaseline, loadPolicy, loadSettings, workspacePaths } from '../adapters/workspace.js';
import { buildReplay, scanTo } from '../projections/replay.js';
import { loadSummarySnapshot, SNAPSHOT_EVERY } from '../projections/snapshots.js';
import { createRng } from '../domain/rng.js';
import { ProjectionWriter } from '../adapters/projection-writer.js';
import { rebuildProjections, type RebuildStep } from '../adapters/projection-rebuild.js';
import { appendInStreams, MachineCheck, syntheticHistory } from './synthetic-history.js';
import { measureJumps, type JumpPair } from './history-jump.js';
import { fmtMs, freshWorkspace, load, measure, median, medianTime, quantile, readLogOnce, repeated, tableLines, type Time } from './measure.js';

interface Args {
  runs: number;
  perSession: number;
  repeat: number;
  rebuilds: number;
  seed: number;
  dir: string;
  keep: boolean;
  json: boolean;
  loopInfo: boolean;
  short: boolean;
}

const USAGE = 'usage: node dist/bench/history.js [--runs N] [--per-session N] [--repeat N] [--rebuilds N] [--seed N] [--dir DIR] [--keep] [--json] [--no-loop-info] [--short]';

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 10_000, perSession: 100, repeat: 3, rebuilds: 1, seed: 1, dir: tmpdir(), keep: false, json: false, loopInfo: true, short: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    const num = () => {
      const v = Number(value());
      if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${a} needs a positive integer\n${USAGE}`);
      return v;
    };
    if (a === '--runs') args.runs = num();
    else if (a === '--per-session') args.perSession = num();
    else if (a === '--repeat') args.repeat = num();
    else if (a === '--rebuilds') args.rebuilds = num();
    else if (a === '--seed') args.seed = num();
    else if (a === '--dir') args.dir = value();
    else if (a === '--keep') args.keep = true;
    else if (a === '--json') args.json = true;
    else if (a === '--no-loop-info') args.loopInfo = false;
    else if (a === '--short') args.short = true;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  return args;
}

/** Count and size of the files under `dir`. */
function treeSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

/** The contents of the files `rels` under `root` (for byte-for-byte comparisons). */
function readFiles(root: string, rels: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of rels) out.set(rel, readFileSync(join(root, rel), 'utf8'));
  return out;
}

function sameFiles(a: Map<string, string>, b: Map<string, string>): string | null {
  if (a.size !== b.size) return `${a.size} vs ${b.size} files`;
  for (const [k, v] of a) if (b.get(k) !== v) return `${k} differs`;
  return null;
}

/** Runs in each window the loop's journaling is timed over (around run 100, and the last ones). */
const JOURNAL_WINDOW = 100;

/** The most the loop's journaling per run may cost at the last run, against around run 100 (issue 16). */
const JOURNAL_GROWTH = 1.5;

/** How the workspace is disturbed before each measured rebuild (seeded), so it has real work to do. */
const DRIFT = { deleted: 100, edited: 100, stale: 10 } as const;

/** Deletes and edits seeded random projection files of `root` and adds stale ones. */
function drift(root: string, files: readonly string[], rng: () => number): void {
  const pick = new Set<string>();
  while (pick.size < DRIFT.deleted + DRIFT.edited) pick.add(files[Math.floor(rng() * files.length)]!);
  [...pick].forEach((rel, i) => (i < DRIFT.deleted ? rmSync(join(root, rel)) : writeFileSync(join(root, rel), 'edited\n')));
  for (let i = 0; i < DRIFT.stale; i++) {
    mkdirSync(join(root, 'runs', `9${String(i).padStart(5, '0')}`), { recursive: true });
    writeFileSync(join(root, 'runs', `9${String(i).padStart(5, '0')}`, 'run.json'), '{}\n');
  }
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const root = freshWorkspace(args.dir);
  const paths = workspacePaths(root);
  const settings = loadSettings(paths);
  const policy = loadPolicy(paths);
  const baselines = { quick: loadBaseline(paths, 'quick'), full: loadBaseline(paths, 'full') };
  const loadBefore = load();
  progress(`workspace ${root}`);
  progress(`${cpus().length} core(s), load average ${loadBefore}`);
  const history = () =>
    syntheticHistory({
      runs: args.runs,
      runsPerSession: args.perSession,
      seed: args.seed,
      workspace: root,
      policy,
      baselines,
      trainerCommand: settings.trainer.command,
    });
  const extraDirs: string[] = [];

  try {
    // ------------------------------------------------------------------ append
    let appendClock = new Date(0);
    const store: SqliteEventStore<AutopilotEvent> = openSqliteStore(paths.events, catalogueCodec, {
      now: () => appendClock,
      // As the loop opens it: the size check on every append is part of the measured cost.
      blobs: workspaceBlobs(paths),
      maxEventBytes: settings.limits.max_event_bytes,
    });
    const versions = new Map<string, number>();
    // One transaction per run: each contiguous same-stream slice of its events is one `append`
    // (a savepoint inside the transaction), so the run costs one commit, one fsync of the WAL.
    const appendRun = store.db.transaction((events: AutopilotEvent[]) => appendInStreams(store, events, versions));
    const check = new MachineCheck();
    const perRun: number[] = [];
    /** CPU time of each run's append (no fsync wait in it: the cost of the code, not of the disk). */
    const perRunCpu: number[] = [];
    /** Last seq of each run's transaction (index 0 = run 1). */
    const runEnd: number[] = [];
    const counts = new Map<string, number>();
    let events = 0;
    let appendWall = 0;
    const tAll = performance.now();
    const cpuAll = process.cpuUsage();
    progress(`appending ${args.runs} runs, one synchronous=FULL transaction each...`);
    for (const batch of history()) {
      for (const e of batch.events) {
        check.feed(e);
        counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
      }
      appendClock = new Date(batch.events.at(-1)!.metadata.at);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      appendRun.immediate(batch.events);
      const dt = performance.now() - t0;
      const dc = process.cpuUsage(c0);
      appendWall += dt;
      perRun[batch.index - 1] = dt;
      perRunCpu[batch.index - 1] = (dc.user + dc.system) / 1000;
      events += batch.events.length;
      runEnd[batch.index - 1] = events;
      if (batch.index % 1000 === 0) progress(`  ${batch.index} runs, ${events} events, ${fmtMs(performance.now() - tAll)}`);
    }
    // CPU of the whole phase includes generating the history and checking it against the machine.
    const appendPhaseCpu = process.cpuUsage(cpuAll);
    const problems = check.finish();
    if (problems.length > 0) throw new Error(`the synthetic history disagrees with the machine:\n${problems.slice(0, 10).join('\n')}`);
    const lastSeq = store.lastSeq();
    if (lastSeq !== events) throw new Error(`appended ${events} events but the log ends at ${lastSeq}`);
    const sessions = check.sessions;

    const window = (center: number) => {
      const lo = Math.max(0, Math.min(perRun.length - 100, center - 50));
      return { from: lo + 1, to: Math.min(perRun.length, lo + 100), times: perRun.slice(lo, lo + 100), cpu: perRunCpu.slice(lo, lo + 100) };
    };
    const early = window(100);
    const late = window(perRun.length - 50);
    const growth = median(late.times) / median(early.times);
    const cpuGrowth = median(late.cpu) / median(early.cpu);
    const trend = [...new Set([100, 2_500, 5_000, 7_500, perRun.length - 50].filter((c) => c <= perRun.length))]
      .map((c) => window(c))
      .map((w) => `${w.from}-${w.to}: ${median(w.times).toFixed(2)} (cpu ${median(w.cpu).toFixed(2)})`)
      .join(', ');

    // ------------------------------------------------------------------ floor
    progress('floor...');
    const floor = repeated(args.repeat, () => readLogOnce(paths.events));
    if (floor.result !== events) throw new Error(`the floor read ${floor.result} rows`);
    const floorTime = medianTime(floor.times);

    // ------------------------------------------------------------------ verify
    progress('verify...');
    const verify = repeated(args.repeat, () => verifyLog(paths.events, { blobs: workspaceBlobs(paths) }));
    if (!verify.result.ok) throw new Error(`verify failed: ${JSON.stringify(verify.result)}`);

    // ------------------------------------------------------------------ rebuild
    const steps: Record<RebuildStep, number>[] = [];
    const rebuildOnce = () => {
      const s = {} as Record<RebuildStep, number>;
      const writerStore = openSqliteStore(paths.events, catalogueCodec, { blobs: workspaceBlobs(paths) });
      try {
        return rebuildProjections(root, writerStore, { onStep: (step, ms) => (s[step] = ms) });
      } finally {
        writerStore.close();
        steps.push(s);
      }
    };
    progress('cold rebuild (an empty workspace: every file written)...');
    const cold = measure(rebuildOnce);
    if (cold.result.written.length !== cold.result.files.length) throw new Error(`the cold rebuild wrote ${cold.result.written.length} of ${cold.result.files.length} files`);
    const firstFiles = readFiles(root, cold.result.files);
    progress(`  ${fmtMs(cold.time.wall)}; rebuild over the workspace, with ${DRIFT.deleted} files deleted, ${DRIFT.edited} edited, ${DRIFT.stale} stale, x${args.rebuilds}...`);
    const driftRng = createRng(args.seed);
    const rebuild = repeated(args.rebuilds, () => {
      drift(root, cold.result.files, driftRng);
      return rebuildOnce();
    });
    const r = rebuild.result;
    if (r.written.length !== DRIFT.deleted + DRIFT.edited || r.removed.length !== DRIFT.stale)
      throw new Error(`rebuild rewrote ${r.written.length} and removed ${r.removed.length} files, expected ${DRIFT.deleted + DRIFT.edited} and ${DRIFT.stale}`);
    const differs = sameFiles(firstFiles, readFiles(root, r.files));
    if (differs) throw new Error(`rebuild is not byte-identical from one run to the next: ${differs}`);
    // The disk's own floor for a cold rebuild: the same files (same names, same bytes) created with
    // plain writeFileSync in an empty directory, no fold, no render, no rename.
    const floorDir = mkdtempSync(join(args.dir, 'autopilot-bench-files-'));
    extraDirs.push(floorDir);
    if (!args.short) progress('cold write floor (the same files, plain writeFileSync)...');
    const coldFloor = measure(() => {
      if (args.short) return;
      const made = new Set<string>();
      for (const [rel, content] of firstFiles) {
        const path = join(floorDir, rel);
        const dir = dirname(path);
        if (!made.has(dir)) {
          mkdirSync(dir, { recursive: true });
          made.add(dir);
        }
        writeFileSync(path, content);
      }
    });
    rmSync(floorDir, { recursive: true, force: true });
    const tree = treeSize(root);
    const stepNames = ['fold', 'render', 'write', 'prune', 'sync'] as const;
    const stepLine = stepNames.map((k) => `${k} ${fmtMs(median(steps.slice(1).map((s) => s[k])))}`).join(', ');
    const coldStepLine = stepNames.map((k) => `${k} ${fmtMs(steps[0]![k])}`).join(', ');

    // ------------------------------------------------------------------ replay --at SEQ
    // After the rebuild, as on any workspace a loop or a rebuild has written: the summary snapshots exist.
    progress('replay...');
    const at = Math.max(1, lastSeq - 7);
    // The command's body (orchestrator/replay.ts) on a read-only store opened as the command opens it, its report (JSON) counted instead of printed.
    const replay = repeated(args.repeat, () => {
      let bytes = 0;
      const reader = openSqliteStore(paths.events, catalogueCodec, { readonly: true, blobs: workspaceBlobs(paths) });
      try {
        replayAt(reader, at, { json: true }, { out: { write: (text: string) => (bytes += text.length) } });
      } finally {
        reader.close();
      }
      return bytes;
    });
    // Where its time goes: the same steps, timed one by one; and the view folded from event 1 (no snapshot).
    const replaySteps = (() => {
      const reader = openSqliteStore(paths.events, catalogueCodec, { readonly: true, blobs: workspaceBlobs(paths) });
      try {
        const t0 = performance.now();
        const [target] = reader.readAll({ fromSeq: at, toSeq: at });
        const session = target!.event.metadata.session;
        const from = loadSummarySnapshot(reader, at);
        if (!from && at >= SNAPSHOT_EVERY) throw new Error(`no summary snapshot at or before ${at} after the rebuild`);
        const snapshotSeq = from?.lastSeq ?? 0;
        const scan = scanTo(reader.readAll({ fromSeq: snapshotSeq + 1, toSeq: at }), session, from);
        const t1 = performance.now();
        const { snapshot, snapshotSeq: machineSeq } = machineAt(reader, session, scan.sessionFirstSeq, at);
        const t2 = performance.now();
        const report = buildReplay(target!, scan, { state: String(snapshot.value), status: snapshot.status, context: snapshot.context });
        const json = JSON.stringify(report.view);
        const t3 = performance.now();
        const full = scanTo(reader.readAll({ toSeq: at }), session);
        const t4 = performance.now();
        if (JSON.stringify(buildReplay(target!, full, report.machine).view) !== json) throw new Error('the view from the snapshot differs from the full fold');
        return {
          session,
          sessionEvents: at - (machineSeq ?? scan.sessionFirstSeq - 1),
          machineSeq,
          state: String(snapshot.value),
          snapshotSeq,
          view: t1 - t0,
          machine: t2 - t1,
          report: t3 - t2,
          fullFold: t4 - t3,
        };
      } finally {
        reader.close();
      }
    })();

    progress('jumps (replay, rows, audit; with and without the new snapshots and streams)...');
    const jumps = (() => {
      const reader = openSqliteStore(paths.events, catalogueCodec, { readonly: true, blobs: workspaceBlobs(paths) });
      try {
        return measureJumps(reader, at, args.repeat);
      } finally {
        reader.close();
      }
    })();

    // ------------------------------------------------------------------ the loop's journaling (projection writes) per run
    type Journaling = { from: number; to: number; ms: number[]; cpu: number[]; catchUp: Time };
    let journaling: { early: Journaling; late: Journaling; ratio: number; cpuRatio: number } | null = null;
    if (args.loopInfo && !args.short && args.runs >= 2 * JOURNAL_WINDOW + 100) {
      progress('loop journaling per run...');
      const upTo = (seq: number): EventStore<AutopilotEvent> => ({ ...store, readAll: (o = {}) => store.readAll({ ...o, toSeq: Math.min(o.toSeq ?? seq, seq) }) });
      // Time ProjectionWriter.apply over the events of each run from..to (read beforehand), after a catch-up to the run before.
      const applyRuns = (workspace: string, from: number, to: number): Journaling => {
        const writer = new ProjectionWriter(workspace);
        const catchUp = measure(() => writer.catchUp(upTo(runEnd[from - 2]!)));
        const ms: number[] = [];
        const cpu: number[] = [];
        for (let run = from; run <= to; run++) {
          const events = store.readAll({ fromSeq: runEnd[run - 2]! + 1, toSeq: runEnd[run - 1]! });
          const m = measure(() => {
            for (const stored of events) writer.apply(stored);
          });
          ms.push(m.time.wall);
          cpu.push(m.time.cpu);
        }
        return { from, to, ms, cpu, catchUp: catchUp.time };
      };
      const small = freshWorkspace(args.dir);
      extraDirs.push(join(small, '..'));
      // Around run 100, in a workspace of its own; then on the rebuilt workspace, the last runs (back to the full log).
      const e = applyRuns(small, 100 - JOURNAL_WINDOW / 2 + 1, 100 + JOURNAL_WINDOW / 2);
      const l = applyRuns(root, args.runs - JOURNAL_WINDOW + 1, args.runs);
      journaling = { early: e, late: l, ratio: median(l.ms) / median(e.ms), cpuRatio: median(l.cpu) / median(e.cpu) };
      const check2 = sameFiles(firstFiles, readFiles(root, cold.result.files));
      if (check2) throw new Error(`the projection writer's files differ from rebuild's: ${check2}`);
    }
    store.close();

    // ------------------------------------------------------------------ report
    const dbBytes = statSync(paths.events).size;
    const rebuildTime = medianTime(rebuild.times);
    const replayTime = medianTime(replay.times);
    const verifyTime = medianTime(verify.times);
    const verdicts = [
      { target: `append cost per run does not grow: runs ${late.from}-${late.to} vs ${early.from}-${early.to} = ${growth.toFixed(2)}x <= 1.2x`, pass: growth <= 1.2 },
      { target: `rebuild ${fmtMs(rebuildTime.wall)} <= 10 s`, pass: rebuildTime.wall <= 10_000 },
      { target: `replay --at ${at} ${fmtMs(replayTime.wall)} <= 1 s`, pass: replayTime.wall <= 1_000 },
      { target: `verify ${fmtMs(verifyTime.wall)} <= 3 s`, pass: verifyTime.wall <= 3_000 },
      ...(journaling
        ? [
            {
              target: `loop journaling per run does not grow: runs ${journaling.late.from}-${journaling.late.to} vs ${journaling.early.from}-${journaling.early.to} = ${journaling.ratio.toFixed(2)}x <= ${JOURNAL_GROWTH}x`,
              pass: journaling.ratio <= JOURNAL_GROWTH,
            },
          ]
        : []),
    ];

    if (args.json) {
      out(
        JSON.stringify({
          runs: args.runs,
          sessions,
          events,
          dbBytes,
          workspace: tree,
          counts: Object.fromEntries(counts),
          cores: cpus().length,
          loadBefore,
          loadAfter: load(),
          floor: floor.times,
          append: {
            wallMs: appendWall,
            phaseCpuMs: (appendPhaseCpu.user + appendPhaseCpu.system) / 1000,
            eventsPerSecond: (events * 1000) / appendWall,
            early: { from: early.from, to: early.to, medianMs: median(early.times), p90Ms: quantile(early.times, 0.9), medianCpuMs: median(early.cpu) },
            late: { from: late.from, to: late.to, medianMs: median(late.times), p90Ms: quantile(late.times, 0.9), medianCpuMs: median(late.cpu) },
            growth,
            cpuGrowth,
            trend,
          },
          rebuild: { times: rebuild.times, cold: cold.time, coldWriteFloor: coldFloor.time, steps, files: r.files.length, drift: DRIFT },
          replay: { at, times: replay.times, reportBytes: replay.result, steps: replaySteps },
          jumps,
          verify: verify.times,
          journaling,
          verdicts,
        }),
      );
    } else {
      const rows: string[][] = [];
      const x = (t: number) => `${(t / floorTime.wall).toFixed(1)}x`;
      const eps = (t: number) => `${Math.round((events * 1000) / t).toLocaleString('en-US')} ev/s`;
      const row = (what: string, t: { wall: number; cpu?: number }, detail: string, vsFloor: boolean, target: string) =>
        rows.push([what, fmtMs(t.wall), t.cpu === undefined ? '' : fmtMs(t.cpu), vsFloor ? x(t.wall) : '', detail, target]);
      row('floor: SELECT * ORDER BY seq, JSON.parse(data)', floorTime, eps(floorTime.wall), true, '');
      row(`append ${args.runs} runs, 1 FULL txn per run`, { wall: appendWall }, eps(appendWall), true, '');
      const perRunAppend = (w: typeof early, target = '') =>
        row(`  per run, runs ${w.from}-${w.to}`, { wall: median(w.times), cpu: median(w.cpu) }, `median; p90 ${fmtMs(quantile(w.times, 0.9))}`, false, target);
      perRunAppend(early);
      perRunAppend(late, `late/early ${growth.toFixed(2)}x <= 1.2x (cpu ${cpuGrowth.toFixed(2)}x)`);
      row(`rebuild (${r.files.length.toLocaleString('en-US')} files; ${DRIFT.deleted} deleted, ${DRIFT.edited} edited, ${DRIFT.stale} stale)`, rebuildTime, stepLine, true, '<= 10 s');
      row('(info) cold rebuild: empty workspace, every file new', cold.time, coldStepLine, true, '');
      if (!args.short)
        row(
          '(info)   the disk alone: the same files, plain writeFileSync',
          coldFloor.time,
          `${((coldFloor.time.wall * 1000) / firstFiles.size).toFixed(0)} µs per file; cold rebuild / this = ${(cold.time.wall / coldFloor.time.wall).toFixed(2)}x`,
          true,
          '',
        );
      row(
        `replay --at ${at} --json`,
        replayTime,
        `view ${replaySteps.snapshotSeq ? `from the snapshot at ${replaySteps.snapshotSeq}` : 'from event 1 (no snapshot yet)'} ${fmtMs(replaySteps.view)}; machine fold of session ${replaySteps.session} (${replaySteps.sessionEvents} events${replaySteps.machineSeq ? ` from the machine snapshot at ${replaySteps.machineSeq}` : ''}, ends in ${replaySteps.state}) ${fmtMs(replaySteps.machine)}; report ${fmtMs(replaySteps.report)}`,
        true,
        '<= 1 s',
      );
      row('(info) replay view folded from event 1', { wall: replaySteps.fullFold }, 'the same view without a snapshot', true, '');
      const jump = (what: string, p: JumpPair) => {
        row(`(info) ${what}`, { wall: p.fast }, p.detail, true, '');
        row(`(info)   ${what}, the slow way`, { wall: p.slow }, `${(p.slow / p.fast).toFixed(1)}x the time`, true, '');
      };
      jump(`replayReport at ${at}`, jumps.replay);
      jump('runs table (rows) at the end', jumps.rows);
      jump(`audit ${jumps.audit.runId}`, jumps.audit);
      row('verify', verifyTime, eps(verifyTime.wall), true, '<= 3 s');
      if (journaling) {
        const { early: je, late: jl } = journaling;
        row('(info) loop start-up catch-up', jl.catchUp, `fold, render, compare every file (to run ${jl.from - 1})`, true, '');
        const perRunJournal = (w: Journaling, target = '') =>
          row(`loop journaling per run, runs ${w.from}-${w.to}`, { wall: median(w.ms), cpu: median(w.cpu) }, `median; p90 ${fmtMs(quantile(w.ms, 0.9))}`, false, target);
        perRunJournal(je);
        perRunJournal(jl, `late/early ${journaling.ratio.toFixed(2)}x <= ${JOURNAL_GROWTH}x (cpu ${journaling.cpuRatio.toFixed(2)}x)`);
      }
      const head = ['measurement', 'wall', 'cpu', 'x floor', 'detail', 'target'];
      out(
        `history: ${args.runs.toLocaleString('en-US')} runs in ${sessions} sessions, ${events.toLocaleString('en-US')} events, ` +
          `events.db ${(dbBytes / 1e6).toFixed(1)} MB; workspace ${tree.files.toLocaleString('en-US')} files, ${(tree.bytes / 1e6).toFixed(1)} MB`,
      );
      out(
        `events: ${[...counts]
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
      out(`valid: every event passed the catalogue's schemas on append; StateEntered agrees with the machine in all ${sessions} sessions; verify ok; rebuild byte-identical`);
      out(`append ms per run by position, wall (cpu), median of 100 runs: ${trend}`);
      out(
        `machine: ${cpus().length} core(s), load average ${loadBefore} before, ${load()} after; wall = elapsed, cpu = this process; median of ${args.repeat} (rebuild: of ${args.rebuilds})`,
      );
      out('');
      for (const l of tableLines(head, rows, (i) => i >= 1 && i <= 3)) out(l);
      out('');
      for (const v of verdicts) out(`${v.pass ? 'PASS' : 'FAIL'} ${v.target}`);
    }
    return verdicts.every((v) => v.pass) ? 0 : 1;
  } finally {
    if (args.keep) progress(`kept ${root}${extraDirs.length ? ` and ${extraDirs.join(', ')}` : ''}`);
    else for (const d of [join(root, '..'), ...extraDirs]) rmSync(d, { recursive: true, force: true });
  }
}

process.exitCode = main();
