/** Renders the workspace's prompt template (proposer.prompt) from the log for one proposal attempt. */
import { join } from 'node:path';
import { readUserText } from '../fs/user-files.js';
import { renderPrompt } from '../../projections/prompt.js';
import type { LoopDeps } from '../actors/deps.js';
import type { InFlightRun } from '../actors/in-flight.js';
import type { ProposerRequest } from './agent-run.js';

/** The rendered prompt and the template it came from (relative to the workspace). */
export interface RenderedPrompt {
  template: string;
  text: string;
}

/** Renders the prompt for `req`; throws with a message naming the template when it is missing or bad. */
export function promptFor(deps: LoopDeps, req: ProposerRequest, mcp: boolean): RenderedPrompt {
  const template = deps.settings.proposer.prompt;
  const file = join(deps.paths.root, template);
  const source = readUserText(deps.paths.root, file, `the prompt template ${template} (proposer.prompt in autopilot.json)`);
  try {
    const text = renderPrompt(
      source,
      {
        view: deps.history(),
        policy: deps.policy,
        settings: deps.settings,
        runId: req.runId,
        attempt: req.attempt,
        previousErrors: req.previousErrors,
        ...(req.previousOmitted ? { previousOmitted: req.previousOmitted } : {}),
        mcp,
        workspace: deps.paths.root,
      },
      template,
    );
    return { template, text: req.inFlight?.length ? `${text}${inFlightSection(req.inFlight)}` : text };
  } catch (e) {
    throw new Error(`the prompt template ${template} could not be rendered: ${(e as Error).message}`);
  }
}

/** What the prompt says of the runs in flight: their results are not known yet, so a proposal should not repeat them. */
export function inFlightSection(runs: readonly InFlightRun[]): string {
  const lines = runs.map(
    (r) =>
      `- run ${r.runId} (${r.kind}): ${
        Object.entries(r.overrides)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(', ') || '(the incumbent config)'
      }`,
  );
  return `\n\n## Runs in flight\n\nThese runs are training or being judged now; their results are not known yet. Propose a config that adds to them rather than repeating one:\n\n${lines.join('\n')}\n`;
}
