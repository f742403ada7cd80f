/** The public entry of query/: questions asked of a log (diff, blame, print, bisect, shrink, fork, compare, check). */
export { diffStates, isEmptyDiff, flagNames } from './diff.js';
export { forkLog } from './fork.js';
export type { ForkEdit } from './fork.js';
