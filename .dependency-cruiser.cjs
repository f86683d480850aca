/**
 * The dependency rules of the layout (docs/design.md, "Folders"): the core (domain, machines, events,
 * projections) is pure; adapters do the I/O and never reach up into the orchestrator or the CLI;
 * nothing forms a cycle. `npm test` runs this check (`npm run deps`).
 */
const core = '^(domain|machines|events|projections|integrations)/';
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'A cycle hides which module is the lower layer.', from: {}, to: { circular: true } },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'domain, machines, events and projections do no I/O: node builtins, execa and better-sqlite3 belong in adapters.',
      from: { path: core },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-no-io-packages',
      severity: 'error',
      comment: 'execa and better-sqlite3 are I/O: adapters only.',
      from: { path: core },
      to: { path: 'node_modules/(execa|better-sqlite3)/' },
    },
    {
      name: 'core-not-outward',
      severity: 'error',
      comment: 'The core does not know the adapters, the orchestrator, the CLI, the benches or the trainers.',
      from: { path: core },
      to: { path: '^(adapters|orchestrator|cli|bench|trainers)/' },
    },
    {
      name: 'domain-not-integrations',
      severity: 'error',
      comment: 'The core knows no trainer: PufferLib integration is called by the CLI, not by domain/.',
      from: { path: '^(domain|machines|events|projections)/' },
      to: { path: '^integrations/' },
    },
    {
      name: 'adapters-not-upward',
      severity: 'error',
      comment: 'Adapters are supplied to the orchestrator; they do not import it, nor the CLI.',
      from: { path: '^adapters/' },
      to: { path: '^(orchestrator|cli|bench)/' },
    },
    {
      name: 'orchestrator-not-cli',
      severity: 'error',
      comment: 'The CLI calls the orchestrator, not the other way round.',
      from: { path: '^orchestrator/' },
      to: { path: '^(cli|bench)/' },
    },
    {
      name: 'product-not-bench',
      severity: 'error',
      comment: 'Benchmarks measure the product; the product does not import them.',
      from: { path: '^(adapters|orchestrator|inspector|cli|domain|machines|events|projections)/' },
      to: { path: '^bench/' },
    },
    {
      name: 'inspector-not-cli',
      severity: 'error',
      comment: 'The inspector sits beside the orchestrator: the CLI starts it, not the other way round.',
      from: { path: '^inspector/' },
      to: { path: '^(cli|bench)/' },
    },
    {
      name: 'only-cli-imports-inspector',
      severity: 'error',
      comment: 'Only the CLI and the benchmarks use the inspector; the layers below it do not know it.',
      from: { path: '^(domain|machines|events|projections|integrations|adapters|orchestrator|trainers)/' },
      to: { path: '^inspector/' },
    },
    {
      name: 'web-is-browser',
      severity: 'error',
      comment: 'The web app runs in a browser: no I/O package and no server-side layer (the pure core and inspector/api.ts only).',
      from: { path: '^inspector/web/' },
      to: { path: '^(adapters|orchestrator|integrations|inspector/server)/|node_modules/(execa|better-sqlite3)/' },
    },
    {
      name: 'web-no-builtins',
      severity: 'error',
      comment: 'The web app runs in a browser: node builtins are not there (its vite build configs run in node).',
      from: { path: '^inspector/web/', pathNot: '^inspector/web/vite[.](export[.])?config[.]ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'bench-not-cli',
      severity: 'error',
      comment: 'Benchmarks call commands with injected output streams, not CLI modules.',
      from: { path: '^bench/' },
      to: { path: '^cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|test|bench/out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
