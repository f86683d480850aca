/**
 * The exported page's HTML, pure: the single-file build's index.html with its script and style
 * inlined, a Content-Security-Policy that forbids every request, and the data as JSON in a script
 * element, escaped so that no string in it (an agent's rationale, say) can end that element.
 */

/** The export's Content-Security-Policy: inline code and styles, data: images, and no request of any kind. */
export const EXPORT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'";

/**
 * `value` as JSON that is safe as the text of a `<script type="application/json">`: `<`, `>` and
 * `&` are written as \u escapes (so no `</script>`, `<!--` or `<script` can appear), and so are
 * U+2028/U+2029. `JSON.parse` of the element's text gives `value` back.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JavaScript made safe to inline in a `<script>` element: `</script` and `<!--` can only occur in
 * its strings, regular expressions, templates and comments, where `<\/script` and `<\u0021--` mean
 * the same, so they are rewritten to those.
 */
export function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\u0021--');
}

/** CSS made safe to inline in a `<style>` element (`\/` is `/` in CSS). */
export function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

/** Reads a file the build's index.html refers to (by its relative URL, such as `./assets/index-x.js`). */
export type AssetReader = (url: string) => string;

const SCRIPT_TAG = /<script type="module"[^>]*\ssrc="([^"]+)"[^>]*><\/script>/g;
const STYLE_TAG = /<link rel="stylesheet"[^>]*\shref="([^"]+)"[^>]*>/g;

/**
 * The exported page: `html` (the single-file build's index.html) with each module script and
 * stylesheet it links replaced by its content, the CSP and `dataJson` (from {@link scriptJson})
 * added. Throws when the build still refers to any other file.
 */
export function exportPage(html: string, read: AssetReader, dataJson: string, dataId: string): string {
  const styles: string[] = [];
  let page = html
    .replace(STYLE_TAG, (_, url: string) => {
      styles.push(`<style>${inlineStyle(read(url))}</style>`);
      return '';
    })
    .replace(SCRIPT_TAG, (_, url: string) => `<script type="module">${inlineScript(read(url))}</script>`);
  const left = /\s(?:src|href)="(?!data:|#)([^"]*)"/.exec(page.replace(/<script type="module">[\s\S]*?<\/script>/g, ''));
  if (left) throw new Error(`the export build's index.html still refers to ${left[1]}: rebuild with vite.export.config.ts`);
  if (!/<head>/.test(page) || !page.includes('</head>')) throw new Error("the export build's index.html has no <head>…</head>");
  // The policy comes first in <head>: it governs only what follows it.
  page = page.replace('<head>', () => `<head>\n    <meta http-equiv="Content-Security-Policy" content="${EXPORT_CSP}" />`);
  const tail = `${styles.join('\n')}\n<script type="application/json" id="${dataId}">${dataJson}</script>\n`;
  return page.replace('</head>', () => `${tail}</head>`);
}
