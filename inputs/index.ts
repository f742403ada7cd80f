/**
 * The inputs layer's public entry: parsers that turn scenario files and /proc/iomem text into the
 * typed events of ./types.ts. Errors are values (InputError); nothing here prints, exits or reads the
 * clock, and the only file access goes through the caller's `readFile`.
 */
export type * from './types.js';
export { parseScenario, MAX_ERRORS, type ParseScenarioOptions, type ReadFile } from './scenario.js';
export { parseIomem } from './iomem.js';
export { parseNumber, parseSize, parseBareHex, parseSafeInteger, hex, U64_MAX, type NumberResult } from './numbers.js';
export { OPERATION_WORDS } from './operations.js';
export { MAX_NUMNODES } from './ranges.js';
export { MAX_LINE_LENGTH, MAX_STEPS, MAX_BOOT_RANGES, MAX_BOOT_SECTIONS, MAX_SECTIONS_PER_CALL, MAX_RUN_SECTIONS } from './limits.js';
