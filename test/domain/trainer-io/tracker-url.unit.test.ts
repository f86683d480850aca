import { describe, expect, it } from 'vitest';
import { TRACKER_URL_MAX, trackerLinksOfLine, trackerOfUrl } from '../../../domain/trainer-io/tracker-url.js';

const WANDB = 'https://wandb.ai/my-team/drone/runs/ap0001r001a1c0ffee12';
const NEPTUNE = 'https://app.neptune.ai/pufferai/ablations/e/ABL-123';

describe('when reading tracker run addresses from trainer output', () => {
  it("takes W&B's header and footer lines (wandb/sdk/wandb_run.py), colours and all", () => {
    expect(trackerLinksOfLine(`wandb: 🚀 View run at ${WANDB}`)).toEqual([{ tracker: 'wandb', url: WANDB }]);
    expect(trackerLinksOfLine(`\x1b[34m\x1b[1mwandb\x1b[0m: 🚀 View run \x1b[33m001\x1b[0m at: \x1b[34m\x1b[4m${WANDB}\x1b[0m`)).toEqual([{ tracker: 'wandb', url: WANDB }]);
  });

  it("takes Neptune's `Open in the app` line (neptune-client 1.x)", () => {
    expect(trackerLinksOfLine(`[neptune] [info   ] Neptune initialized. Open in the app: ${NEPTUNE}`)).toEqual([{ tracker: 'neptune', url: NEPTUNE }]);
  });

  it('leaves out the project page, other hosts, plain http, queries and credentials', () => {
    for (const line of [
      'wandb: ⭐️ View project at https://wandb.ai/my-team/drone',
      'see https://evil.example/my-team/drone/runs/abc',
      'see https://wandb.ai.evil.example/a/b/runs/c',
      'see http://wandb.ai/a/b/runs/c',
      'see https://wandb.ai/a/b/runs/c?token=sekrit',
      'see https://user:pw@wandb.ai/a/b/runs/c',
      'see https://app.neptune.ai/a/b/e/abc',
    ])
      expect(trackerLinksOfLine(line), line).toEqual([]);
  });

  it('drops the punctuation that ends a sentence, and an address longer than the cap', () => {
    expect(trackerLinksOfLine(`(run: ${WANDB}).`)).toEqual([{ tracker: 'wandb', url: WANDB }]);
    const long = `https://wandb.ai/a/b/runs/${'x'.repeat(TRACKER_URL_MAX)}`;
    expect(trackerOfUrl(long)).toBeNull();
    expect(trackerLinksOfLine(`wandb: View run at ${long}`)).toEqual([]);
  });

  it('takes a dedicated W&B cloud and a Neptune instance', () => {
    expect(trackerOfUrl('https://acme.wandb.io/team/proj/runs/abc')).toBe('wandb');
    expect(trackerOfUrl('https://acme.neptune.ai/ws/proj/e/PROJ-7')).toBe('neptune');
  });
});
