import { describe, expect, it } from 'vitest';
import { num, xmlText } from '../../../projections/plot/xml.js';

describe('xmlText', () => {
  it('turns markup into entities and what XML forbids into U+FFFD, keeping paired surrogates', () => {
    expect(xmlText(`</svg><script>"a" & 'b'`)).toBe('&lt;/svg&gt;&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;');
    expect(xmlText('\u0000\u001b\t\n\uFFFE')).toBe('\uFFFD\uFFFD\t\n\uFFFD');
    expect(xmlText('\uD800 ok \uD83D\uDE00 \uDC00')).toBe('\uFFFD ok \uD83D\uDE00 \uFFFD');
  });
});

describe('num', () => {
  it('prints coordinates with two decimals at most and never -0', () => {
    expect([num(1.005), num(2.5), num(3), num(-0.001), num(123.456)]).toEqual(['1', '2.5', '3', '0', '123.46']);
  });
});
