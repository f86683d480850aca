import { describe, expect, it } from 'vitest';
import { trackerLine, trackerOfAuditText } from '../../../projections/audit/tracker-line.js';

describe("when the inspector reads the audit's tracker line back", () => {
  it('finds the tracker run the audit names', () => {
    const url = 'https://wandb.ai/team/drone/runs/ap0001r001a1abc';
    expect(trackerOfAuditText(`Audit of run 001\n  incumbent:  unchanged\n${trackerLine(url)}\n\nTraining`)).toEqual({ tracker: 'wandb', url });
  });

  it('links nothing the audit does not name as its tracker, nor an address that is not a tracker run', () => {
    expect(trackerOfAuditText('Audit of run 001\n  incumbent:  unchanged\n')).toBeNull();
    expect(trackerOfAuditText(`Audit\n${trackerLine('javascript:alert(1)')}\n`)).toBeNull();
    expect(trackerOfAuditText(`Audit\n${trackerLine('https://evil.example/a/b/c')}\n`)).toBeNull();
    expect(trackerOfAuditText(`Audit\n${trackerLine('http://wandb.mylab.org/a/b/runs/c')}\n`)).toBeNull();
    expect(trackerOfAuditText(`Audit\n${trackerLine('https://user:pw@wandb.mylab.org/a/b/runs/c')}\n`)).toBeNull();
    // A step's detail saying "tracker:" further in is not the summary line, even at the summary's indent.
    expect(trackerOfAuditText('Audit\n      tracker: https://wandb.ai/a/b/runs/c\n')).toBeNull();
    expect(trackerOfAuditText(`Audit of run 001\n  incumbent:  unchanged\n\nTraining\n${trackerLine('https://wandb.ai/a/b/runs/c')}\n`)).toBeNull();
  });

  it('links a self-hosted server’s run as the log recorded it (the settings were asked when it was)', () => {
    const wandb = 'https://wandb.mylab.org:8443/team/drone/runs/ap0001r001a1abc';
    expect(trackerOfAuditText(`Audit of run 001\n${trackerLine(wandb)}\n`)).toEqual({ tracker: 'wandb', url: wandb });
    const neptune = 'https://neptune.mylab.org/lab/drone/e/DRON-12';
    expect(trackerOfAuditText(`Audit of run 001\n${trackerLine(neptune)}\n`)).toEqual({ tracker: 'neptune', url: neptune });
  });
});
