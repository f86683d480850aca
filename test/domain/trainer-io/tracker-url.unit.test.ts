import { describe, expect, it } from 'vitest';
import { TRACKER_URL_MAX, trackerLinksOfLine, trackerOfRecordedUrl, trackerOfUrl } from '../../../domain/trainer-io/tracker-url.js';

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

describe('when reading tracker run addresses of self-hosted servers the settings name', () => {
  const LAB = 'https://wandb.mylab.org/team/drone/runs/ap0001r001a1c0ffee';
  const origins = { wandb: ['https://wandb.mylab.org', 'https://wandb.other.org:8443'], neptune: ['https://neptune.mylab.org'] };

  it('takes a W&B run on a configured origin, port included, and a Neptune run on its own', () => {
    expect(trackerLinksOfLine(`wandb: 🚀 View run at ${LAB}`, origins)).toEqual([{ tracker: 'wandb', url: LAB }]);
    expect(trackerOfUrl('https://wandb.other.org:8443/team/drone/runs/abc', origins)).toBe('wandb');
    expect(trackerOfUrl('https://neptune.mylab.org/ws/proj/e/PROJ-7', origins)).toBe('neptune');
    // Still W&B's cloud too.
    expect(trackerOfUrl('https://wandb.ai/a/b/runs/c', origins)).toBe('wandb');
  });

  it('refuses the same address when no origin is configured, and look-alike hosts, ports, schemes and paths', () => {
    expect(trackerLinksOfLine(`wandb: 🚀 View run at ${LAB}`)).toEqual([]);
    for (const url of [
      'https://wandb.mylab.org.evil.com/team/drone/runs/abc',
      'https://evil-wandb.mylab.org/team/drone/runs/abc',
      'https://wandb.mylab.org@evil.com/team/drone/runs/abc',
      'https://wandb.mylab.org:8443/team/drone/runs/abc',
      'https://wandb.other.org/team/drone/runs/abc',
      'https://wandb.other.org:84430/team/drone/runs/abc',
      'http://wandb.mylab.org/team/drone/runs/abc',
      'https://wandb.mylab.org/team/drone/runs/abc?x=1',
      'https://wandb.mylab.org/team/drone',
      'https://wandb.mylab.org/prefix/team/drone/runs/abc',
      // A W&B path on Neptune's server and the other way round.
      'https://neptune.mylab.org/team/drone/runs/abc',
      'https://wandb.mylab.org/ws/proj/e/PROJ-7',
    ])
      expect(trackerOfUrl(url, origins), url).toBeNull();
  });

  it('keeps the length cap on a configured origin', () => {
    expect(trackerOfUrl(`https://wandb.mylab.org/a/b/runs/${'x'.repeat(TRACKER_URL_MAX)}`, origins)).toBeNull();
  });

  it('takes back, as recorded, a run path on any plain https origin, but nothing else', () => {
    expect(trackerOfRecordedUrl(LAB)).toBe('wandb');
    expect(trackerOfRecordedUrl('https://neptune.mylab.org:8443/ws/proj/e/PROJ-7')).toBe('neptune');
    for (const url of [
      'http://wandb.mylab.org/a/b/runs/c',
      'https://u:p@wandb.mylab.org/a/b/runs/c',
      'https://Wandb.MyLab.org/a/b/runs/c',
      'https://wandb.mylab.org:99999/a/b/runs/c',
      'https://wandb.mylab.org/a/b/runs/c#x',
      'javascript:alert(1)',
    ])
      expect(trackerOfRecordedUrl(url), url).toBeNull();
  });
});
