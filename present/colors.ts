import type pc from 'picocolors';

/** Colour functions (identity when colour is off). */
export type Colors = ReturnType<typeof pc.createColors>;
