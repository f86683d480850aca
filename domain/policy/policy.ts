/**
 * The policy (`policy.json`): which config keys a proposer may change, with
 * their types, safe ranges, choices and search distributions; the derived rules
 * that normalize a merged config; and the files an agent may touch.
 */
import { z } from 'zod';
import { assertNever } from '../assert-never.js';
import { isPlainObject, isSafeDottedKey } from '../config/path.js';
import { AutopilotError } from '../errors.js';

const SAFE_KEY_HINT = 'a dotted path of segments matching [A-Za-z_][A-Za-z0-9_]* (not __proto__, constructor or prototype)';

/** Builds a strict object whose "unknown field" message lists the allowed fields. */
function strict<const Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}: allowed fields are ${allowed}` : undefined),
  });
}

const DottedKey = z.string().refine(isSafeDottedKey, { error: `must be ${SAFE_KEY_HINT}` });

/**
 * `optional: true` declares a key that the baselines may leave out (the trainer has a default for
 * it, and a proposal that sets it adds the flag). Without it, a policy key missing from the
 * baseline of the mode a session uses is a preflight problem: most often a misspelling, whose flag
 * the trainer would silently ignore.
 */
const Optional = z
  .boolean()
  .describe('true: the baselines may leave this key out (the trainer has its own default); otherwise autopilot check and loop refuse a key missing from the baseline')
  .optional();

const ScalarSchema = z.union([z.number(), z.string(), z.boolean()], {
  error: 'must be a finite number, a string or a boolean',
});

/** Checks shared by number and integer specs: min ≤ max, mean inside, scale > 0. */
function checkRange(spec: { min: number; max: number; mean?: number | undefined; scale?: number | undefined }, ctx: z.core.$RefinementCtx): void {
  if (spec.min > spec.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min (${spec.min}) must be <= max (${spec.max})` });
  if (spec.mean !== undefined && (spec.mean < spec.min || spec.mean > spec.max)) {
    ctx.addIssue({ code: 'custom', path: ['mean'], message: `mean (${spec.mean}) must lie in [min, max] = [${spec.min}, ${spec.max}]` });
  }
  if (spec.scale !== undefined && !(spec.scale > 0)) {
    ctx.addIssue({ code: 'custom', path: ['scale'], message: `scale (${spec.scale}) must be > 0` });
  }
}

/** The fields of a number or integer key: `bound` types min and max, `distributions` are the search distributions it may use. */
function rangeKey<const T extends 'number' | 'integer', B extends z.ZodType<number>, const D extends readonly [string, ...string[]]>(type: T, bound: B, distributions: D) {
  return strict({
    type: z.literal(type),
    min: bound,
    max: bound,
    distribution: z.enum(distributions).optional(),
    mean: z.number().optional(),
    scale: z.number().optional(),
    description: z.string().optional(),
    optional: Optional,
  });
}

/** A real-valued key. `log_normal` needs min > 0; `logit_normal` needs 0 <= min and max < 1. */
export const NumberKeySchema = rangeKey('number', z.number(), ['uniform', 'log_normal', 'logit_normal']).superRefine((spec, ctx) => {
  checkRange(spec, ctx);
  if (spec.distribution === 'log_normal' && !(spec.min > 0)) {
    ctx.addIssue({ code: 'custom', path: ['distribution'], message: `log_normal needs min > 0 (min is ${spec.min})` });
  }
  if (spec.distribution === 'logit_normal' && !(spec.min >= 0 && spec.max < 1)) {
    ctx.addIssue({
      code: 'custom',
      path: ['distribution'],
      message: `logit_normal needs 0 <= min and max < 1 (range is [${spec.min}, ${spec.max}])`,
    });
  }
});

/** An integer key. `uniform_pow2` needs min and max to be powers of two; `log_normal` needs min >= 1. */
export const IntegerKeySchema = rangeKey('integer', z.int(), ['int_uniform', 'uniform_pow2', 'log_normal']).superRefine((spec, ctx) => {
  checkRange(spec, ctx);
  if (spec.distribution === 'log_normal' && !(spec.min >= 1)) {
    ctx.addIssue({ code: 'custom', path: ['distribution'], message: `log_normal needs min >= 1 (min is ${spec.min})` });
  }
  if (spec.distribution === 'uniform_pow2') {
    for (const bound of ['min', 'max'] as const) {
      if (isPowerOfTwo(spec[bound])) continue;
      ctx.addIssue({
        code: 'custom',
        path: [bound],
        message: `uniform_pow2 needs ${bound} to be a power of two (1, 2, 4, …); ${spec[bound]} is not${nearestPowers(spec[bound])}`,
      });
    }
  }
});

/** A boolean key. */
export const BooleanKeySchema = strict({
  type: z.literal('boolean'),
  description: z.string().optional(),
  optional: Optional,
});

/** A key restricted to a list of distinct scalar choices. */
export const EnumKeySchema = strict({
  type: z.literal('enum'),
  choices: z.array(ScalarSchema).min(1, { error: 'must list at least one choice' }),
  description: z.string().optional(),
  optional: Optional,
}).superRefine((spec, ctx) => {
  const seen = new Set<unknown>();
  spec.choices.forEach((choice, i) => {
    if (seen.has(choice)) ctx.addIssue({ code: 'custom', path: ['choices', i], message: `duplicate choice ${JSON.stringify(choice)}` });
    seen.add(choice);
  });
});

/** What a policy key may hold, discriminated on `type`. */
export const KeySpecSchema = z.discriminatedUnion('type', [NumberKeySchema, IntegerKeySchema, BooleanKeySchema, EnumKeySchema], {
  error: (issue) => (issue.code === 'invalid_union' ? 'type must be one of "number", "integer", "boolean", "enum"' : undefined),
});

/** Round `key` up to a multiple of the value of key `of`. */
const MultipleOfRule = strict({ rule: z.literal('multiple_of'), key: DottedKey, of: DottedKey, description: z.string().optional() });
/** Set `key` to the value of key `to`. */
const EqualRule = strict({ rule: z.literal('equal'), key: DottedKey, to: DottedKey, description: z.string().optional() });
/** Lower `key` to the value of key `than` when it is greater. */
const LteRule = strict({ rule: z.literal('lte'), key: DottedKey, than: DottedKey, description: z.string().optional() });
/** Raise `key` to the value of key `than` when it is smaller. */
const GteRule = strict({ rule: z.literal('gte'), key: DottedKey, than: DottedKey, description: z.string().optional() });
/** Set `key` to the product of the values of the keys in `of`. */
const ProductRule = strict({
  rule: z.literal('product'),
  key: DottedKey,
  of: z.array(DottedKey).min(1, { error: 'must list at least one key' }),
  description: z.string().optional(),
});

/** A derived rule, discriminated on `rule`; applied in order after merging. */
export const RuleSchema = z.discriminatedUnion('rule', [MultipleOfRule, EqualRule, LteRule, GteRule, ProductRule], {
  error: (issue) => (issue.code === 'invalid_union' ? 'rule must be one of "multiple_of", "equal", "lte", "gte", "product"' : undefined),
});

const AllowedPath = z.string().refine(isSafeRelativePath, {
  error: 'must be a non-empty relative path inside the workspace (no leading /, no .. segments, no backslashes or NUL)',
});

/** The whole policy file. */
export const PolicySchema = strict({
  version: z.literal(1),
  keys: z.record(DottedKey, KeySpecSchema),
  rules: z.array(RuleSchema).optional(),
  allowed_paths: z.array(AllowedPath).optional(),
  /** Editor support: the JSON Schema this file follows (see `autopilot policy schema`); ignored by autopilot. */
  $schema: z.string().optional(),
});

/** A parsed, checked policy. */
export type Policy = z.infer<typeof PolicySchema>;
/** What a single policy key may hold. */
export type KeySpec = z.infer<typeof KeySpecSchema>;
/** A derived rule. */
export type Rule = z.infer<typeof RuleSchema>;

/** Thrown by {@link parsePolicy}; `issues` holds one line per problem. */
export class PolicyError extends AutopilotError {
  override readonly name = 'PolicyError';
  constructor(readonly issues: readonly string[]) {
    super('policy-invalid', `invalid policy (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `- ${i}`).join('\n')}`);
  }
}

/**
 * Parses and checks a policy. Throws {@link PolicyError} listing every problem
 * (path and what is allowed): shape and types, min <= max, distributions that
 * fit their ranges, safe dotted keys, keys that are not prefixes of other keys,
 * rules that do not refer to their own key.
 */
export function parsePolicy(raw: unknown): Policy {
  const parsed = PolicySchema.safeParse(raw);
  // Zod silently drops a `__proto__` record key, so bad key names are checked here, on the raw input.
  const keyIssues = badKeys(raw);
  if (!parsed.success || keyIssues.length > 0) {
    const zodIssues = parsed.success ? [] : parsed.error.issues.filter((issue) => issue.code !== 'invalid_key');
    throw new PolicyError([...zodIssues.map(describeIssue), ...keyIssues]);
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new PolicyError(problems);
  return parsed.data;
}

/** Checks that span several keys or rules. */
function crossCheck(policy: Policy): string[] {
  const problems: string[] = [];
  const keys = Object.keys(policy.keys).sort();
  for (const key of keys) {
    const nested = keys.find((other) => other.startsWith(`${key}.`));
    if (nested !== undefined) problems.push(`keys["${key}"]: is a section of keys["${nested}"]; a key must be a leaf, not a prefix of another key`);
  }
  (policy.rules ?? []).forEach((rule, i) => {
    const refs = ruleInputs(rule);
    if (refs.includes(rule.key)) problems.push(`rules[${i}]: rule ${rule.rule} on ${rule.key} refers to its own key; allowed are other keys`);
  });
  return problems;
}

/** The keys a rule reads (besides its target `key`). */
export function ruleInputs(rule: Rule): string[] {
  switch (rule.rule) {
    case 'multiple_of':
      return [rule.of];
    case 'equal':
      return [rule.to];
    case 'lte':
    case 'gte':
      return [rule.than];
    case 'product':
      return [...rule.of];
    default:
      return assertNever(rule, 'rule');
  }
}

/** True for 1, 2, 4, 8, … up to 2^53. */
export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

/** `; the nearest are 4 and 8` for 5, for a bound that is not a power of two. */
function nearestPowers(n: number): string {
  if (!Number.isFinite(n) || n < 1) return '; the smallest is 1';
  let below = 1;
  while (below * 2 <= n && below * 2 <= Number.MAX_SAFE_INTEGER) below *= 2;
  return below * 2 > Number.MAX_SAFE_INTEGER ? `; the nearest is ${below}` : `; the nearest are ${below} and ${below * 2}`;
}

/** The powers of two (1, 2, 4, …) in [min, max], ascending. */
export function powersOfTwoIn(min: number, max: number): number[] {
  const out: number[] = [];
  for (let p = 1; p <= max && p <= Number.MAX_SAFE_INTEGER; p *= 2) if (p >= min) out.push(p);
  return out;
}

function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.includes('\0') || path.includes('\\')) return false;
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '..');
}

/** One line per zod issue. */
function describeIssue(issue: z.core.$ZodIssue): string {
  return `${formatIssuePath(issue.path)}: ${issue.message}`;
}

/** Key names that are not safe dotted paths, plus the problems of their specs (which zod skips). */
function badKeys(raw: unknown): string[] {
  if (!isPlainObject(raw) || !isPlainObject(raw['keys'])) return [];
  const keys = raw['keys'];
  return Object.keys(keys)
    .filter((key) => !isSafeDottedKey(key))
    .flatMap((key) => {
      const where = formatIssuePath(['keys', key]);
      const spec = KeySpecSchema.safeParse(keys[key]);
      const specIssues = spec.success ? [] : spec.error.issues.map((issue) => describeIssue({ ...issue, path: ['keys', key, ...issue.path] }));
      return [`${where} (the key): must be ${SAFE_KEY_HINT}`, ...specIssues];
    });
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(policy)';
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const text = String(segment);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return i === 0 ? text : `.${text}`;
      return `[${JSON.stringify(text)}]`;
    })
    .join('');
}
