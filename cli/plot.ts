/**
 * `autopilot plot`: the optimizer-progress chart and the runs' learning curves as SVG (or PNG) files,
 * for reading without a browser. The log is read read-only, so it is safe while a loop runs. The
 * files are not projections: `rebuild` neither renders nor removes them, and the run-folder check
 * leaves `learning_curve.*` out (adapters/actors/run-folder-after.ts).
 */
import { join } from 'node:path';
import { writeConfined, type UnsafeEntry } from '../adapters/fs/confined.js';
import { svgToPng } from '../adapters/png.js';
import { AutopilotError, EXIT, prefixed, UsageError } from '../domain/errors.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { curveSvg } from '../projections/plot/curves.js';
import { emptyPlotLog, foldForPlots } from '../projections/plot/fold.js';
import { PROGRESS_PLOT, learningCurveFile } from '../projections/plot/files.js';
import { progressSvg, type PlotOptions } from '../projections/plot/progress.js';
import { DEFAULT_WIDTH } from '../projections/plot/svg.js';
import { emptyView } from '../projections/view.js';
import type { CliIo } from './io.js';
import { openReader } from './open-store.js';

/** The plot formats. */
export const PLOT_FORMATS = ['svg', 'png'] as const;
/** A plot format. */
export type PlotFormat = (typeof PLOT_FORMATS)[number];

/** The options of `plot`. */
export interface PlotCommandOptions {
  workspace: string;
  format?: PlotFormat;
  run?: string;
  logY?: boolean;
  width?: number;
  json?: boolean;
}

const MIN_WIDTH = 320;
const MAX_WIDTH = 8000;

/** Runs `plot`; returns the exit code. */
export async function plotCommand(o: PlotCommandOptions, io: CliIo): Promise<number> {
  const format = o.format ?? 'svg';
  const width = o.width ?? DEFAULT_WIDTH;
  if (width < MIN_WIDTH || width > MAX_WIDTH) throw new UsageError(`--width must be from ${MIN_WIDTH} to ${MAX_WIDTH} pixels, got ${width}`);
  const { paths, store } = openReader(o.workspace);
  let folded = { view: emptyView(), log: emptyPlotLog() };
  if (store)
    try {
      folded = foldForPlots(store.readAll());
    } finally {
      store.close();
    }
  const { view, log } = folded;
  if (o.run !== undefined && !view.runs.has(o.run)) throw new AutopilotError('not-found', `run ${o.run} is not in the log`, { hint: 'autopilot status lists the runs' });
  const opts: PlotOptions = { width, ...(o.logY ? { logY: true } : {}) };
  const plots: { rel: string; svg: string }[] = [{ rel: `${PROGRESS_PLOT}.${format}`, svg: progressSvg(view, log, opts) }];
  const runs = o.run !== undefined ? [o.run] : [...log.progress.keys()];
  for (const runId of runs) plots.push({ rel: `${learningCurveFile(runId)}.${format}`, svg: curveSvg(view, runId, log.progress.get(runId) ?? [], opts) });
  const written: string[] = [];
  const unsafe: UnsafeEntry[] = [];
  for (const p of plots) {
    const data = format === 'png' ? await svgToPng(p.svg, width) : p.svg;
    // Through a temp file and a rename, never through a link planted at the path or on the way to it.
    const removed = writeConfined(paths.root, join(paths.root, p.rel), data);
    unsafe.push(...removed);
    for (const u of removed) io.err.write(`${prefixed(`${u.path} was a ${u.kind}${u.target !== undefined ? ` (-> ${u.target})` : ''} where a plot goes; removed, not followed`)}\n`);
    written.push(p.rel);
  }
  if (o.json) printJson({ format, width, written, unsafe }, io.out);
  else for (const rel of written) printLine(`wrote ${rel}`, io.out);
  return EXIT.ok;
}
