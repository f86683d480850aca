/**
 * Benchmark of the visual inspector over a long history (issue 17): on the synthetic history of
 * bench:history (10,000 runs, ~159,000 events, rebuilt so the summary, rows and machine snapshots
 * exist; bench/inspector-history.ts), it measures, beside the floor (one plain read of the whole
 * log, `SELECT *` in order + `JSON.parse`, in this process):
 *
 * - `autopilot inspect --port 0` as a child: spawn → its URL printed;
 * - a page in Debian's Chromium: `page.goto` → the `ap:first-paint` mark (runs table and progress
 *   chart drawn), cold (a new server and browser context each time) and warm (a reload);
 * - jumps: `#/at/N` near the end, in the middle and at the snapshots' worst case (a snapshot point
 *   + SNAPSHOT_EVERY - 1: the most events folded after one), hash change → the `ap:at-rendered`
 *   mark of N; and, server side only, `GET /api/at/N` at seqs next to those;
 * - the server's memory (VmRSS, VmHWM from /proc/PID/status) after the load and after the jumps.
 *
 * Targets: first paint (cold) < 2 s, every jump < 1 s; exit 1 when one fails. Each repeat asks for
 * seqs 101 apart, because the server keeps the reports it made (by seq).
 *
 *   npm run bench:inspector [-- --runs 10000 --per-session 100 --repeat 3 --seed 1 --dir /tmp --keep --reuse --json]
 *
 * --reuse keeps the history under bench/out/ (gitignored) and takes it from there next time, as long
 * as the sources it depends on are unchanged; without it the history is made under --dir and removed
 * unless --keep. `--per-session 10000` is the machine snapshot's worst case (one session).
 * Progress goes to stderr; the table (or, with --json, one JSON object) to stdout.
 */
import { cpus, tmpdir } from 'node:os';
import { statSync } from 'node:fs';
import { workspacePaths } from '../adapters/workspace.js';
import { SNAPSHOT_EVERY } from '../projections/snapshots.js';
import { benchHistory } from './inspector-history.js';
import { firstPaint, jump, launchBrowser, memoryOf, NO_TIME_TRAVEL, serverAt, startInspectServer, type Memory } from './inspector-page.js';
import { reportLines, verdictsOf, type InspectorReport, type JumpReport } from './inspector-report.js';
import { load, readLogOnce, repeated } from './measure.js';

interface Args {
  runs: number;
  perSession: number;
  repeat: number;
  seed: number;
  dir: string;
  keep: boolean;
  reuse: boolean;
  json: boolean;
}

const USAGE = 'usage: node dist/bench/inspector.js [--runs N] [--per-session N] [--repeat N] [--seed N] [--dir DIR] [--keep] [--reuse] [--json]';

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 10_000, perSession: 100, repeat: 3, seed: 1, dir: tmpdir(), keep: false, reuse: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => argv[++i] ?? fail(`${a} needs a value`);
    const num = () => {
      const v = Number(value());
      return Number.isSafeInteger(v) && v >= 1 ? v : fail(`${a} needs a positive integer`);
    };
    if (a === '--runs') args.runs = num();
    else if (a === '--per-session') args.perSession = num();
    else if (a === '--repeat') args.repeat = num();
    else if (a === '--seed') args.seed = num();
    else if (a === '--dir') args.dir = value();
    else if (a === '--keep') args.keep = true;
    else if (a === '--reuse') args.reuse = true;
    else if (a === '--json') args.json = true;
    else fail(`unknown argument ${a}`);
  }
  return args;
}

function fail(message: string): never {
  throw new Error(`${message}\n${USAGE}`);
}

/** Seqs asked for in successive repeats are this far apart (the server caches reports by seq). */
const STRIDE = 101;

/** The seqs the jumps go to: near the end, the middle, and the most events folded after a snapshot. */
function jumpPoints(lastSeq: number): { label: string; seq: number }[] {
  const worst = Math.floor((lastSeq + 1) / SNAPSHOT_EVERY) * SNAPSHOT_EVERY - 1;
  return [
    { label: 'near the end', seq: Math.max(1, lastSeq - 7) },
    { label: 'the middle', seq: Math.max(1, Math.floor(lastSeq / 2)) },
    worst >= 1
      ? { label: `snapshot point ${(worst + 1 - SNAPSHOT_EVERY).toLocaleString('en-US')} + ${SNAPSHOT_EVERY - 1}`, seq: worst }
      : { label: 'the end, folded from event 1 (no snapshot yet)', seq: lastSeq },
  ];
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const loadBefore = load();
  progress(`${cpus().length} core(s), load average ${loadBefore}`);
  const history = benchHistory({ runs: args.runs, perSession: args.perSession, seed: args.seed }, args, progress);
  const browser = await launchBrowser();
  try {
    const events = workspacePaths(history.root).events;
    progress('floor...');
    const floor = repeated(args.repeat, () => readLogOnce(events));
    if (floor.result !== history.events) throw new Error(`the floor read ${floor.result} rows of ${history.events}`);

    const spawnMs: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    const coldApi: Record<string, number>[] = [];
    let memory: { afterLoad: Memory; afterJumps: Memory } | null = null;
    const points = jumpPoints(history.events);
    const jumps: JumpReport[] = points.map((p) => ({ label: p.label, seqs: [], ms: [], missing: null, server: { seqs: [], ms: [] } }));
    for (let r = 0; r < args.repeat; r++) {
      progress(`repeat ${r + 1}/${args.repeat}: inspect, first paint cold and warm, jumps...`);
      const server = await startInspectServer(history.root);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        spawnMs.push(server.startMs);
        const page = await context.newPage();
        const paint = await firstPaint(page, server.url);
        cold.push(paint.ms);
        coldApi.push(paint.api);
        warm.push((await firstPaint(page, null)).ms);
        const afterLoad = memoryOf(server.pid);
        for (const [i, p] of points.entries()) {
          const line = jumps[i]!;
          const seq = Math.max(1, p.seq - STRIDE * r);
          if (line.missing === null) {
            const outcome = await jump(page, seq);
            if ('ms' in outcome) {
              line.seqs.push(seq);
              line.ms.push(outcome.ms);
            } else {
              line.missing = outcome.missing;
              // A build without the view has it for no seq: the other points need not wait 3 s each to find that out.
              if (outcome.missing === NO_TIME_TRAVEL) for (const other of jumps) other.missing = NO_TIME_TRAVEL;
            }
          }
          const serverSeq = Math.max(1, seq - (STRIDE >> 1));
          line.server.seqs.push(serverSeq);
          line.server.ms.push(await serverAt(server.url, serverSeq));
        }
        memory = { afterLoad, afterJumps: memoryOf(server.pid) };
      } finally {
        await context.close();
        await server.stop();
      }
    }

    const measured = {
      runs: args.runs,
      perSession: args.perSession,
      seed: args.seed,
      events: history.events,
      sessions: history.sessions,
      dbBytes: statSync(events).size,
      history: { generated: history.generated, appendMs: history.appendMs, rebuildMs: history.rebuildMs },
      cores: cpus().length,
      loadBefore,
      loadAfter: load(),
      repeat: args.repeat,
      floorMs: floor.times.map((t) => t.wall),
      spawnMs,
      firstPaint: { coldMs: cold, warmMs: warm, coldApiMs: coldApi },
      jumps,
      memory,
    };
    const report: InspectorReport = { ...measured, verdicts: verdictsOf(measured) };
    if (args.json) out(JSON.stringify(report));
    else for (const line of reportLines(report)) out(line);
    return report.verdicts.every((v) => v.pass) ? 0 : 1;
  } finally {
    await browser.close();
    history.dispose();
  }
}

process.exitCode = await main();
