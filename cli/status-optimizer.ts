/** `autopilot status --optimizer`: per policy key, what the last proposals explored (see projections/optimizer.ts). */
import { fmt } from '../domain/text/numbers.js';
import { foldView } from '../projections/view.js';
import { optimizerDiagnostics, type KeyDiagnostics } from '../projections/optimizer.js';
import { loadPolicy, loadSettings } from '../adapters/workspace.js';
import { observationsOf } from '../adapters/proposers/tpe.js';
import { defaultGamma, TPE_DEFAULTS } from '../domain/proposers/tpe.js';
import { goodKernels, type KeyKernels } from '../domain/proposers/tpe/kernels.js';
import { ordinal } from '../domain/proposers/tpe/explain.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { openReader } from './open-store.js';
import type { CliIo } from './io.js';
import { EXIT } from '../domain/errors.js';

/** The model's kernels for a key: how wide the good runs' kernels are, against the floor they keep. */
function kernelText(k: KeyKernels | undefined): string {
  if (k === undefined) return '';
  if (k.kind === 'categorical') return `; kernels put ${fmt(k.median * 100)}% (median) on other choices`;
  return `; kernel width ${fmt(k.median * 100)}% of the range (median, narrowest ${fmt(k.min * 100)}%, floor ${fmt((k.floor ?? 0) * 100)}%)`;
}

function describe(k: KeyDiagnostics): string {
  if (k.kind === 'constant') return 'one allowed value';
  if (k.proposals === 0) return 'not proposed yet';
  if (k.kind === 'categorical') return `${k.distinct} distinct; most common ${k.mode} (${fmt((k.modeShare ?? 0) * 100)}%)`;
  const spread = k.spread == null ? '-' : `${fmt(k.spread * 100)}% of the range`;
  return `${k.distinct} distinct in [${fmt(k.min!)}, ${fmt(k.max!)}]; median gap to the nearest other ${spread}${k.distinct <= 1 && k.proposals > 1 ? ' — frozen' : ''}`;
}

/** Runs `status --optimizer`; returns the exit code. */
export function statusOptimizerCommand(o: { workspace: string; json?: boolean }, io: CliIo): number {
  const { paths, store } = openReader(o.workspace);
  const policy = loadPolicy(paths);
  let view;
  try {
    view = foldView(store ? store.readAll() : []);
  } finally {
    store?.close();
  }
  const d = optimizerDiagnostics(view, policy);
  const settings = loadSettings(paths);
  const history = observationsOf(view, Object.keys(policy.keys), settings.metric.name, '');
  const kernels = goodKernels(policy, history, { direction: settings.metric.direction, startupTrials: TPE_DEFAULTS.startupTrials, gamma: defaultGamma });
  if (o.json) {
    printJson({ workspace: paths.root, ...d, kernels }, io.out);
    return EXIT.ok;
  }
  printLine(`optimizer: the last ${d.runs.length} proposal run(s)${d.runs.length > 0 ? ` (${d.runs[0]}..${d.runs.at(-1)})` : ''}, per policy key`, io.out);
  const width = Math.max(...d.keys.map((k) => k.key.length), 3);
  for (const k of d.keys) printLine(`${k.key.padEnd(width)}  ${describe(k)}${kernelText(kernels?.find((x) => x.key === k.key))}`, io.out);
  printLine(
    kernels === null
      ? `model: not fitted yet (fewer than ${TPE_DEFAULTS.startupTrials} scored configs)`
      : `model: nearest-run kernels of the good runs, as exploit steps fit them; the first ${TPE_DEFAULTS.broadSteps} model proposals use Optuna's wide kernels instead, and after ${TPE_DEFAULTS.patience} without a better run every ${ordinal(TPE_DEFAULTS.jumpEvery)} proposal jumps (keys of a good run redrawn from the prior), the others use the wide kernels`,
    io.out,
  );
  return EXIT.ok;
}
