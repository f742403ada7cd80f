/** memhp's version, on its own so that `memhp --version` loads nothing else (log/serialize.ts writes it into every log header). */
export const MEMHP_VERSION = '0.1.0';
