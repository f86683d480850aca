/** Where the stamp is kept (dist/.test-build-stamp). */
export declare const STAMP: string;
/** A hash of every path and byte the build reads: equal hashes mean dist/ is what a build would make now. */
export declare function sourceHash(): string;
/** Stamps dist/ with `hash` (the hash the build started from), atomically. */
export declare function writeStamp(hash: string): void;
