/** The two run modes: each has its own baseline config (`configs/baseline_<mode>.json`) and its own timeouts. */
export const MODES = ['quick', 'full'] as const;
/** A run mode: `quick` for cheap screening runs, `full` for complete training runs. */
export type Mode = (typeof MODES)[number];
