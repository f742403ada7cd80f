/** The public entry of model/: the model's pure step functions and the section machine. */
export { bootState, step, getSection, listSections, emptyState } from './model.js';
export type { StepResult } from './model.js';
export { sectionMachine, nextSectionState, transitionUncached } from './section_machine.js';
export type { SectionEvent, BootRelation } from './section_machine.js';
