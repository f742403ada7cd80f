/** The public entry of kernel/: the vocabulary every layer shares (geometry, bitmaps, errno, section fields, the operation and change tables, profiles). */
export { createProfile, resolveProfile, describeProfile, KERNELS, DEFAULT_CONFIG } from './profile.js';
export type { ProfileOptions } from './profile.js';
export * from './types.js';
export * from './section_fields.js';
export { CONFIG_OPTIONS, CONFIG_NAMES, configText, type ConfigName } from './config.js';
export type { ChangeId, KernelChange } from './versions.js';
export type * from './operation.js';
export * from './geometry.js';
export * from './pfn.js';
export * from './bitmap.js';
export { formatRet, parseRet, ERRNO } from './errno.js';
export { fmtHexAlt, fmtHex, fmtHex16, fmtLong, ranges } from './format.js';
export { BUGS } from './bugs.js';
export { classifySection } from './classify.js';
export { sectionWord, VMEMMAP_BASE, PAGE_OFFSET } from './section_word.js';
export { zeroSection } from './zero_section.js';
export { ERRORS, exitStatus } from './errors.js';
export type { ErrorCode, ExitStatus, Failed, LocatedError, MemhpError } from './errors.js';
