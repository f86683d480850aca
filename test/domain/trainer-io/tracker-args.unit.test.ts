import { describe, expect, it } from 'vitest';
import { trackerArgs, trackerEnv, trackerRunId, TRACKER_RUN_ID_MAX } from '../../../domain/trainer-io/tracker-args.js';

const place = { session: '0003', runId: '012', attempt: 2 };
const DIGEST = 'c0ffee0123456789abcdef';

describe("when rendering a tracker's flags and environment", () => {
  it('gives no flag and no variable without a tracker', () => {
    expect(trackerArgs({}, place)).toEqual([]);
    expect(trackerEnv({}, place, 'id')).toEqual({});
  });

  it("gives W&B PufferLib's flags (session as group, run as tag) and the standard variables", () => {
    const trackers = { wandb: { project: 'drone', entity: 'team', job_type: 'train' } };
    expect(trackerArgs(trackers, place)).toEqual(['--wandb', '--wandb-project', 'drone', '--wandb-group', '0003', '--tag', '012']);
    expect(trackerEnv(trackers, place, 'theid')).toEqual({
      WANDB_PROJECT: 'drone',
      WANDB_ENTITY: 'team',
      WANDB_RUN_GROUP: '0003',
      WANDB_NAME: '012-attempt-2',
      WANDB_TAGS: '012',
      WANDB_JOB_TYPE: 'train',
      WANDB_RUN_ID: 'theid',
      WANDB_RESUME: 'allow',
    });
  });

  it('gives W&B a self-hosted server as WANDB_BASE_URL, and Neptune nothing for one (its token names its server)', () => {
    expect(trackerEnv({ wandb: { project: 'drone', job_type: 'train', base_url: 'https://wandb.mylab.org:8443' } }, place, 'theid')).toMatchObject({
      WANDB_BASE_URL: 'https://wandb.mylab.org:8443',
    });
    expect(trackerEnv({ wandb: { project: 'drone', job_type: 'train' } }, place, 'theid')).not.toHaveProperty('WANDB_BASE_URL');
    expect(trackerEnv({ neptune: { workspace: 'pufferai', project: 'ablations', app_url: 'https://neptune.mylab.org' } }, place, 'theid')).toEqual({
      NEPTUNE_PROJECT: 'pufferai/ablations',
      NEPTUNE_CUSTOM_RUN_ID: 'theid',
    });
  });

  it('gives Neptune the workspace as --neptune-name (PufferLib opens NAME/PROJECT) and the custom run id', () => {
    const trackers = { neptune: { workspace: 'pufferai', project: 'ablations' } };
    expect(trackerArgs(trackers, place)).toEqual(['--neptune', '--neptune-name', 'pufferai', '--neptune-project', 'ablations', '--tag', '012']);
    expect(trackerEnv(trackers, place, 'theid')).toEqual({ NEPTUNE_PROJECT: 'pufferai/ablations', NEPTUNE_CUSTOM_RUN_ID: 'theid' });
  });

  it('makes one id per attempt, of lower-case letters and digits, within both trackers\u2019 limits', () => {
    const id = trackerRunId(place, DIGEST);
    expect(id).toBe(trackerRunId({ ...place }, DIGEST));
    expect(id).toMatch(/^ap0003r012a2[0-9a-f]+$/);
    expect(id.length).toBeLessThanOrEqual(TRACKER_RUN_ID_MAX);
    expect(trackerRunId({ ...place, attempt: 3 }, DIGEST)).not.toBe(id);
    const long = trackerRunId({ session: 'S-'.repeat(40), runId: '9'.repeat(30), attempt: 10 }, DIGEST);
    expect(long).toMatch(/^[a-z0-9]+$/);
    expect(long.length).toBe(TRACKER_RUN_ID_MAX);
    expect(long.endsWith(DIGEST.slice(0, 8))).toBe(true);
  });
});
