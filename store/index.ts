/** The public entry of store/: the log, recording, diff, expectations and the JSON-lines form. */
export { HotplugLog, LogCursor, applyPatches, DEFAULT_CHECKPOINT_EVERY } from './log.js';
export type { LogOptions } from './log.js';
export { recordScenario, failedExpectations } from './record.js';
export { diffStates, isEmptyDiff, flagNames } from './diff.js';
export { checkExpectations } from './expectations.js';
export { logToJsonLines, hashInput, LOG_FORMAT, MEMHP_VERSION } from './serialize.js';
export type * from './types.js';
