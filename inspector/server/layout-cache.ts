/**
 * The statechart's layout as the server has it: the one the build stored (`dist/inspector/
 * statechart-layout.json`) when it was made from the graph walked now; else one laid out once in a
 * worker thread (ELK would block the server's thread for about a second) and kept in memory.
 * Until the worker is done the layout is null, and the page draws the graph without positions.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PROJECT_ROOT } from '../../adapters/workspace.js';
import type { StatechartGraph, StatechartLayout } from '../api.js';
import { LAYOUT_FILE, readLayoutFile, statechartHash } from '../layout.js';

/** The compiled worker script (the server runs from `dist/`; tests too spawn what the build made). */
export const LAYOUT_WORKER = join(PROJECT_ROOT, 'dist', 'inspector', 'layout-worker.js');

/** Where the stored layout and the worker are (tests point them elsewhere). */
export interface LayoutPlaces {
  file?: string;
  worker?: string;
}

/** The layout of one graph: stored, being computed, computed, or failed (then never tried again). */
export class LayoutCache {
  private layout: StatechartLayout | null;
  private computing: Promise<StatechartLayout | null> | null = null;
  /** Whether the layout came from the build's file (false: the worker made it, or is making it). */
  readonly stored: boolean;
  /** Why the worker made no layout, or null. */
  problem: string | null = null;

  constructor(
    readonly graph: StatechartGraph,
    private readonly places: LayoutPlaces = {},
  ) {
    this.layout = readLayoutFile(places.file ?? LAYOUT_FILE, statechartHash(graph));
    this.stored = this.layout !== null;
  }

  /** The layout now (null while the worker computes it, or when it failed); starts the worker once if needed. */
  current(): StatechartLayout | null {
    if (this.layout === null && this.computing === null) this.computing = this.compute();
    return this.layout;
  }

  /** The layout once it is known (null: the worker failed). */
  ready(): Promise<StatechartLayout | null> {
    this.current();
    return this.computing ?? Promise.resolve(this.layout);
  }

  private compute(): Promise<StatechartLayout | null> {
    return new Promise((resolve) => {
      const worker = new Worker(this.places.worker ?? LAYOUT_WORKER, { workerData: this.graph });
      // A server that stops while the worker runs need not wait for it.
      worker.unref();
      worker.once('message', (layout: StatechartLayout) => {
        this.layout = layout;
        resolve(layout);
      });
      worker.once('error', (error) => {
        this.problem = `the statechart's layout failed: ${error.message}`;
        resolve(null);
      });
      worker.once('exit', (code) => {
        if (this.layout === null && this.problem === null) this.problem = `the statechart's layout worker exited with code ${code} and no layout`;
        resolve(this.layout);
      });
    });
  }
}
