// The CLI bundled: dist/cli/main.js and everything it imports (lazily imported commands as their own
// chunks), in dist/bundle/, which bin/autopilot.js runs. Loading ~1,000 small modules one by one (zod,
// @stdlib's t distribution) cost each command ~0.1–0.3 s of CPU before it did anything; a bundle
// loads in a few files. Native addons and dev-only packages stay outside, loaded from node_modules.
// dist/bundle/ sits as deep in dist/ as every other module, so paths found from import.meta.url hold.
// Source maps are written beside the chunks, not loaded (that costs every command ~25 ms): an unexpected
// error's report says how to see the modules its stack came from. Minified: half the bytes to parse
// and compile at each start (Node 20 keeps no compile cache), ~13% less CPU for `autopilot help` and
// ~8% for a short loop, over the ~700 CLI processes of the test suite alone.
export default {
  input: { main: 'dist/cli/main.js' },
  platform: 'node',
  external: [/^node:/, /^better-sqlite3$/, /^@resvg\//, /^playwright-core(\/|$)/],
  output: { dir: 'dist/bundle', format: 'esm', cleanDir: true, sourcemap: true, minify: true },
};
