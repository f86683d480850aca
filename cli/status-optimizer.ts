/** `autopilot status --optimizer`: per policy key, what the last proposals explored (see projections/optimizer.ts). */
import { fmt } from '../domain/numbers.js';
import { foldView } from '../projections/view.js';
import { optimizerDiagnostics, type KeyDiagnostics } from '../projections/optimizer.js';
import { loadPolicy } from '../orchestrator/workspace.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { guarded, openReader } from './open-store.js';

function describe(k: KeyDiagnostics): string {
  if (k.kind === 'constant') return 'one allowed value';
  if (k.proposals === 0) return 'not proposed yet';
  if (k.kind === 'categorical') return `${k.distinct} distinct; most common ${k.mode} (${fmt((k.modeShare ?? 0) * 100)}%)`;
  const spread = k.spread == null ? '-' : `${fmt(k.spread * 100)}% of the range`;
  return `${k.distinct} distinct in [${fmt(k.min!)}, ${fmt(k.max!)}]; median gap to the nearest other ${spread}${k.distinct <= 1 && k.proposals > 1 ? ' — frozen' : ''}`;
}

/** Runs `status --optimizer`; returns the exit code. */
export function statusOptimizerCommand(o: { workspace: string; json?: boolean }): number {
  return guarded(() => {
    const { paths, store } = openReader(o.workspace);
    const policy = loadPolicy(paths);
    let view;
    try {
      view = foldView(store ? store.readAll() : []);
    } finally {
      store?.close();
    }
    const d = optimizerDiagnostics(view, policy);
    if (o.json) {
      printJson({ workspace: paths.root, ...d });
      return 0;
    }
    printLine(`optimizer: the last ${d.runs.length} proposal run(s)${d.runs.length > 0 ? ` (${d.runs[0]}..${d.runs.at(-1)})` : ''}, per policy key`);
    const width = Math.max(...d.keys.map((k) => k.key.length), 3);
    for (const k of d.keys) printLine(`${k.key.padEnd(width)}  ${describe(k)}`);
    return 0;
  });
}
