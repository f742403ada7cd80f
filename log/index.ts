/** The public entry of log/: the log, recording, expectations and the JSON-lines form. */
export { HotplugLog, LogCursor, applyPatches, DEFAULT_CHECKPOINT_EVERY } from './log.js';
export type { LogOptions } from './log.js';
export { recordScenario, runScenario, failedExpectations } from './record.js';
export { checkExpectations } from './expectations.js';
export { logToJsonLines, logJsonLines, jsonLines, hashInput, LOG_FORMAT, MEMHP_VERSION } from './serialize.js';
export type { LogMeta, ForkOrigin, ForkChange } from './serialize.js';
export { readLogLines, splitHash, textLines } from './logfile.js';
export type { LoadedLogFile, LogDamage, LogLine } from './logfile.js';
export { readLogFile, isLogFile } from './logfile_fs.js';
export { writeLinesAtomic, writeLinesAtomicAsync, sameFile } from './write_atomic.js';
export type { AtomicWriteOptions, WriteFs, WriteResult } from './write_atomic.js';
export { upgradeHeader, upgradeRecord } from './logfile_upgrade.js';
export type * from './types.js';
