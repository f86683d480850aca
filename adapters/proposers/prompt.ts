/** Renders the workspace's prompt template (proposer.prompt) from the log for one proposal attempt. */
import { join } from 'node:path';
import { readUserText } from '../fs/user-files.js';
import { renderPrompt } from '../../projections/prompt.js';
import type { LoopDeps } from '../actors/deps.js';
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
    return { template, text };
  } catch (e) {
    throw new Error(`the prompt template ${template} could not be rendered: ${(e as Error).message}`);
  }
}
