/** The Slurm launcher's reads against the real one-node Slurm (which keeps no accounting, as many clusters). */
import { beforeAll, describe, expect, it } from 'vitest';
import { SlurmSettingsSchema } from '../../../../domain/config/launcher-settings.js';
import { slurmLauncher } from '../../../../adapters/launcher/slurm/launcher.js';
import { requireSlurm } from '../../../support/slurm.js';

beforeAll(() => requireSlurm());

describe('the Slurm launcher on a cluster without accounting', () => {
  it('says nothing of a job the controller does not know, without calling sacct (which fails here)', async () => {
    await expect(slurmLauncher(SlurmSettingsSchema.parse({})).end('999999')).resolves.toBeNull();
  });
});
