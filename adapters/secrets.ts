/**
 * Secrets are never written to the log or the projections. The rules live in domain/text/secrets.ts
 * (pure); this module keeps the adapters' import path.
 */
export { hasCredentials, isSecretName, REDACTED, redactArgv, redactEnv, redactText, redactValue, type RecordedNames } from '../domain/text/secrets.js';
import { redactEnv, type RecordedNames } from '../domain/text/secrets.js';

/** A copy of `env` with secret values redacted by name and by value (see `redactEnv`). */
export function redactSecrets(env: Record<string, string>, record: RecordedNames = []): Record<string, string> {
  return redactEnv(env, record);
}
