/** The exported page's HTML: JSON, script and style escaped for inlining, and the build's files inlined. */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { EXPORT_CSP, exportPage, inlineScript, inlineStyle, scriptJson } from '../../inspector/export-html.js';

const HOSTILE = '</script><script>alert(1)</script><!-- <SCRIPT> </Script \u2028\u2029 & >';

describe('scriptJson', () => {
  it('writes no <, >, & or line separator, and parses back to the value', () => {
    const value = { rationale: HOSTILE, nested: [HOSTILE, { k: HOSTILE }] };
    const text = scriptJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('inlineScript and inlineStyle', () => {
  it('leave no </script or <!-- in the code, and the code means the same', () => {
    const js = `globalThis.r = ["</script>", '<!--', \`</SCRIPT \${1}\`, /<\\/script>/.test("</script>"), /<!--/u.test("<!--")]; // </script> <!--`;
    const safe = inlineScript(js);
    expect(safe).not.toMatch(/<\/script|<!--/i);
    const run = (code: string) => {
      const context: { r?: unknown } = {};
      runInNewContext(code, context);
      return context.r;
    };
    expect(run(safe)).toEqual(run(js));
    expect(run(safe)).toEqual(['</script>', '<!--', '</SCRIPT 1', true, true]);
  });

  it('escape a </style in CSS', () => {
    expect(inlineStyle('a::after{content:"</style>"}')).toBe('a::after{content:"<\\/style>"}');
  });
});

describe('exportPage', () => {
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <script type="module" crossorigin src="./assets/index-x.js"></script>
    <link rel="stylesheet" crossorigin href="./assets/style-y.css">
  </head>
  <body><div id="app"></div></body>
</html>`;
  const files: Record<string, string> = { './assets/index-x.js': 'console.log("</script>")', './assets/style-y.css': 'body{color:red}' };
  const read = (url: string) => files[url] ?? 'missing';

  it('inlines the module script and the stylesheet, puts the CSP first in <head> and the data before </head>', () => {
    const page = exportPage(html, read, scriptJson({ a: '</script>' }), 'ap-data');
    expect(page).toContain(`<head>\n    <meta http-equiv="Content-Security-Policy" content="${EXPORT_CSP}" />\n    <meta charset="utf-8" />`);
    expect(page).toContain('<script type="module">console.log("<\\/script>")</script>');
    expect(page).toContain('<style>body{color:red}</style>');
    expect(page).toContain('<script type="application/json" id="ap-data">{"a":"\\u003c/script\\u003e"}</script>\n</head>');
    expect(page).not.toMatch(/\s(?:src|href)="(?!data:)/);
  });

  it('throws when the build refers to a file it cannot inline', () => {
    const other = html.replace('<link rel="icon" href="data:," />', '<img src="./assets/logo.png">');
    expect(() => exportPage(other, read, '{}', 'ap-data')).toThrow("the export build's index.html still refers to ./assets/logo.png: rebuild with vite.export.config.ts");
  });
});
