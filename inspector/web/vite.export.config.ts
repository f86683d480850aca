/**
 * The inspector's single-file build for `autopilot inspect --export`: the same app as
 * `vite.config.ts`, but one JS file (no code splitting, the lazy imports inlined) and one CSS file,
 * with every asset inlined as a data: URL, written to `dist/inspector/export/`. `inspector/export.ts`
 * inlines that JS and CSS into the exported HTML, so the report opens from file:// with no request.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vite';
import app from './vite.config.js';

export default mergeConfig(
  app,
  defineConfig({
    build: {
      outDir: fileURLToPath(new URL('../../dist/inspector/export', import.meta.url)),
      // Any asset becomes a data: URL: a file:// page may not load a neighbour.
      assetsInlineLimit: () => true,
      cssCodeSplit: false,
      rolldownOptions: { output: { codeSplitting: false } },
    },
  }),
);
