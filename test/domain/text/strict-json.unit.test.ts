import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatKey } from '../../../domain/text/format.js';
import { isForbiddenSegment, isPlainObject } from '../../../domain/config/path.js';
import { parseProposalText } from '../../../domain/policy/proposal.js';
import { MAX_JSON_BYTES, MAX_JSON_PROBLEMS, parseStrictJson, splitUnlisted, type StrictJsonResult } from '../../../domain/text/strict-json.js';
import type { ValidationError } from '../../../domain/policy/validation-error.js';
import { prototypeIsClean } from '../fixtures.js';

const RULES = ['shape', 'duplicate_key', 'too_deep', 'non_finite', 'forbidden_key', 'too_large'];

function errorsOf(text: string): ValidationError[] {
  const result = parseStrictJson(text);
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.errors;
}

function onlyError(text: string): ValidationError {
  const errors = errorsOf(text);
  expect(errors).toHaveLength(1);
  return errors[0] as ValidationError;
}

/** `{"overrides": <inner>}` */
const inOverrides = (inner: string) => `{"overrides": ${inner}}`;

/** Objects nested `levels` deep in total (the root counts as 1), the innermost holding `leaf`. */
function nested(levels: number, leaf = '1'): string {
  let text = leaf;
  for (let i = levels; i >= 1; i--) text = `{"k${i}": ${text}}`;
  return text;
}

describe('when the text is valid JSON without problems', () => {
  it('returns the same value as JSON.parse', () => {
    const text = '{"overrides": {"train": {"learning_rate": 1e-3, "anneal_lr": true}, "env.num_envs": 8}, "tags": [1, -0.5, null, "x\\u00e9\\n"]}';
    expect(parseStrictJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it('accepts 8 levels of nesting and text of exactly 256 KiB', () => {
    expect(parseStrictJson(nested(8)).ok).toBe(true);
    const padding = MAX_JSON_BYTES - '{"x":""}'.length;
    expect(parseStrictJson(`{"x":"${'a'.repeat(padding)}"}`).ok).toBe(true);
  });

  it('builds plain objects (Object.prototype), like JSON.parse', () => {
    const result = parseStrictJson('{"a": {"b": []}}');
    expect(result.ok && Object.getPrototypeOf(result.value) === Object.prototype).toBe(true);
  });
});

describe('when a key is given twice in one object', () => {
  it('reports duplicate_key naming the key and the repeated value, and keeps the first', () => {
    const result = parseStrictJson(inOverrides('{"train": {"learning_rate": 0.1, "learning_rate": 0.2}}'));
    expect(result).toMatchObject({
      ok: false,
      value: { overrides: { train: { learning_rate: 0.1 } } },
      errors: [{ key: 'train.learning_rate', value: 0.2, rule: 'duplicate_key', expected: 'each key at most once per object' }],
    });
    if (!result.ok) expect(result.errors[0]?.message).toMatch(/^train\.learning_rate = 0\.2 repeats a key of the same object/);
  });

  it('allows the same key in different objects', () => {
    expect(parseStrictJson(inOverrides('{"a": {"x": 1}, "b": {"x": 1}}')).ok).toBe(true);
  });
});

describe('when the nesting is deeper than 8 levels', () => {
  it('reports too_deep at the container that crosses the limit', () => {
    const error = onlyError(nested(9));
    expect(error).toMatchObject({ key: 'k1.k2.k3.k4.k5.k6.k7.k8', rule: 'too_deep' });
    expect(error.message).toContain('is nested deeper than 8 levels');
  });

  it('names the path relative to overrides, arrays as [i]', () => {
    const error = onlyError(inOverrides('{"a": [[{"b": [[[[[1]]]]]}]]}'));
    expect(error).toMatchObject({ key: 'a[0][0].b[0][0][0]', rule: 'too_deep' });
  });

  it('copes with 100k nested brackets in linear time, reporting the crossing once', () => {
    const started = Date.now();
    const open = parseStrictJson('['.repeat(100_000));
    const balanced = parseStrictJson(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(open.ok || open.errors.map((e) => e.rule)).toEqual(['too_deep', 'shape']);
    expect(balanced.ok || balanced.errors.map((e) => [e.key, e.rule])).toEqual([['a[0][0][0][0][0][0][0]', 'too_deep']]);
  });
});

describe('when the text holds NaN, Infinity or -Infinity', () => {
  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['1e999', Number.POSITIVE_INFINITY],
  ])('reports %s as non_finite at its key', (token, value) => {
    const error = onlyError(inOverrides(`{"train": {"learning_rate": ${token}}}`));
    expect(error).toMatchObject({ key: 'train.learning_rate', rule: 'non_finite', value, expected: 'a finite number' });
    expect(error.message).toMatch(new RegExp(`^train\\.learning_rate = ${String(value)} is not a finite number \\(.*${token.replace('-', '\\-')}`));
  });

  it('reports each one, in arrays too', () => {
    expect(errorsOf(inOverrides('{"a": [NaN, 1, Infinity], "b": -Infinity}')).map((e) => e.key)).toEqual(['a[0]', 'a[2]', 'b']);
  });
});

describe('when a key is __proto__, constructor or prototype', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('rejects %s anywhere and never assigns it', (key) => {
    const result = parseStrictJson(inOverrides(`{"train": {"${key}": {"polluted": 1}, "ok": 1}, "list": [{"${key}": 2}]}`));
    expect(result).toMatchObject({
      ok: false,
      value: { overrides: { train: { ok: 1 }, list: [{}] } },
      errors: [
        { key: `train.${key}`, rule: 'forbidden_key', value: { polluted: 1 } },
        { key: `list[0].${key}`, rule: 'forbidden_key', value: 2 },
      ],
    });
    if (!result.ok) {
      expect(Object.getOwnPropertyNames(result.value?.['overrides'] ?? {})).toEqual(['train', 'list']);
      expect(result.errors[0]?.message).toContain(`uses the forbidden key "${key}"`);
    }
    expect(prototypeIsClean()).toBe(true);
  });

  it('rejects a forbidden segment inside a dotted key', () => {
    expect(onlyError(inOverrides('{"train.__proto__.polluted": 1}'))).toMatchObject({ key: 'train.__proto__.polluted', rule: 'forbidden_key' });
    expect(prototypeIsClean()).toBe(true);
  });
});

describe('when the text is over 256 KiB', () => {
  it('reports too_large on the root before parsing', () => {
    const text = `{"x": "${'a'.repeat(MAX_JSON_BYTES)}"}`;
    expect(onlyError(text)).toMatchObject({ key: 'proposal', rule: 'too_large', value: `${MAX_JSON_BYTES + 9} bytes of text` });
  });

  it('counts UTF-8 bytes, not characters', () => {
    const text = `{"x": "${'é'.repeat(MAX_JSON_BYTES / 2)}"}`;
    expect(text.length).toBeLessThan(MAX_JSON_BYTES);
    expect(onlyError(text).rule).toBe('too_large');
  });
});

describe('when the root is not an object', () => {
  it.each(['[]', '1', 'null', '"x"', 'true'])('reports shape on the root (%s)', (text) => {
    expect(onlyError(text)).toMatchObject({ key: 'proposal', rule: 'shape' });
  });
});

describe('when the text is not JSON', () => {
  it.each([
    ['{"a": 1,}', 'line 1, column 9'],
    ["{'a': 1}", 'line 1, column 2'],
    ['{"a": 1} // comment', 'line 1, column 10'],
    ['{"a": \n  [1 2]}', 'line 2, column 6'],
    ['{"a": "unterminated', 'line 1, column 7'],
    ['{"a": 01}', 'line 1, column 8'],
    ['{"a": "tab\there"}', 'line 1, column 7'],
    ['', 'line 1, column 1'],
  ])('reports one shape error on the root with the position (%j)', (text, where) => {
    const error = onlyError(text);
    expect(error).toMatchObject({ key: 'proposal', rule: 'shape' });
    expect(error.message).toContain(`is not valid JSON (`);
    expect(error.message).toContain(where);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('names the key it was inside', () => {
    expect(onlyError(inOverrides('{"train": {"learning_rate": }}')).message).toContain('inside train');
  });
});

describe('when reporting problems', () => {
  it('collects every problem of every kind in one pass', () => {
    const text = inOverrides(`{"a": NaN, "a": 1, "__proto__": 1, "deep": ${nested(8)}}`);
    expect(errorsOf(text).map((e) => [e.key, e.rule])).toEqual([
      ['a', 'non_finite'],
      ['a', 'duplicate_key'],
      ['__proto__', 'forbidden_key'],
      ['deep.k1.k2.k3.k4.k5.k6', 'too_deep'],
    ]);
  });

  it('keys problems outside the scope from the root, and honours the options', () => {
    expect(onlyError('{"rationale": NaN}').key).toBe('rationale');
    expect(onlyError('{"overrides": {"a": 1, "a": 2}, "x": 1}').key).toBe('a');
    const custom = parseStrictJson('{"overrides": {"a": NaN}}', { rootKey: 'doc', scope: null });
    expect(custom.ok || custom.errors.map((e) => e.key)).toEqual(['overrides.a']);
    const tight = parseStrictJson('[1]', { rootKey: 'doc', maxBytes: 2 });
    expect(tight.ok || tight.errors.map((e) => [e.key, e.rule])).toEqual([['doc', 'too_large']]);
  });

  it(`lists at most ${MAX_JSON_PROBLEMS} problems and sums up the rest`, () => {
    const text = `{${Array.from({ length: 500 }, () => '"a": NaN').join(', ')}}`;
    const errors = errorsOf(text);
    expect(errors).toHaveLength(MAX_JSON_PROBLEMS + 1);
    expect(errors.at(-1)).toMatchObject({ key: 'proposal', rule: 'shape', value: `${999 - MAX_JSON_PROBLEMS} more problems` });
  });

  it('lets the loop split off that summing-up error and keep its count (limits.max_problems)', () => {
    const errors = errorsOf(`{${Array.from({ length: 500 }, () => '"a": NaN').join(', ')}}`);
    const { listed, unlisted } = splitUnlisted(errors);
    expect(listed).toEqual(errors.slice(0, MAX_JSON_PROBLEMS));
    expect(unlisted).toBe(999 - MAX_JSON_PROBLEMS);
    expect(splitUnlisted(errors.slice(0, 3))).toEqual({ listed: errors.slice(0, 3), unlisted: 0 });
  });
});

describe('when parseProposalText uses the strict parser', () => {
  it('reports problems inside overrides by their key and rule', () => {
    const result = parseProposalText('{"overrides": {"train": {"learning_rate": NaN, "gamma": 0.9, "gamma": 0.99}}, "rationale": "r", "hypothesis": "h"}');
    expect(result.ok || result.errors.map((e) => [e.key, e.rule])).toEqual([
      ['train.learning_rate', 'non_finite'],
      ['train.gamma', 'duplicate_key'],
    ]);
  });

  it('reports problems of the envelope as shape errors, together with its field problems', () => {
    const result = parseProposalText('{"overrides": {}, "rationale": "r", "rationale": "s"}');
    expect(result.ok || result.errors.map((e) => [e.key, e.rule])).toEqual([
      ['rationale', 'shape'],
      ['hypothesis', 'shape'],
    ]);
  });
});

// ---- property ----------------------------------------------------------------------------

/** Depth of a JSON value (a scalar is 0, `{}` is 1). */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (isPlainObject(value)) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

function hasForbiddenKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasForbiddenKey);
  if (!isPlainObject(value)) return false;
  return Object.keys(value).some((k) => k.split('.').some(isForbiddenSegment) || hasForbiddenKey(value[k]));
}

const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'a', 'a.b', 'train.__proto__'));
const document = fc.dictionary(key, fc.jsonValue({ maxDepth: 10 }), { maxKeys: 6 });
const validText = document.map((d) => JSON.stringify(d));
const token = fc.constantFrom(
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '"a":',
  '"a":1,',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '-',
  '.',
  'e',
  '0',
  ' ',
  '\n',
  '\u0000',
  '"__proto__":',
  '"constructor":{}',
  'null',
  'true',
  '\uFEFF',
  '\ud800',
  '"\\u12"',
  '"\\x"',
  '[[[[[[[[[',
  ']]]]]]]]]',
);
const mutatedText = fc.tuple(validText, fc.array(fc.tuple(fc.nat(), fc.nat(3), token), { maxLength: 5 })).map(([text, edits]) =>
  edits.reduce((t, [at, cut, tok]) => {
    const i = t.length === 0 ? 0 : at % (t.length + 1);
    return t.slice(0, i) + tok + t.slice(i + cut);
  }, text),
);
const duplicateText = fc
  .array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.jsonValue({ maxDepth: 2 })), { maxLength: 6 })
  .map((entries) => `{"overrides":{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}}`);
const deepText = fc.tuple(fc.nat(40), fc.nat(40), fc.constantFrom('[', '{"k":'), fc.constantFrom(']', '}')).map(([opened, closed, o, c]) => o.repeat(opened) + '1' + c.repeat(closed));
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', 'N', 'a', 'N', ' ', '\\'), maxLength: 60 }),
  mutatedText,
  duplicateText,
  deepText,
);

function checkNamesKeys(result: StrictJsonResult): boolean {
  if (result.ok) return true;
  return result.errors.length > 0 && result.errors.every((e) => typeof e.key === 'string' && e.key.length > 0 && RULES.includes(e.rule) && e.message.startsWith(`${formatKey(e.key)} = `));
}

describe('when fed any text (property)', () => {
  it('never throws, names a key in every error, and agrees with JSON.parse where both accept', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(validText, hostileText), (text) => {
        const result = parseStrictJson(text);
        if (!checkNamesKeys(result)) return false;
        let native: unknown;
        try {
          native = JSON.parse(text);
        } catch {
          // Not JSON for JSON.parse: the strict parser must reject it (as not JSON or, for NaN and friends, more precisely).
          return !result.ok;
        }
        if (result.ok) {
          accepted++;
          return isDeepStrictEqual(result.value, native) && JSON.stringify(result.value) === JSON.stringify(native);
        }
        // Both parse it, yet it is rejected: only for the problems JSON.parse hides, never as invalid JSON.
        return result.errors.every((e) => !e.message.includes('is not valid JSON'));
      }),
      { numRuns: 10_000 },
    );
    expect(accepted).toBeGreaterThan(500);
  }, 120_000);

  it('accepts exactly the valid documents without forbidden keys or too-deep nesting, as JSON.parse reads them', () => {
    fc.assert(
      fc.property(document, (doc) => {
        const text = JSON.stringify(doc);
        const native = JSON.parse(text) as unknown;
        const clean = !hasForbiddenKey(native) && depthOf(native) <= 8;
        const result = parseStrictJson(text);
        if (!clean) return !result.ok && result.errors.every((e) => e.rule === 'forbidden_key' || e.rule === 'too_deep');
        return result.ok && isDeepStrictEqual(result.value, native) && JSON.stringify(result.value) === text;
      }),
      { numRuns: 3_000 },
    );
    expect(prototypeIsClean()).toBe(true);
  }, 120_000);
});
