import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeJson, escapeLines, escapeText, jsonText, textOfLines } from '../../../domain/text/escape.js';

/** Every character a text output must not carry raw (the renderer's own \n aside). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Strings rich in the characters that matter, mixed with ordinary text. */
const hostile = fc
  .array(
    fc.oneof(
      fc.string(),
      fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069', '\ud800', '\udfff', '😀', 'é', '\\', '|'),
    ),
  )
  .map((parts) => parts.join(''));

describe('when escaping a value for one line of text', () => {
  it('writes newlines, tabs and carriage returns as \\n, \\t and \\r', () => {
    expect(escapeText('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
  });

  it('writes the other C0 controls, DEL and the C1 controls as \\xHH', () => {
    expect(escapeText('\0')).toBe('\\x00');
    expect(escapeText('\x1b]0;pwned\x07')).toBe('\\x1b]0;pwned\\x07');
    expect(escapeText('\x7f')).toBe('\\x7f');
    expect(escapeText('\u0080\u009b2J\u009f')).toBe('\\x80\\x9b2J\\x9f');
  });

  it('writes bidi overrides and isolates, line and paragraph separators and lone surrogates as \\uXXXX', () => {
    expect(escapeText('\u202aa\u202bb\u202cc\u202dd\u202e')).toBe('\\u202aa\\u202bb\\u202cc\\u202dd\\u202e');
    expect(escapeText('\u2066\u2067\u2068\u2069')).toBe('\\u2066\\u2067\\u2068\\u2069');
    expect(escapeText('x\u2028y\u2029z')).toBe('x\\u2028y\\u2029z');
    expect(escapeText('\ud800 \udfff')).toBe('\\ud800 \\udfff');
  });

  it('leaves printable text alone: backslashes, pipes, accents, emoji, right-to-left scripts', () => {
    for (const s of ['C:\\path\\n', 'a | b', 'déjà vu', '😀 ok', 'שלום', 'lr x0.7 -> 0.003', '']) expect(escapeText(s)).toBe(s);
  });

  it('leaves no control character, is idempotent, and changes only what it must', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const e = escapeText(s);
        expect(e).not.toMatch(CONTROL);
        expect(e).not.toMatch(LONE_SURROGATE);
        expect(escapeText(e)).toBe(e);
        if (!CONTROL.test(s) && !LONE_SURROGATE.test(s)) expect(e).toBe(s);
      }),
    );
  });
});

describe('when escaping a block of lines', () => {
  it('keeps the newlines between lines and escapes the rest', () => {
    expect(escapeLines('one\r\ntwo\x1b[31m\n')).toBe('one\\r\ntwo\\x1b[31m\n');
  });

  it('renders a renderer’s lines with one newline per line, whatever the lines hold', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 5 }), (lines) => {
        const text = textOfLines(lines);
        expect(text.split('\n')).toHaveLength(lines.length + 1);
        expect(text).not.toMatch(CONTROL_BUT_NEWLINE);
      }),
    );
  });
});

describe('when writing JSON', () => {
  it('writes DEL, C1, bidi and separator characters as \\uXXXX', () => {
    expect(jsonText({ k: '\x7f\u009b\u202e\u2028' })).toBe('{"k":"\\u007f\\u009b\\u202e\\u2028"}');
    expect(escapeJson('"\u2066"')).toBe('"\\u2066"');
  });

  it('stays valid JSON that parses to the same value, with no raw control character', () => {
    fc.assert(
      fc.property(fc.jsonValue(), hostile, (value, s) => {
        const v = { value, s, [s]: s };
        for (const text of [jsonText(v), jsonText(v, 2)]) {
          expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
          expect(text).not.toMatch(CONTROL_BUT_NEWLINE);
          expect(text).not.toMatch(LONE_SURROGATE);
        }
        expect(jsonText(v)).not.toContain('\n');
      }),
    );
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => jsonText(undefined)).toThrow(/cannot write undefined as JSON/);
  });
});
