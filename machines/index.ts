/** The public entry of machines/: profiles, the model's pure step functions, and the types. */
export { createProfile, resolveProfile, describeProfile, KERNELS, DEFAULT_CONFIG } from './profile.js';
export type { ProfileOptions } from './profile.js';
export { bootState, step, getSection, listSections, emptyState } from './model.js';
export type { StepResult } from './model.js';
export { sectionMachine, nextSectionState, transitionUncached } from './section_machine.js';
export type { SectionEvent, BootRelation } from './section_machine.js';
export * from './types.js';
export * from './geometry.js';
export * from './bitmap.js';
export { formatRet, parseRet, ERRNO } from './errno.js';
export { fmtHexAlt, fmtHex, fmtHex16, fmtLong } from './format.js';
export { BUGS } from './bugs.js';
export { classifySection } from './classify.js';
export { sectionWord, VMEMMAP_BASE, PAGE_OFFSET } from './section_word.js';
