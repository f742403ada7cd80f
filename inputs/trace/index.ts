/**
 * The ftrace text reader (real kernel traces of memory hotplug): public API of inputs/trace/.
 */
export { findTraceText, readConsoleTrace, readTrace, type EmbeddedTrace } from './reader.js';
export { readConsoleLog } from './console_log.js';
export { findFtraceDumps, readFtraceDump, type FtraceDump } from './dump.js';
export { splitPrintk, type PrintkLine } from './printk.js';
export { parseWarningLine, type WarningLine } from './warning.js';
export { findOopses } from './oops_splat.js';
export { flattenCalls, pairCalls, type PairedCalls } from './pair.js';
export { parseArgs, parseInt64, toInt32 } from './values.js';
export type * from './types.js';
