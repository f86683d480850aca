/**
 * Prompt templates: text with `{{name}}` placeholders (`{{ metric.name }}`, `{{policy_table}}`),
 * rendered from a map of strings. Pure. Substitution is one pass over the template, so a value
 * that itself contains `{{…}}` (an agent's rationale, say) is inserted verbatim, never expanded.
 * There is no escape: every `{{` in a template must open a placeholder.
 */
import { AutopilotError } from '../errors.js';

/** A placeholder name: dotted segments of `[A-Za-z_][A-Za-z0-9_-]*`. */
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
/** `{{`, anything but braces and newlines, `}}`; and any `{{` left over (malformed). */
const TOKEN = /\{\{([^{}\n]*)\}\}|\{\{/g;

/** One placeholder as it appears in a template. */
export interface TemplatePlaceholder {
  name: string;
  /** 1-based line of its `{{`. */
  line: number;
  /** 1-based column of its `{{`. */
  column: number;
}

/** Thrown when a template uses a placeholder the vars do not define, or a `{{` that opens no valid placeholder. */
export class TemplateError extends AutopilotError {
  override readonly name = 'TemplateError';
  constructor(
    /** The placeholder's text between the braces, trimmed (for a malformed one, what follows `{{` on its line). */
    readonly placeholder: string,
    readonly line: number,
    /** The names the vars define, sorted. */
    readonly allowed: readonly string[],
    message: string,
  ) {
    super('template-invalid', message, { key: placeholder });
  }
}

/** Where `offset` lies in `text`, 1-based. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastNewline = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastNewline };
}

function allowedList(allowed: readonly string[]): string {
  return allowed.length === 0 ? 'none (no variables given)' : allowed.join(', ');
}

/** The tail of a malformed-placeholder message: the allowed names, when there are vars to name. */
function allowedClause(allowed: readonly string[] | null): string {
  return allowed === null ? '' : `; allowed names are ${allowedList(allowed)}`;
}

/** Every placeholder of `template` in order (repeats included); throws {@link TemplateError} on a malformed `{{`. */
function scan(template: string, allowed: readonly string[] | null, source: string | undefined): TemplatePlaceholder[] {
  const where = source ? `${source} ` : '';
  const found: TemplatePlaceholder[] = [];
  for (const match of template.matchAll(TOKEN)) {
    const { line, column } = position(template, match.index);
    const inner = match[1];
    const name = inner?.trim() ?? '';
    if (inner === undefined || !NAME.test(name)) {
      const text =
        inner === undefined
          ? template
              .slice(match.index + 2)
              .split('\n', 1)[0]!
              .slice(0, 40)
          : name;
      throw new TemplateError(
        text,
        line,
        allowed ?? [],
        `${where}line ${line}: malformed placeholder {{${text}${inner === undefined ? '' : '}}'}: a placeholder is {{name}} with a dotted name such as metric.name${allowedClause(allowed)}`,
      );
    }
    found.push({ name, line, column });
  }
  return found;
}

/**
 * The placeholders `template` uses, in order of first use, each once.
 * Throws {@link TemplateError} on a `{{` that opens no valid placeholder.
 */
export function templatePlaceholders(template: string): TemplatePlaceholder[] {
  const seen = new Set<string>();
  return scan(template, null, undefined).filter((p) => !seen.has(p.name) && seen.add(p.name));
}

/**
 * Replaces every `{{name}}` (whitespace inside the braces allowed) with `vars[name]`.
 * A placeholder `vars` does not define throws a {@link TemplateError} naming it, its line and the
 * allowed names; vars the template does not use are fine. `source` (e.g. `prompts/propose.md`)
 * prefixes error messages.
 */
export function renderTemplate(template: string, vars: Readonly<Record<string, string>>, source?: string): string {
  const allowed = Object.keys(vars).sort();
  // Check everything first, so a template with a mistake renders nothing.
  for (const p of scan(template, allowed, source)) {
    if (!Object.prototype.hasOwnProperty.call(vars, p.name)) {
      throw new TemplateError(p.name, p.line, allowed, `${source ? `${source} ` : ''}line ${p.line}: unknown placeholder {{${p.name}}}; allowed names are ${allowedList(allowed)}`);
    }
  }
  return template.replace(TOKEN, (_whole, inner: string) => vars[inner.trim()]!);
}
