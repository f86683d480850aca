/**
 * The inspector's web app build: `vite build -c inspector/web/vite.config.ts` writes
 * `dist/inspector/web/{index.html,assets/*}`, which the inspector's server serves. Relative URLs
 * (`base: './'`), everything bundled from node_modules: no CDN, no web font, nothing fetched at runtime.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/inspector/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Inline nothing as data: URLs beyond small assets; the CSP allows them for images only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
