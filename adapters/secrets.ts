/** Environment variables whose names look secret are never written to the log or the projections. */

const SECRET_NAME = /(_KEY$|TOKEN|SECRET|PASSWORD)/i;

/** True for names like `WANDB_API_KEY`, `HF_TOKEN`, `DB_PASSWORD`, `CLIENT_SECRET`. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A copy of `env` with the values of secret-looking names replaced by `<redacted>`. */
export function redactSecrets(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, isSecretName(k) ? '<redacted>' : v]));
}
