/**
 * fast-check runs from a fixed seed, so `npm test` (and CI) is deterministic: the same properties
 * meet the same generated cases every run, and a coverage count asserted after a property is a fact
 * of those cases. `FC_SEED=N npm test` explores another seed; `FC_SEED=random` a fresh one each run.
 */
import fc from 'fast-check';

const env = process.env.FC_SEED;
if (env !== 'random') fc.configureGlobal({ seed: env === undefined ? 20261125 : Number(env) });
