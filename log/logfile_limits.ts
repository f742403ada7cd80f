/**
 * The largest log file memhp reads. A file past a limit is refused at the line that passes it,
 * with a message naming the limit (never a crash or an allocation the file does not pay for);
 * one operation of a log is held to the scenario's own limits (MAX_SECTIONS_PER_CALL,
 * inputs/operations.ts; the address-space checks of inputs/ranges.ts).
 */
import { MAX_STEPS } from '../inputs/limits.js';

/**
 * The most steps (boot included) one log file may hold: the operations one scenario or trace may
 * have (MAX_STEPS, inputs/limits.ts) and the boot step, since every log is recorded from one. A
 * header announcing more is refused before any record is read.
 */
export const MAX_LOG_STEPS = MAX_STEPS + 1;

/**
 * The longest line of a log file, in bytes: just under the longest string JavaScript can hold
 * (V8: 2^29 − 24 characters), so no line memhp could have written is refused. The largest record
 * memhp writes (one operation over MAX_SECTIONS_PER_CALL = 2^19 x86_64 sections) is about 350 MB.
 * A longer line is refused at its line number without being kept in memory.
 */
export const MAX_LOG_LINE_BYTES = 2 ** 29 - 1024;

/**
 * The largest format-3 log file, in bytes: it is read whole into memory (its blocks are kept as
 * they are on disk). A 10^6-step log of the bench's workload is about 100 MiB. A larger file is
 * refused at line 1 before it is read.
 */
export const MAX_COMPACT_LOG_BYTES = 2 ** 31;
