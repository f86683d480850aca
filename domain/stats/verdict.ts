/** The verdicts of a comparison of a candidate's sample with the incumbent's. */
export const VERDICTS = ['improved', 'regressed', 'inconclusive'] as const;
/** The verdict of a comparison (a `RunEvaluated` event may also record `baseline`: a run compared with nothing). */
export type Verdict = (typeof VERDICTS)[number];
