/**
 * A proposer that writes control characters into everything it can reach (its output, its
 * rationale and hypothesis, a key): every text output shows them escaped, the log keeps them raw.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, copyShippedWorkspace, FAKE_TRAINER, patchSettings } from '../support/workspace.js';

const AGENT = join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs');

/** Any control character a text output must not carry raw: C0 but the renderer's \n, DEL, C1, separators, bidi. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const TAIL = '\n- forged | line\x1b]0;pwned\x07\r\0\u202e\u009b2J';
const TAIL_SHOWN = '\\n- forged | line\\x1b]0;pwned\\x07\\r\\x00\\u202e\\x9b2J';
const RATIONALE = `raise lr${TAIL}`;
const HYPOTHESIS = `learns faster${TAIL}`;
const EVIL_KEY = 'x\x1b]0;pwned\x07y';
const SAID = `working\n- forged | said\x1b]0;pwned\x07\r\0\u202e end\n`;

type Logged = { seq: number; type: string; data: Record<string, unknown> };

const cli = (ws: string, ...args: string[]) => execa('node', [CLI, ...args, '--workspace', ws], { reject: false });

let ws: string;
let loop: { exitCode: number | undefined; stdout: string; stderr: string };
let log: Logged[];

beforeAll(async () => {
  ws = copyShippedWorkspace();
  const steps = [
    // run 002: a crash with a hostile last line, then an unknown key with ESC, then a valid proposal
    { say: SAID, actions: 'crash' },
    { proposal: JSON.stringify({ overrides: { train: { learning_rate: 0.003, [EVIL_KEY]: 1 } }, rationale: RATIONALE, hypothesis: HYPOTHESIS }) },
    { proposal: JSON.stringify({ overrides: { train: { learning_rate: 0.003 } }, rationale: RATIONALE, hypothesis: HYPOTHESIS }) },
    // run 003: crashes until the loop halts, the hostile line in its reason
    { say: SAID, actions: 'crash' },
  ];
  patchSettings(ws, {
    trainer: { env: { AUTOPILOT_TRAINER: FAKE_TRAINER } },
    statistics: { replicates: 0 },
    proposer: {
      kind: 'command',
      max_attempts: 3,
      command: { argv: [process.execPath, AGENT], env: { HOSTILE_AGENT_RECORD: join(ws, '..', 'agent.jsonl'), HOSTILE_AGENT_STEPS: JSON.stringify(steps) } },
    },
  });
  const r = await cli(ws, 'loop', '--runs', '3');
  loop = { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  const events = await cli(ws, 'events', '--json');
  expect(events.stdout).not.toMatch(RAW_CONTROL);
  log = events.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Logged);
});

const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

describe('when a proposer writes control characters into its output, rationale, hypothesis and keys', () => {
  it('keeps the raw values in the log', () => {
    expect(loop.exitCode, loop.stderr).toBe(1);
    const received = log.filter((e) => e.type === 'ProposalReceived' && e.data.runId === '002');
    expect(received.map((e) => [e.data.attempt, e.data.rationale, e.data.hypothesis])).toEqual([
      [2, RATIONALE, HYPOTHESIS],
      [3, RATIONALE, HYPOTHESIS],
    ]);
    expect(Object.keys((received[0]!.data.overrides as { train: object }).train)).toContain(EVIL_KEY);
    // The loop's own message quotes the agent's last line already escaped (adapters/proposers/agent-words.ts); its raw output stays in logs/.
    const quoted = '- forged | said\\x1b]0;pwned\\x07\\r\\x00\\u202e end';
    expect(log.find((e) => e.type === 'ProposalFailed')?.data.message).toContain(quoted);
    expect(log.find((e) => e.type === 'LoopHalted')?.data.reason).toContain(quoted);
  });

  it('prints the loop’s own lines escaped', () => {
    expect(loop.stdout).not.toMatch(RAW_CONTROL);
    expect(loop.stderr).not.toMatch(RAW_CONTROL);
    expect(loop.stdout).toContain('- forged | said\\x1b]0;pwned\\x07\\r\\x00\\u202e end');
    expect(loop.stdout).toContain(`${EVIL_KEY.replace('\x1b', '\\x1b').replace('\x07', '\\x07')}=1`);
  });

  it('writes the journal and the run notes as printable text, one labbook line per action', () => {
    const texts = [...walk(join(ws, 'journal')), ...walk(join(ws, 'runs')).filter((f) => f.endsWith('notes.txt'))];
    expect(texts.length).toBeGreaterThan(3);
    for (const f of texts) expect(readFileSync(f, 'utf8'), f).not.toMatch(RAW_CONTROL);

    const notes = readFileSync(join(ws, 'runs', '002', 'notes.txt'), 'utf8');
    expect(notes).toContain(`Hypothesis: learns faster${TAIL_SHOWN}\n`);
    expect(notes).toContain(`Rationale: raise lr${TAIL_SHOWN}\n`);
    expect(readFileSync(join(ws, 'journal', 'notes.md'), 'utf8')).toContain(`- Rationale: raise lr${TAIL_SHOWN}\n`);

    const entries = readFileSync(join(ws, 'journal', 'labbook.md'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('- '));
    const actions = log.filter((e) => ['LoopStarted', 'ProposalFailed', 'ProposalRejected', 'JournalWritten', 'LoopHalted', 'LoopCompleted'].includes(e.type));
    expect(entries).toHaveLength(actions.length);
    for (const l of entries) expect(l).toMatch(/^- \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ( \| [^|]*){4}$/);
    const saidIn = log.filter((e) => e.type === 'ProposalFailed' || e.type === 'LoopHalted');
    expect(saidIn.length).toBeGreaterThan(1);
    expect(entries.filter((l) => l.includes('forged / said\\x1b]0;pwned\\x07\\r\\x00\\u202e end'))).toHaveLength(saidIn.length);
  });

  it('writes the next prompts (logs/*.prompt.md) with the rationale and the key escaped', () => {
    const prompts = readdirSync(join(ws, 'logs')).filter((f) => f.endsWith('.prompt.md'));
    expect(prompts.length).toBeGreaterThan(2);
    for (const f of prompts) expect(readFileSync(join(ws, 'logs', f), 'utf8'), f).not.toMatch(RAW_CONTROL);
    const texts = prompts.map((f) => readFileSync(join(ws, 'logs', f), 'utf8')).join('\n');
    // Run 002's third attempt is shown the rejected key; run 003's prompt quotes 002's rationale.
    expect(texts).toMatch(/x\\u001b\]0;pwned\\u0007y/);
    expect(texts).toContain('- Rationale: "raise lr - forged | line\\u001b]0;pwned\\u0007 \\u0000\\u202e\\u009b2J"');
  });

  it('shows the audit, status, events and replays escaped', async () => {
    const audit = await cli(ws, 'audit', '002');
    expect(audit.exitCode).toBe(0);
    expect(audit.stdout).toContain(`rationale: raise lr${TAIL_SHOWN}\n`);
    expect(audit.stdout).toContain(`hypothesis: learns faster${TAIL_SHOWN}\n`);
    const status = await cli(ws, 'status');
    expect(status.stdout).toContain('\\x1b]0;pwned\\x07');
    const events = await cli(ws, 'events');
    expect(events.stdout).toContain('\\x1b]0;pwned\\x07');
    // After the first failure, the proposal with the bad key, and the halt (its reason holds the agent's last line).
    const seqs = ['ProposalFailed', 'ProposalReceived', 'LoopHalted'].map((type) => log.find((e) => e.type === type)!.seq);
    const replays = await Promise.all(seqs.map((seq) => cli(ws, 'replay', '--at', String(seq))));
    for (const out of [audit, status, events, ...replays]) {
      expect(out.exitCode, out.stderr).toBe(0);
      expect(out.stdout).not.toMatch(RAW_CONTROL);
      expect(out.stderr).not.toMatch(RAW_CONTROL);
    }
    expect(replays.map((r) => r.stdout).join('')).toContain('\\x1b]0;pwned\\x07');
  });

  it('shows a proposal file’s key escaped in validate', async () => {
    const file = join(ws, '..', 'evil-proposal.json');
    writeFileSync(file, JSON.stringify({ overrides: { train: { [EVIL_KEY]: 1 } }, rationale: RATIONALE, hypothesis: HYPOTHESIS }));
    const r = await cli(ws, 'validate', file);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('train.x\\x1b]0;pwned\\x07y [unknown_key]');
    expect(r.stdout).not.toMatch(RAW_CONTROL);
  });

  it('rebuilds the escaped projections byte for byte', async () => {
    const files = [...walk(join(ws, 'journal')), ...walk(join(ws, 'runs'))].filter((f) => /\.(md|txt|json)$/.test(f) && !f.includes('trainer_summary'));
    const before = new Map(files.map((f) => [f, readFileSync(f)]));
    rmSync(join(ws, 'journal'), { recursive: true });
    rmSync(join(ws, 'runs', '002', 'notes.txt'));
    const r = await cli(ws, 'rebuild');
    expect(r.exitCode, r.stderr).toBe(0);
    for (const [f, bytes] of before) expect(readFileSync(f).equals(bytes), f).toBe(true);
  });
});
