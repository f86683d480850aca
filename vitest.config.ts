import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest starts a group's projects' files by project name (browser, e2e, int, slow), so the slow tier's
 * few CPU-bound calibration files ran last and the run ended on one of them with a core idle. This
 * order starts the long files first (slow, e2e, browser) and ends on the many short int files; within
 * a project the order is vitest's own (failed, then longest, then largest first).
 */
const PROJECT_ORDER = ['unit', 'slow', 'e2e', 'browser', 'int'];
class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => [f.project.config.sequence.groupOrder, PROJECT_ORDER.indexOf(f.project.name)] as const;
    const sorted = (await super.sort(files)).map((f, i) => ({ f, i, r: rank(f) }));
    return sorted.sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i).map(({ f }) => f);
  }
}

const cores = availableParallelism();
/**
 * Unit files use the CPU and run on one worker a core. Most int and e2e files wait on child
 * processes (the CLI, trainers, agents), not on this process, so they run on more workers than
 * cores: on 2 cores, 4. The unit tier runs first, then the others together (sequence.groupOrder).
 * AUTOPILOT_TEST_WORKERS caps both (1 runs the files one at a time). Every tier's workers run file
 * after file sharing loaded modules (isolate: false): importing the same modules afresh for each file
 * cost half the unit tier's CPU and ~8% of the int tier's; each file still gets its own temp root
 * and TMPDIR (the setup file runs again for each).
 */
const cap = Number(process.env['AUTOPILOT_TEST_WORKERS'] ?? Infinity);
const cpuWorkers = Math.min(cap, cores);
const waitWorkers = Math.min(cap, Math.max(4, cores + 2));

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // A temp root per test file, removed when the file ends (TMPDIR points at it while it runs).
    setupFiles: ['test/support/temp-root.ts'],
    pool: 'forks',
    isolate: false,
    sequence: { sequencer: LongFirstSequencer },
    // `vitest run --coverage`, or AUTOPILOT_COVERAGE=1 (CI: bin/test-all.sh), prints a summary; it sees
    // code run in the test processes, not in the CLI and trainer processes the int and e2e tests spawn.
    coverage: {
      enabled: process.env['AUTOPILOT_COVERAGE'] === '1',
      provider: 'v8',
      include: [
        'machines/**/*.ts',
        'events/**/*.ts',
        'domain/**/*.ts',
        'projections/**/*.ts',
        'adapters/**/*.ts',
        'orchestrator/**/*.ts',
        'inspector/**/*.ts',
        'cli/**/*.ts',
        'trainers/**/*.ts',
        'bench/**/*.ts',
      ],
      exclude: ['bench/out/**'],
      reporter: ['text-summary', ['json-summary', { file: 'coverage-summary.json' }]],
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.unit.test.ts'], testTimeout: 30_000, maxWorkers: cpuWorkers, sequence: { groupOrder: 0 } } },
      // Statistical calibration: thousands of Monte Carlo comparisons, tens of seconds a file.
      { extends: true, test: { name: 'slow', include: ['test/**/*.slow.test.ts'], testTimeout: 300_000, maxWorkers: waitWorkers, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'int', include: ['test/**/*.int.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, maxWorkers: waitWorkers, sequence: { groupOrder: 1 } } },
      // A real Chromium (Debian's), one for the tier that each file connects to, against a real inspector. Vitest runs projects of one group on
      // the same worker count, so this one shares the int/e2e workers; keep browser files few and each one's
      // pages serial (a browser is heavy on 2 cores).
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          globalSetup: ['test/support/chromium-server.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: waitWorkers,
          sequence: { groupOrder: 1 },
        },
      },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'], testTimeout: 300_000, hookTimeout: 300_000, maxWorkers: waitWorkers, sequence: { groupOrder: 1 } } },
    ],
  },
});
