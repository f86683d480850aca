/** The Slurm parsers on output captured from this machine's Slurm, and on odd lines (spaces, `|` and `Key=` inside values, unknown states). */
import { describe, expect, it } from 'vitest';
import { parseAccountingStorageType, parseSacct, parseJobDetails, parseQueue, parseSbatchJobId } from '../../../../adapters/launcher/slurm/parse.js';

/** Real output captured from slurm-wlm 22.05.8 (one node, no accounting), with `\n` line ends as the commands print them. */
const SQUEUE_ALL =
  '3|t3|CANCELLED|None|0|s/r3/1\n6|sleepy|CANCELLED|None|0|c2\n7|sl.sh|CANCELLED|BeginTime|1|(null)\n1|t1|COMPLETED|None|0|s/r1/1\n2|t2|COMPLETED|None|1|s/r2/1\n4|t4|FAILED|JobLaunchFailure|0|s/r4/1\n5|a very long job name with spaces and more text than twenty chars|FAILED|NonZeroExitCode|0|comment with spaces | and pipe Key=Val\n';
const SHOW_FAILED_EXIT_3 =
  'JobId=5 JobName=a very long job name with spaces and more text than twenty chars UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901755 Nice=0 Account=(null) QOS=(null) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:00 TimeLimit=365-00:00:00 TimeMin=N/A SubmitTime=2026-12-07T11:50:12 EligibleTime=2026-12-07T11:50:12 AccrueTime=2026-12-07T11:50:12 StartTime=2026-12-07T11:50:12 EndTime=2026-12-07T11:50:12 Deadline=N/A SuspendTime=None SecsPreSuspend=0 LastSchedEval=2026-12-07T11:50:12 Scheduler=Backfill Partition=debug AllocNode:Sid=localhost:4649 ReqNodeList=(null) ExcNodeList=(null) NodeList=vm BatchHost=vm NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=YES Contiguous=0 Licenses=(null) Network=(null) Command=/tmp/slurmcap/ok.sh WorkDir=/tmp/slurmcap Comment=comment with spaces | and pipe Key=Val  StdErr=/tmp/slurmcap/o-5.txt StdIn=/dev/null StdOut=/tmp/slurmcap/o-5.txt Power= \n';
const SHOW_CANCELLED =
  'JobId=6 JobName=sleepy UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901754 Nice=0 Account=(null) QOS=(null) JobState=CANCELLED Reason=None Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:15 RunTime=00:00:28 TimeLimit=365-00:00:00 TimeMin=N/A SubmitTime=2026-12-07T11:50:12 EligibleTime=2026-12-07T11:50:12 AccrueTime=2026-12-07T11:50:12 StartTime=2026-12-07T11:50:12 EndTime=2026-12-07T11:50:40 Deadline=N/A SuspendTime=None SecsPreSuspend=0 LastSchedEval=2026-12-07T11:50:12 Scheduler=Backfill Partition=debug AllocNode:Sid=localhost:4649 ReqNodeList=(null) ExcNodeList=(null) NodeList=vm BatchHost=vm NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=YES Contiguous=0 Licenses=(null) Network=(null) Command=/tmp/slurmcap/sl.sh WorkDir=/tmp/slurmcap Comment=c2  StdErr=/tmp/slurmcap/o-6.txt StdIn=/dev/null StdOut=/tmp/slurmcap/o-6.txt Power= \n';
const SHOW_CANCELLED_WHILE_REQUEUED_NO_COMMENT =
  'JobId=7 JobName=sl.sh UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901753 Nice=0 Account=(null) QOS=(null) JobState=CANCELLED Reason=BeginTime Dependency=(null) Requeue=1 Restarts=1 BatchFlag=1 Reboot=0 ExitCode=0:0 RunTime=00:00:00 TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-12-07T11:50:40 EligibleTime=2026-12-07T11:52:41 AccrueTime=2026-12-07T11:52:41 StartTime=2026-12-07T11:50:59 EndTime=2026-12-07T11:50:59 Deadline=N/A SuspendTime=None SecsPreSuspend=0 LastSchedEval=2026-12-07T11:50:22 Scheduler=Main Partition=debug AllocNode:Sid=localhost:4649 ReqNodeList=(null) ExcNodeList=(null) NodeList= NumNodes=1 NumCPUs=1 NumTasks=0 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=YES Contiguous=0 Licenses=(null) Network=(null) Command=/tmp/slurmcap/sl.sh WorkDir=/tmp/slurmcap StdErr=/tmp/slurmcap/o-7.txt StdIn=/dev/null StdOut=/tmp/slurmcap/o-7.txt Power= \n';
const SHOW_REQUEUED_PENDING =
  'JobId=8 JobName=rq UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901752 Nice=0 Account=(null) QOS=(null) JobState=PENDING Reason=BeginTime Dependency=(null) Requeue=1 Restarts=1 BatchFlag=1 Reboot=0 ExitCode=0:0 RunTime=00:00:00 TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-12-07T11:53:09 EligibleTime=2026-12-07T11:55:10 AccrueTime=2026-12-07T11:55:10 StartTime=2026-12-07T11:55:10 EndTime=Unknown Deadline=N/A SuspendTime=None SecsPreSuspend=0 LastSchedEval=2026-12-07T11:53:08 Scheduler=Main Partition=debug AllocNode:Sid=localhost:4649 ReqNodeList=(null) ExcNodeList=(null) NodeList= NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,mem=23081M,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=YES Contiguous=0 Licenses=(null) Network=(null) Command=/tmp/slurmcap/sl.sh WorkDir=/tmp/slurmcap Comment=ap run=r1 attempt=1  StdErr=/tmp/slurmcap/o-8.txt StdIn=/dev/null StdOut=/tmp/slurmcap/o-8.txt Power= \n';
const SHOW_RUNNING =
  'JobId=6 JobName=sleepy UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901754 Nice=0 Account=(null) QOS=(null) JobState=RUNNING Reason=None Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0 RunTime=00:00:10 TimeLimit=365-00:00:00 TimeMin=N/A SubmitTime=2026-12-07T11:50:12 EligibleTime=2026-12-07T11:50:12 AccrueTime=2026-12-07T11:50:12 StartTime=2026-12-07T11:50:12 EndTime=2027-12-07T11:50:12 Deadline=N/A SuspendTime=None SecsPreSuspend=0 LastSchedEval=2026-12-07T11:50:12 Scheduler=Backfill Partition=debug AllocNode:Sid=localhost:4649 ReqNodeList=(null) ExcNodeList=(null) NodeList=vm BatchHost=vm NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=YES Contiguous=0 Licenses=(null) Network=(null) Command=/tmp/slurmcap/sl.sh WorkDir=/tmp/slurmcap Comment=c2  StdErr=/tmp/slurmcap/o-6.txt StdIn=/dev/null StdOut=/tmp/slurmcap/o-6.txt Power= \n';
const SHOW_CONFIG = `Configuration data as of 2026-12-07T11:53:04
AccountingStorageBackupHost = (null)
AccountingStorageEnforce = none
AccountingStorageHost   = localhost
AccountingStoragePort   = 0
AccountingStorageTRES   = cpu,mem,energy,node,billing,fs/disk,vmem,pages
AccountingStorageType   = accounting_storage/none
AccountingStorageUser   = root
`;

describe('parseSbatchJobId', () => {
  it('reads the id alone or before a cluster name, around white space', () => {
    expect(parseSbatchJobId('123\n')).toBe('123');
    expect(parseSbatchJobId('  456;autopilot\n')).toBe('456');
  });

  it('throws on anything else', () => {
    for (const out of ['', 'Submitted batch job 123', 'abc', '12 34', '-1', '123;']) expect(() => parseSbatchJobId(out), out).toThrow(/printed no job id/);
  });
});

describe('parseQueue', () => {
  it('reads every job of a real squeue listing, with an absent comment as empty', () => {
    const entries = parseQueue(SQUEUE_ALL);
    expect(entries.map((e) => e.jobId)).toEqual(['3', '6', '7', '1', '2', '4', '5']);
    expect(entries[1]).toEqual({ jobId: '6', name: 'sleepy', state: 'CANCELLED', reason: 'None', restarts: 0, comment: 'c2' });
    expect(entries[2]).toEqual({ jobId: '7', name: 'sl.sh', state: 'CANCELLED', reason: 'BeginTime', restarts: 1, comment: '' });
    expect(entries[4]!.restarts).toBe(1);
    expect(entries[5]!.reason).toBe('JobLaunchFailure');
  });

  it('keeps spaces in names and a `|` in the last field, the comment', () => {
    const last = parseQueue(SQUEUE_ALL).at(-1)!;
    expect(last.name).toBe('a very long job name with spaces and more text than twenty chars');
    expect(last.state).toBe('FAILED');
    expect(last.reason).toBe('NonZeroExitCode');
    expect(last.comment).toBe('comment with spaces | and pipe Key=Val');
  });

  it('keeps a `|` in a name when the fields after it do not fit there, and another user’s comment full of them', () => {
    const [e] = parseQueue('42|a|b|RUNNING|None|0|x|0|y|\n');
    expect(e).toEqual({ jobId: '42', name: 'a|b', state: 'RUNNING', reason: 'None', restarts: 0, comment: 'x|0|y|' });
  });

  it('passes an unknown state through, and array task ids', () => {
    const [e] = parseQueue('77_3|t|SOME_NEW_STATE|Whatever it says|2|\n');
    expect(e).toEqual({ jobId: '77_3', name: 't', state: 'SOME_NEW_STATE', reason: 'Whatever it says', restarts: 2, comment: '' });
  });

  it('reads nothing from empty output, and throws on a line of another format', () => {
    expect(parseQueue('')).toEqual([]);
    expect(parseQueue('\n\n')).toEqual([]);
    expect(() => parseQueue('JOBID PARTITION NAME\n')).toThrow(/unexpected squeue line/);
    expect(() => parseQueue('1|t|RUNNING|None|notanumber|c\n')).toThrow(/unexpected squeue line/);
  });
});

describe('parseJobDetails', () => {
  it('reads a job that exited 3, with spaces, `|` and `Key=` inside its name and comment', () => {
    expect(parseJobDetails(SHOW_FAILED_EXIT_3)).toEqual({
      jobId: '5',
      name: 'a very long job name with spaces and more text than twenty chars',
      state: 'FAILED',
      reason: 'NonZeroExitCode',
      exitCode: 3,
      signal: null,
      restarts: 0,
      requeue: true,
      comment: 'comment with spaces | and pipe Key=Val',
    });
  });

  it('reads a cancelled job’s signal', () => {
    const d = parseJobDetails(SHOW_CANCELLED);
    expect(d).toMatchObject({ jobId: '6', name: 'sleepy', state: 'CANCELLED', reason: 'None', exitCode: 0, signal: 15, comment: 'c2' });
  });

  it('reads a requeued job held back by BeginTime, whose comment holds Key=Value words', () => {
    const d = parseJobDetails(SHOW_REQUEUED_PENDING);
    expect(d).toMatchObject({ jobId: '8', name: 'rq', state: 'PENDING', reason: 'BeginTime', restarts: 1, requeue: true, comment: 'ap run=r1 attempt=1' });
  });

  it('reads a running job, and a job without a comment as an empty one', () => {
    expect(parseJobDetails(SHOW_RUNNING)).toMatchObject({ jobId: '6', state: 'RUNNING', exitCode: 0, signal: null });
    expect(parseJobDetails(SHOW_CANCELLED_WHILE_REQUEUED_NO_COMMENT)).toMatchObject({ jobId: '7', name: 'sl.sh', state: 'CANCELLED', restarts: 1, comment: '' });
  });

  it('does not take keys from inside a name, and keeps a reason with spaces', () => {
    const line = 'JobId=9 JobName=x JobState=RUNNING Restarts=7 UserId=root(0) JobState=PENDING Reason=job requeued in held state Dependency=(null) Requeue=0 Restarts=2 ExitCode=0:0';
    expect(parseJobDetails(line)).toMatchObject({
      jobId: '9',
      name: 'x JobState=RUNNING Restarts=7',
      state: 'PENDING',
      reason: 'job requeued in held state',
      restarts: 2,
      requeue: false,
      comment: '',
    });
  });

  it('reads a comment at the very end of a line, and an unknown state', () => {
    const d = parseJobDetails('JobId=10 JobName=t UserId=u(1) JobState=WEIRD_NEW Reason=None Dependency=(null) Requeue=1 Restarts=0 ExitCode=137:9 Comment=last words');
    expect(d).toMatchObject({ state: 'WEIRD_NEW', exitCode: 137, signal: 9, comment: 'last words' });
  });

  it('picks the asked job among several lines (an array’s tasks), else the first', () => {
    const two = `${SHOW_CANCELLED}${SHOW_FAILED_EXIT_3}`;
    expect(parseJobDetails(two, '5').jobId).toBe('5');
    expect(parseJobDetails(two).jobId).toBe('6');
  });

  it('gives a null exit code when none is shown, and throws on output without a job', () => {
    expect(parseJobDetails('JobId=11 JobName=t UserId=u(1) JobState=PENDING Reason=None Dependency=(null)').exitCode).toBeNull();
    expect(() => parseJobDetails('')).toThrow(/unexpected scontrol show job output/);
    expect(() => parseJobDetails('No jobs in the system\n')).toThrow(/unexpected scontrol show job output/);
  });
});

describe('parseAccountingStorageType', () => {
  it('reads the accounting plugin from scontrol show config, not a longer key that starts the same', () => {
    expect(parseAccountingStorageType(SHOW_CONFIG)).toBe('accounting_storage/none');
    expect(parseAccountingStorageType('AccountingStorageTypeX = no\nAccountingStorageType = accounting_storage/slurmdbd\n')).toBe('accounting_storage/slurmdbd');
  });

  it('throws when it is missing', () => {
    expect(() => parseAccountingStorageType('ClusterName = x\n')).toThrow(/no AccountingStorageType/);
  });
});

describe('parseSacct', () => {
  // Lines as sacct(1) documents them for -n -P -X -o JobIDRaw,State,ExitCode,Reason (no header; --parsable2: | between fields, none at the end; -X: the allocation only). This machine keeps no accounting, so none is captured here.
  it('reads the state (first word: CANCELLED by UID is CANCELLED), exit code and signal of the job asked for', () => {
    expect(parseSacct('41|COMPLETED|0:0|None\n42|CANCELLED by 1000|0:15|None\n', '42')).toEqual({ state: 'CANCELLED', reason: 'None', exitCode: 0, signal: 15 });
    expect(parseSacct('41|FAILED|3:0|NonZeroExitCode\n', '41')).toEqual({ state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3, signal: null });
    expect(parseSacct('41|TIMEOUT|0:0|TimeLimit\n', '41')).toMatchObject({ state: 'TIMEOUT' });
  });

  it('gives null when the job is not listed', () => {
    expect(parseSacct('', '42')).toBeNull();
    expect(parseSacct('41|COMPLETED|0:0|None\n', '42')).toBeNull();
  });
});
