/**
 * Crash recovery during agent steps: the orchestrator is SIGKILLed while its `command` proposer
 * thinks (at seeded random delays after the agent was recorded as started, and just before), and
 * restarted each time. Every interrupted attempt must be stopped, and recorded so, before it runs
 * again — two agents of one attempt never run at once — and the loop must still finish its runs
 * with a log that verifies and rebuilds. Replay a run with CHAOS_SEED=<seed>.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../adapters/launcher/process-group.js';
import {
  chaosSeed,
  cli,
  deleteProjectionFiles,
  directFakeTrainer,
  killFakeTrainers,
  killLiveChildren,
  projectionHashes,
  readEvents,
  removeWorkspace,
  seededRandom,
  startCli,
  type Ended,
  type LoggedEvent,
} from '../support/chaos.js';
import { agentRecords, HOSTILE_AGENT } from '../support/hostile.js';
import { fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

const RUNS = 4;
/** Kills planned (each restart is killed until then); at least MIN_KILLS must land before the session completes. */
const KILLS = 10;
const MIN_KILLS = 6;
const THINK_MS = 600;

describe('when the orchestrator is SIGKILLed during agent steps until its runs complete', () => {
  const seed = chaosSeed();
  let ws: string;
  let records: string;
  let log: LoggedEvent[];
  let final: Ended;
  let kills = 0;

  beforeAll(async () => {
    process.stdout.write(`agent chaos seed ${seed} (replay with CHAOS_SEED=${seed})\n`);
    ws = fakeTrainerWorkspace();
    records = join(ws, '..');
    directFakeTrainer(ws);
    patchSettings(ws, {
      proposer: {
        kind: 'command',
        max_attempts: 3,
        command: {
          argv: [process.execPath, HOSTILE_AGENT],
          env: { HOSTILE_AGENT_RECORD: join(records, 'agent.jsonl'), HOSTILE_AGENT_ACTIONS: `no-twin,sleep:${THINK_MS}` },
          wall_seconds: 60,
          no_output_seconds: 30,
        },
      },
    });
    const rng = seededRandom(seed);
    for (let cycle = 0; cycle < 60; cycle++) {
      const child = startCli(['loop', '--runs', String(RUNS), '--workspace', ws, '--json']);
      if (kills < KILLS) {
        // Mostly while the agent thinks (within its think time, so the kill lands); sometimes as the
        // request is recorded, before the agent exists.
        const early = rng() < 0.25;
        const delay = Math.floor(rng() * THINK_MS * 0.9);
        let fired = false;
        child.onLine((line) => {
          const e = JSON.parse(line) as LoggedEvent;
          if (fired) return;
          // A resumed attempt may start its agent without a new request: an early kill then fires at the start.
          if ((early && e.type === 'ProposalRequested') || e.type === 'ProposerStarted') {
            fired = true;
            setTimeout(() => void child.kill(), early ? 0 : delay);
          }
        });
      }
      const ended = await child.ended;
      if (ended.signal === 'SIGKILL') kills++;
      else {
        // The session completed (a planned kill may find no agent step left to land in).
        final = ended;
        break;
      }
    }
    log = await readEvents(ws);
    const count = (type: string) => log.filter((e) => e.type === type).length;
    process.stdout.write(`agent chaos seed ${seed}: ${kills} kill(s), ${count('ProposerStarted')} agent launch(es), ${count('ProposerStopped')} stopped on resume\n`);
  }, 600_000);

  afterAll(async () => {
    await killLiveChildren();
    if (ws) killFakeTrainers(ws);
    removeWorkspace(ws);
  });

  it('ends with a run of the loop that exits 0 on its own, after the kills', () => {
    expect(kills, `seed ${seed}`).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(final.exitCode, final.stderr).toBe(0);
    expect(log.filter((e) => e.type === 'LoopCompleted')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'JournalWritten').map((e) => e.data.status)).toEqual(Array(RUNS).fill('completed'));
  });

  it('never ran two agents of one attempt at once', () => {
    expect(agentRecords(records).filter((r) => r.twin !== undefined)).toEqual([]);
  });

  it('stopped, and recorded, every interrupted attempt before starting it again', () => {
    const started = log.filter((e) => e.type === 'ProposerStarted');
    expect(started.length, `seed ${seed}`).toBeGreaterThan(RUNS - 1);
    for (const [i, s] of started.entries()) {
      const again = started.slice(i + 1).find((x) => x.data.runId === s.data.runId && x.data.attempt === s.data.attempt);
      if (!again) continue;
      const stopped = log.find((e) => e.type === 'ProposerStopped' && e.data.pid === s.data.pid && e.seq > s.seq && e.seq < again.seq);
      expect(stopped, `seed ${seed}: run ${s.data.runId} attempt ${s.data.attempt} (pid ${s.data.pid}) restarted at seq ${again.seq} without a ProposerStopped`).toBeDefined();
    }
    expect(log.filter((e) => e.type === 'ProposerStopped').length, `seed ${seed}`).toBeGreaterThan(0);
  });

  it('leaves no agent process alive', () => {
    const pids = agentRecords(records)
      .filter((r) => Array.isArray(r.argv))
      .map((r) => r.pid as number);
    expect(pids.length).toBeGreaterThan(RUNS);
    expect(pids.filter((p) => processAlive(p))).toEqual([]);
  });

  it('keeps a log that verifies and projections that rebuild byte for byte', async () => {
    const v = await cli(['verify', '--workspace', ws, '--json']);
    expect(v.exitCode, v.stdout).toBe(0);
    const live = projectionHashes(ws);
    deleteProjectionFiles(ws);
    const r = await cli(['rebuild', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(projectionHashes(ws)).toEqual(live);
  });
});
