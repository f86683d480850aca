import { describe, expect, it } from 'vitest';
import { TemplateError, renderTemplate, templatePlaceholders } from '../../../domain/text/template.js';

/** The TemplateError `fn` throws (fails the test when it throws nothing or something else). */
function templateError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('when a template is rendered', () => {
  it('replaces dotted and underscored placeholders, with or without spaces inside the braces', () => {
    const out = renderTemplate('Goal: {{metric.direction}} `{{ metric.name }}`\n{{\tpolicy_table  }}', {
      'metric.name': 'mean_reward',
      'metric.direction': 'maximize',
      policy_table: '| key |',
    });
    expect(out).toBe('Goal: maximize `mean_reward`\n| key |');
  });

  it('replaces every occurrence of a placeholder', () => {
    expect(renderTemplate('{{a}}-{{a}}-{{ a }}', { a: 'x' })).toBe('x-x-x');
  });

  it('accepts vars the template does not use', () => {
    expect(renderTemplate('plain {{a}}', { a: '1', unused: '2' })).toBe('plain 1');
  });

  it('inserts values verbatim: braces, dollar patterns and placeholders inside a value are not expanded', () => {
    const out = renderTemplate('{{rationale}} / {{b}}', { rationale: 'try {{b}} and $& $1 $$', b: 'B' });
    expect(out).toBe('try {{b}} and $& $1 $$ / B');
  });

  it('leaves JSON braces alone, including a closing }}', () => {
    const template = 'Reply `{"overrides": {"train": {"learning_rate": 0.001}}}` for {{run_id}}';
    expect(renderTemplate(template, { run_id: '007' })).toBe('Reply `{"overrides": {"train": {"learning_rate": 0.001}}}` for 007');
  });

  it('renders an empty value as nothing', () => {
    expect(renderTemplate('a\n{{rejection_errors}}\nb', { rejection_errors: '' })).toBe('a\n\nb');
  });
});

describe('when a template uses a placeholder the vars do not define', () => {
  const vars = { 'metric.name': 'score', run_id: '002' };

  it('throws a TemplateError naming the placeholder, its line and the allowed names', () => {
    const err = templateError(() => renderTemplate('# Title\n\nGoal: {{ metric.nam }}\n', vars));
    expect(err.placeholder).toBe('metric.nam');
    expect(err.line).toBe(3);
    expect(err.allowed).toEqual(['metric.name', 'run_id']);
    expect(err.message).toBe('line 3: unknown placeholder {{metric.nam}}; allowed names are metric.name, run_id');
  });

  it('prefixes the message with the source when given', () => {
    expect(() => renderTemplate('{{nope}}', vars, 'prompts/propose.md')).toThrow(/^prompts\/propose\.md line 1: unknown placeholder \{\{nope\}\}/);
  });

  it('does not resolve names inherited from Object.prototype', () => {
    expect(templateError(() => renderTemplate('{{constructor}} {{toString}}', vars)).placeholder).toBe('constructor');
  });

  it('says so when no vars are given at all', () => {
    expect(() => renderTemplate('{{a}}', {})).toThrow(/allowed names are none/);
  });

  it('renders nothing when any placeholder is unknown, even after known ones', () => {
    expect(() => renderTemplate('{{run_id}} {{missing}}', vars)).toThrow(TemplateError);
  });
});

describe('when a template holds a malformed placeholder', () => {
  it.each([
    ['an empty one', 'a {{}} b', 1, ''],
    ['one with spaces in its name', 'a\n{{ metric name }}', 2, 'metric name'],
    ['one with a trailing dot', '{{metric.}}', 1, 'metric.'],
    ['an unclosed one', 'x\ny {{metric.name\nz', 2, 'metric.name'],
    ['one closed by a single brace', '{{run_id}', 1, 'run_id}'],
  ])('throws a TemplateError for %s, with its line', (_what, template, line, placeholder) => {
    const err = templateError(() => renderTemplate(template, { run_id: '1', 'metric.name': 'm' }));
    expect(err.line).toBe(line);
    expect(err.placeholder).toBe(placeholder);
    expect(err.message).toMatch(/malformed placeholder/);
    expect(err.message).toMatch(/allowed names are metric\.name, run_id/);
  });
});

describe('when the placeholders of a template are listed', () => {
  it('gives each name once, in order of first use, with the line and column of its first use', () => {
    const template = 'Goal {{metric.name}}\n{{ policy_table }} and {{metric.name}}\n  {{run_id}}';
    expect(templatePlaceholders(template)).toEqual([
      { name: 'metric.name', line: 1, column: 6 },
      { name: 'policy_table', line: 2, column: 1 },
      { name: 'run_id', line: 3, column: 3 },
    ]);
  });

  it('gives nothing for a template without placeholders', () => {
    expect(templatePlaceholders('no {placeholders} here }}')).toEqual([]);
  });

  it('throws on a malformed placeholder, naming its line', () => {
    expect(() => templatePlaceholders('ok\n{{ a b }}')).toThrow(/^line 2: malformed placeholder \{\{a b\}\}: a placeholder is \{\{name\}\} with a dotted name such as metric\.name$/);
  });
});
