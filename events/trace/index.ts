/**
 * The ftrace text reader (real kernel traces of memory hotplug): public API of events/trace/.
 */
export { findTraceText, readConsoleTrace, readTrace, type EmbeddedTrace } from './reader.js';
export { flattenCalls, pairCalls, type PairedCalls } from './pair.js';
export { parseArgs, parseInt64, toInt32 } from './values.js';
export type * from './types.js';
