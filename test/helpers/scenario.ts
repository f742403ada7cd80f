/** The scenario parser tests' helpers: parse a scenario on x86_64, its value, its single error, its one operation. */
import { expect } from 'vitest';
import { parseScenario, type InputError, type Result, type Scenario } from '../../inputs/index.js';
import { deriveGeometry, X86_64 } from '../../kernel/geometry.js';

/** The geometry the scenarios are parsed with. */
export const geometry = deriveGeometry(X86_64);
/** The file name errors name. */
export const FILE = 'test.scn';
/** The default boot layout: 4 GiB of RAM at 4 GiB. */
export const BOOT = 'ram 0x100000000-0x1ffffffff\n';

/** Parse `text` as test.scn. */
export function parse(text: string): Result<Scenario> {
  return parseScenario(text, FILE, { geometry });
}

/** The scenario `text` parses to (throws on errors). */
export function ok(text: string): Scenario {
  const r = parse(text);
  if (!r.ok) throw new Error(`unexpected errors: ${JSON.stringify(r.errors, null, 1)}`);
  return r.value;
}

/** The single error of a scenario that must fail with exactly one. */
export function onlyError(text: string): InputError {
  const r = parse(text);
  if (r.ok) throw new Error('expected an error');
  expect(r.errors).toHaveLength(1);
  return r.errors[0] as InputError;
}

/** The operation of a one-operation scenario after the default boot layout. */
export function op(line: string): Scenario['steps'][number]['op'] | undefined {
  return ok(BOOT + line).steps[0]?.op;
}
