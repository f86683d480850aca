/**
 * What autopilot records of an environment or a command line keeps no secrets: values of
 * secret-looking names are replaced by `<redacted>` (by name), and secret-looking text anywhere —
 * credentials in a URL, a PEM private key, a token with a known prefix — is replaced wherever it
 * occurs (by value). Names the user lists in `secrets.record` are recorded as they are. Pure.
 */

/** What a redacted value (or part of one) is replaced by. */
export const REDACTED = '<redacted>';

/** Names whose values are secret whatever they hold: `WANDB_API_KEY`, `HF_AUTH`, `PASSWD`, `PRIVATE_KEY_PEM`… */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|PRIVATE/i;

/** Names whose values are addresses, secret when they carry credentials (`DATABASE_URL`, `SENTRY_DSN`). */
const ADDRESS_NAME = /(^|_)(URL|URI|DSN)$/i;

/** `scheme://userinfo@`: the userinfo (user and password, or a token) is the credential; it runs to the last `@` of the authority. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/** A query parameter with a secret-looking name: `?token=…`, `&X-Amz-Signature=…`, `&sig=…`. */
const SECRET_QUERY = /([?&;](?:[^\s=&#]*(?:key|token|secret|password|passwd|credential|auth|signature)[^\s=&#]*|sig|pwd)=)[^\s&#]+/gi;

/** `Authorization: Bearer …`: the token after the scheme. */
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/-]{12,}=*/g;

/** A PEM private key, to its END line (or to the end of the text when it was cut off). */
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z0-9 ]*-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY[A-Z0-9 ]*-----|$)/g;

/**
 * Tokens by their published prefixes (Anthropic, OpenAI, Stripe, GitHub, GitLab, Slack, Hugging
 * Face, AWS access keys, Google API keys, npm, JWTs), not inside a longer word.
 */
const TOKEN = new RegExp(
  `(?<![A-Za-z0-9])(?:${[
    'sk-ant-[A-Za-z0-9_-]{8,}',
    'sk-[A-Za-z0-9_-]{16,}',
    '[sr]k_(?:live|test)_[A-Za-z0-9]{16,}',
    'gh[pousr]_[A-Za-z0-9]{20,}',
    'github_pat_[A-Za-z0-9_]{20,}',
    'glpat-[A-Za-z0-9_-]{16,}',
    'xox[abposr]-[A-Za-z0-9-]{10,}',
    'hf_[A-Za-z0-9]{20,}',
    '(?:AKIA|ASIA)[0-9A-Z]{16}',
    'AIza[0-9A-Za-z_-]{30,}',
    'npm_[A-Za-z0-9]{30,}',
    'eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]+',
  ].join('|')})`,
  'g',
);

/** Names recorded verbatim although they look secret (`secrets.record` of autopilot.json). */
export type RecordedNames = ReadonlySet<string> | readonly string[];

function allowed(name: string, record: RecordedNames): boolean {
  return Array.isArray(record) ? record.includes(name) : (record as ReadonlySet<string>).has(name);
}

/** True for names like `WANDB_API_KEY`, `HF_TOKEN`, `DB_PASSWORD`, `MY_APIKEY`, `HF_AUTH`, `CREDENTIALS`. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** True for text holding credentials: a URL with a user or password, a secret query parameter, a private key or a known token. */
export function hasCredentials(text: string): boolean {
  return redactText(text) !== text;
}

/**
 * `text` with every secret-looking part replaced by `<redacted>`: the userinfo of a URL
 * (`postgres://<redacted>@db/x`), the value of a secret query parameter, a bearer token, a PEM
 * private key, a token with a known prefix (`ghp_…`, `sk-…`, `hf_…`, `AKIA…`…). Everything else is kept.
 */
export function redactText(text: string): string {
  return text
    .replace(PEM_PRIVATE_KEY, REDACTED)
    .replace(URL_USERINFO, (_m, scheme: string) => `${scheme}${REDACTED}@`)
    .replace(SECRET_QUERY, (_m, name: string) => `${name}${REDACTED}`)
    .replace(BEARER, (_m, scheme: string) => `${scheme}${REDACTED}`)
    .replace(TOKEN, REDACTED);
}

/** The value of `name` as recorded: `<redacted>` for a secret name or an address with credentials, else redacted by value. */
export function redactValue(name: string, value: string, record: RecordedNames = []): string {
  if (allowed(name, record)) return value;
  if (isSecretName(name)) return REDACTED;
  if (ADDRESS_NAME.test(name) && hasCredentials(value)) return REDACTED;
  return redactText(value);
}

/** A copy of `env` with secret values redacted by name and by value ({@link redactValue}); `record` names are kept as they are. */
export function redactEnv(env: Readonly<Record<string, string>>, record: RecordedNames = []): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, redactValue(k, v, record)]));
}

/** `--hf-token` → `HF_TOKEN`; null when `arg` is not a flag. */
function flagName(arg: string): string | null {
  const m = /^--?([A-Za-z][A-Za-z0-9_.-]*)$/.exec(arg);
  return m ? m[1]!.replace(/[-.]/g, '_').toUpperCase() : null;
}

/** The name of `--name=…` (as {@link flagName}) or of an environment assignment `NAME=…`; null otherwise. */
function assignedName(left: string): string | null {
  return flagName(left) ?? (/^[A-Za-z_][A-Za-z0-9_]*$/.test(left) ? left : null);
}

/**
 * A command line as recorded: every element redacted by value, and the value of a secret-looking
 * flag or assignment (`--api-key VALUE`, `--token=VALUE`, `HF_TOKEN=VALUE` as `env` takes it)
 * redacted by name unless `record` lists that name (`API_KEY` for `--api-key`).
 */
export function redactArgv(argv: readonly string[], record: RecordedNames = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? assignedName(arg.slice(0, eq)) : null;
    if (name !== null) {
      out.push(`${arg.slice(0, eq + 1)}${redactValue(name, arg.slice(eq + 1), record)}`);
      continue;
    }
    out.push(redactText(arg));
    const flag = flagName(arg);
    const next = argv[i + 1];
    if (flag !== null && next !== undefined && !next.startsWith('-') && isSecretName(flag) && !allowed(flag, record)) {
      out.push(REDACTED);
      i++;
    }
  }
  return out;
}
