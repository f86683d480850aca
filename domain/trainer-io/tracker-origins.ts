/**
 * The self-hosted tracker servers whose run links are recorded, from the settings alone: the same
 * log gives the same record whichever orchestrator process reads it. Pure.
 *
 * W&B: `trackers.wandb.base_url`, else a `WANDB_BASE_URL` in `trainer.env` that is an https origin
 * (what the trainer is told; the former wins, as the trackers' variables override `trainer.env`'s).
 * A `WANDB_BASE_URL` only inherited from the orchestrator's environment is not trusted: it is in no
 * setting the session records, and an address nobody configured could be anyone's. The client prints
 * run links on its app address, which `app_url` in wandb's `wandb/util.py` derives from the base URL:
 * `https://api.wandb.X` → `https://wandb.X`, another `https://api.X` → `https://app.X`, else the base
 * URL itself (`WANDB_APP_URL`, which overrides that, is not read here).
 *
 * Neptune: `trackers.neptune.app_url` only. neptune-client 1.x (branch dev/1.x, commit
 * ff02c0aec44a490f6c7cb9daf61dfe09d1c54939) prints `Open in the app: {display_url}/{workspace}/{project}/e/{sys_id}`
 * (`get_run_url` in src/neptune/internal/backends/hosted_neptune_backend.py), `display_url` being the
 * server's `applicationUrl` (`ClientConfig` in api_model.py), a server reached through the API token's
 * `api_address` (credentials.py): no variable names the host, so nothing is passed to the trainer.
 */
import { httpsOrigin } from '../config/trackers.js';
import type { Settings } from '../config/settings.js';
import type { TrackerOrigins } from './tracker-url.js';

/** The app origin the W&B client prints run links on, for its base URL `base` (an https origin). */
export function wandbAppOrigin(base: string): string {
  if (base.startsWith('https://api.wandb.')) return base.replace('://api.', '://');
  if (base.startsWith('https://api.')) return base.replace('://api.', '://app.');
  return base;
}

/** The self-hosted origins the settings name, for {@link trackerLinksOfLine}. */
export function trackerOriginsOf(settings: Pick<Settings, 'trackers' | 'trainer'>): TrackerOrigins {
  const envBase = settings.trainer.env['WANDB_BASE_URL'];
  const wandbBase = settings.trackers.wandb?.base_url ?? (envBase === undefined ? null : httpsOrigin(envBase));
  const neptune = settings.trackers.neptune?.app_url;
  return {
    ...(wandbBase ? { wandb: [...new Set([wandbBase, wandbAppOrigin(wandbBase)])] } : {}),
    ...(neptune ? { neptune: [neptune] } : {}),
  };
}
