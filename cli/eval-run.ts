/**
 * The body of `autopilot eval`: under the workspace lock (so never beside a running loop), plans
 * the evaluation from the log, records it (EvaluationPlanned) before any evaluator starts, runs each
 * checkpoint's evaluator on the held-out seeds, and records how it ended (EvaluationFinished with
 * the paired verdict, or EvaluationFailed); the projections follow each event.
 */
import { existsSync } from 'node:fs';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { acquireLock } from '../adapters/lock.js';
import { ProjectionWriter } from '../adapters/projection-writer.js';
import { storeAppender } from '../adapters/recorder.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import { assertWorkspace, loadSettings, workspacePaths } from '../adapters/workspace.js';
import { pairedVerdictText } from '../domain/evaluation/verdict-text.js';
import { AutopilotError, EXIT, prefixed } from '../domain/errors.js';
import { pairedBootstrap } from '../domain/stats/paired.js';
import { fmt } from '../domain/text/numbers.js';
import { catalogueCodec, type AutopilotEvent, type DataOf } from '../events/catalogue.js';
import { headOf } from '../events/anchor.js';
import { anchorContext, anchorHead } from '../orchestrator/anchor.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { planEvaluation } from '../adapters/evaluation/plan.js';
import { runTarget, type TargetOutcome } from '../adapters/evaluation/run-target.js';
import { endDeadEvalCommands } from '../orchestrator/interrupted-evals.js';
import { evaluatorCluster } from '../adapters/evaluation/evaluator-cluster.js';
import { evaluatorRecords } from '../adapters/evaluation/records.js';
import { resolveContainmentSetting } from '../orchestrator/loop-start.js';
import type { CliIo } from './io.js';

/** Options of `autopilot eval`. */
export interface EvalOptions {
  target: string;
  vs?: string | undefined;
  episodes?: number | undefined;
  workspace: string;
  json?: boolean | undefined;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Runs `eval`; returns 0 when the evaluation finished (whatever its verdict), 1 when it failed. */
export async function evalCommand(o: EvalOptions, io: CliIo): Promise<number> {
  const paths = workspacePaths(o.workspace);
  assertWorkspace(paths);
  if (!existsSync(paths.events))
    throw new AutopilotError('no-log', `no event log at ${paths.events}`, { file: paths.events, hint: 'run autopilot loop first: eval judges the checkpoints its runs saved' });
  const lock = acquireLock(paths.lock, 'checkpoints are evaluated between sessions');
  const store = openSqliteStore(paths.events, catalogueCodec, { blobs: workspaceBlobs(paths) });
  try {
    const settings = loadSettings(paths);
    const containment = resolveContainmentSetting(settings.containment);
    const writer = new ProjectionWriter(paths.root);
    writer.catchUp(store);
    const view = writer.view;
    const session = [...view.sessions.keys()].at(-1);
    if (session === undefined) throw new AutopilotError('no-log', 'the log has no session, so no checkpoint to evaluate', { hint: 'run autopilot loop first' });
    const append = storeAppender(store);
    const record = (event: AutopilotEvent) => {
      writer.apply(append(event));
      // The head goes out to journal/anchor, as the loop's does at each journal step.
      const head = headOf(store);
      if (head && event.type !== 'EvaluationPlanned')
        anchorHead(
          anchorContext(
            paths.root,
            () => new Date(),
            (l) => io.err.write(`${prefixed(l)}\n`),
          ),
          head,
        );
    };
    const metadata = () => ({ session, at: new Date().toISOString() });
    const episodes = o.episodes ?? settings.evaluation.episodes;
    const plan = await planEvaluation({ root: paths.root, view, settings, specs: [o.target, ...(o.vs === undefined ? [] : [o.vs])], episodes });
    // Under the lock, an unended evaluation of this command is an earlier `eval` that died: ended (once this one is known
    // to be valid), before this one is recorded. The loop's own are its to resume.
    for (const line of await endDeadEvalCommands(paths.root, settings, view, record)) if (!o.json) printLine(line, io.out);
    const { planned } = plan;
    const id = planned.evaluationId;
    // Recorded before any evaluator starts: the log knows of every evaluation that ran.
    record({ type: 'EvaluationPlanned', data: planned, metadata: metadata() });
    const last = planned.seeds.first + planned.seeds.count - 1;
    if (!o.json) printLine(`evaluation ${id}: ${planned.targets.map((t) => `${t.spec} (${t.checkpoint})`).join(' vs ')} on held-out seeds ${planned.seeds.first}–${last}`, io.out);

    const results: DataOf<'EvaluationFinished'>['results'] = [];
    let stop: (() => void) | null = null;
    const onSignal = () => stop?.();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let outcome: TargetOutcome | null = null;
    try {
      for (const [i, t] of plan.targets.entries()) {
        outcome = await runTarget(t, {
          paths,
          settings,
          containment,
          evaluationId: id,
          index: i + 1,
          episodes,
          // With a Slurm launcher, each evaluator is a job of the log's last session (the one these events carry).
          cluster: evaluatorCluster(settings, paths.root, session),
          onHandle: (s) => (stop = s),
          ...evaluatorRecords(id, record, metadata),
        });
        if (!outcome.ok) break;
        results.push(outcome.result);
        if (!o.json) printLine(`  ${t.target.spec}: ${planned.metric} mean ${fmt(mean(outcome.result.samples))} over ${episodes} seeds (${fmt(outcome.result.durationMs / 1000)}s)`, io.out);
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    if (outcome && !outcome.ok) {
      record({ type: 'EvaluationFailed', data: { evaluationId: id, ...outcome.failure }, metadata: metadata() });
      if (o.json) printJson({ ok: false, evaluation: id, ...outcome.failure }, io.out);
      else {
        io.err.write(`${prefixed(`evaluation ${id} failed (${outcome.failure.target ?? ''}, ${outcome.failure.reason}): ${outcome.failure.message}`)}\n`);
        for (const l of outcome.failure.tail ?? []) printLine(`  | ${l}`, io.err);
      }
      return EXIT.failed;
    }
    const [a, b] = results;
    const paired =
      b && planned.bootstrapSeed !== null
        ? pairedBootstrap(a!.samples, b.samples, { direction: planned.direction, seed: planned.bootstrapSeed, resamples: settings.statistics.resamples, alpha: settings.statistics.alpha })
        : null;
    record({ type: 'EvaluationFinished', data: { evaluationId: id, results, paired }, metadata: metadata() });
    const [first, second] = planned.targets;
    if (o.json) printJson({ ok: true, evaluation: id, metric: planned.metric, seeds: planned.seeds, targets: planned.targets, results, paired }, io.out);
    else if (paired) printLine(pairedVerdictText(paired, first!.spec, second!.spec, planned.metric), io.out);
    return EXIT.ok;
  } finally {
    store.close();
    lock.release();
  }
}
