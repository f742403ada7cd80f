/**
 * The shapes of a log file's lines (valibot schemas): the header and step record of format 1
 * (before hashes) and format 2 (log/serialize.ts), every field of them down to the leaves — the
 * operation, the injected failures, the outcome (warnings, section effects, resources, hazards,
 * nested calls), the expectations. A hash chain proves a file whole, not that memhp wrote it (anyone
 * can edit a record and seal the chain again), so nothing read is trusted beyond what these check.
 * What depends on the log's geometry (address-space bounds, section sizes) and the patches, checked
 * against the state they apply to, are log/logfile_check.ts's.
 */
import * as v from 'valibot';
import { MAX_NUMNODES } from '../inputs/ranges.js';
import type { Expectation } from '../inputs/types.js';
import type { Failed } from '../kernel/errors.js';
import { CONFIG_NAMES, type ConfigName } from '../kernel/config.js';
import { ZONES, type Operation } from '../kernel/operation.js';
import { MAP_KINDS, MEMMAP_CHARS, SECTION_STATE_GROUPS, SECTION_STATES, USAGE_KINDS } from '../kernel/section_fields.js';
import { ALLOC_KINDS, HAZARD_KINDS, RESOURCE_KINDS, SUBCALL_FNS, WARNING_KINDS, type Hazard } from '../kernel/types.js';
import { MAX_LOG_STEPS } from './logfile_limits.js';

/** A safe integer (a JSON number that is exactly an integer in a double). */
const int = v.pipe(v.number(), v.safeInteger());
const nat = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const nid = v.pipe(nat, v.maxValue(MAX_NUMNODES - 1, `a node number must be below MAX_NUMNODES (${MAX_NUMNODES})`));

/** The check that a string holds only memmap characters (kernel/section_fields.ts MEMMAP_CELLS). */
export const memmapChars = v.regex(new RegExp(`^[${MEMMAP_CHARS.replace(/[\]\\^-]/g, '\\$&')}]*$`), `not memmap characters (${MEMMAP_CHARS})`);

const config = v.object(Object.fromEntries(CONFIG_NAMES.map((k) => [k, v.boolean()])) as Record<ConfigName, v.BooleanSchema<undefined>>);

/** Fields every header format has. */
const headerFields = {
  memhp: v.literal('log'),
  version: v.string(),
  profile: v.string(),
  kernel: v.string(),
  arch: v.string(),
  /** x86_64 page-table levels (absent in logs of memhp before 5-level paging: those are 4-level). */
  paging: v.optional(v.picklist([4, 5])),
  config,
  checkpointEvery: v.pipe(nat, v.minValue(1)),
  input: v.object({ name: v.string(), sha256: hex64 }),
  steps: v.pipe(nat, v.maxValue(MAX_LOG_STEPS, `more steps than MAX_LOG_STEPS (${MAX_LOG_STEPS}), the most memhp reads from one log file`)),
};

/** The header of format 1 (memhp before log files: `memhp run --json`). */
export const HeaderV1 = v.object({ ...headerFields, format: v.literal(1) });

/** Where a line came from: `file:line` (a generated input's steps are at line 0). */
const source = v.pipe(v.string(), v.regex(/^.*:\d{1,16}$/, 'not file:line'));

/** Boot RAM ranges (pfns, end exclusive) and /proc/iomem lines; bounded by the geometry in log/logfile_check.ts. */
const bootRange = v.object({ startPfn: nat, endPfn: nat, nid });
const iomemResource = v.object({ start: nat, end: nat, name: v.string(), depth: nat });
const changeSchema = v.variant('kind', [
  v.object({ kind: v.literal('drop'), step: nat }),
  v.object({ kind: v.literal('insert'), op: v.string() }),
  v.object({ kind: v.literal('replace'), step: nat, op: v.string() }),
]);

/** The header of format 2 (its hash is checked separately). */
export const HeaderV2 = v.object({
  ...headerFields,
  format: v.literal(2),
  input: v.object({ name: v.string(), sha256: hex64 }),
  kernelLine: v.nullable(v.string()),
  boot: v.nullable(v.object({ ranges: v.array(bootRange), iomem: v.array(iomemResource), source })),
  forkedFrom: v.nullable(v.object({ file: v.string(), hash: hex64, at: nat, change: changeSchema })),
  hash: hex64,
});

/** The header of format 3 (log/compact.ts): format 2's, plus the source-file table, the block size and the state interval. */
export const HeaderV3 = v.object({
  ...HeaderV2.entries,
  format: v.literal(3),
  files: v.array(v.string()),
  block: v.literal(256),
  stateEvery: v.literal(4096),
});

/** A format-2 or format-3 header. */
export type LogHeader = v.InferOutput<typeof HeaderV2> | v.InferOutput<typeof HeaderV3>;
/** A format-3 header. */
export type LogHeaderV3 = v.InferOutput<typeof HeaderV3>;
/** A format-1 header. */
export type LogHeaderV1 = v.InferOutput<typeof HeaderV1>;

const altmap = v.nullable(v.object({ base_pfn: nat, reserve: nat, free: nat }));
const range = { pfn: nat, nr_pages: nat };

/** An operation: exactly the fields of its kind (inputs/types.ts Operation); its bounds are checked with the geometry. */
const op = v.nullable(
  v.variant('kind', [
    v.object({ kind: v.picklist(['add_pages', '__add_pages', 'sparse_add_section']), nid, ...range, altmap }),
    v.object({ kind: v.literal('__remove_pages'), ...range, altmap }),
    v.object({ kind: v.literal('sparse_remove_section'), ...range, map_offset: nat, altmap }),
    v.object({ kind: v.picklist(['online_mem_sections', 'offline_mem_sections']), start_pfn: nat, end_pfn: nat }),
    v.object({ kind: v.picklist(['pfn_valid', 'pfn_to_online_page']), pfn: nat }),
    v.object({ kind: v.picklist(['move_pfn_range_to_zone', 'remove_pfn_range_from_zone']), ...range, zone: v.picklist(ZONES) }),
  ]),
);
const inject = v.array(v.object({ kind: v.picklist(ALLOC_KINDS), nth: v.pipe(nat, v.minValue(1)) }));

const warning = v.object({
  kind: v.picklist(WARNING_KINDS),
  func: v.string(),
  file: v.string(),
  text: v.string(),
});
const sectionState = v.picklist(SECTION_STATES);
const effect = v.object({ nr: nat, before: sectionState, after: sectionState });
const resource = v.object({
  kind: v.picklist(RESOURCE_KINDS),
  section: nat,
  pfn: nat,
  nrPages: nat,
  how: v.string(),
});
const hazard = v.object({
  kind: v.picklist(HAZARD_KINDS),
  bug: v.nullable(v.string()),
  text: v.string(),
  fixedBy: v.nullable(v.string()),
  oops: v.optional(v.object({ line: v.string(), func: v.string() })),
});
/** The nested calls, four numbers each (kernel/subcalls.ts): function index, pfn, nr_pages, return. */
const calls = v.pipe(
  v.array(int),
  v.check((c) => c.length % 4 === 0, 'not a whole number of calls (four numbers each)'),
  v.check((c) => c.every((x, i) => i % 4 !== 0 || (x >= 0 && x < SUBCALL_FNS.length)), `a call names no traced function (its first number is not 0-${SUBCALL_FNS.length - 1})`),
  v.check((c) => c.every((x, i) => i % 4 === 0 || i % 4 === 3 || x >= 0), 'a call has a negative pfn or nr_pages'),
);
const outcome = v.object({
  ret: v.nullable(int),
  value: v.nullable(v.boolean()),
  warnings: v.array(warning),
  path: v.string(),
  sections: v.array(effect),
  resources: v.array(resource),
  hazards: v.array(hazard),
  notes: v.array(v.string()),
  /** The traceable nested calls (sparse_add_section …); logs written before they were recorded have none. */
  calls: v.optional(calls),
});

/** An expectation (inputs/types.ts Expectation); a section's map and memmap are sized by the geometry in log/logfile_check.ts. */
const expectation = v.variant('kind', [
  v.object({ kind: v.literal('ret'), ret: v.nullable(int) }),
  v.object({ kind: v.literal('value'), value: v.boolean() }),
  v.object({ kind: v.literal('warn'), text: v.string() }),
  v.object({ kind: v.picklist(['no-warn', 'no-hazard']) }),
  v.object({ kind: v.literal('hazard'), bug: v.string() }),
  v.object({
    kind: v.literal('section'),
    nr: nat,
    state: v.optional(v.picklist([...SECTION_STATE_GROUPS, ...SECTION_STATES])),
    flags: v.optional(v.pipe(nat, v.maxValue(31, 'bits beyond the section flags (0x1f)'))),
    map: v.optional(v.array(v.pipe(nat, v.maxValue(0xffffffff)))),
    usage: v.optional(v.picklist(USAGE_KINDS)),
    memmap: v.optional(v.pipe(v.string(), memmapChars)),
  }),
]);

/** Patches, checked against the state they apply to (log/logfile_check.ts) rather than here. */
const patches = v.array(v.unknown());

/** Fields every record format has. */
const recordFields = { seq: nat, source, text: v.string(), op, inject, outcome, patches, inversePatches: patches };

/** A step record of format 1 (its expectations as text only). */
export const RecordV1 = v.object({
  ...recordFields,
  expects: v.array(v.object({ line: nat, text: v.string(), ok: v.boolean(), detail: v.string() })),
});

/** A step record of format 2 (without its hash, checked separately). */
export const RecordV2 = v.object({
  ...recordFields,
  expects: v.array(v.object({ line: nat, text: v.string(), expect: expectation, ok: v.boolean(), detail: v.string() })),
});

/** A step record of format 3 (log/record_codec.ts): [seq, file index, line, text, op, inject, outcome, expects, changes]. */
export const RecordV3 = v.tuple([
  nat,
  nat,
  nat,
  v.string(),
  op,
  inject,
  outcome,
  v.array(v.object({ line: nat, text: v.string(), expect: expectation, ok: v.boolean(), detail: v.string() })),
  patches,
]);

/** A format-1 record. */
export type LogRecordV1 = v.InferOutput<typeof RecordV1>;
/** A format-2 record (without its hash). */
export type LogRecord = v.InferOutput<typeof RecordV2>;

// Every field of the model's types has its schema: these fail to compile when a type grows a field.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _opOk: Same<NonNullable<v.InferOutput<typeof op>>, Operation> = true;
const _expectOk: Same<v.InferOutput<typeof expectation>['kind'], Expectation['kind']> = true;
const _hazardOk: Same<keyof v.InferOutput<typeof hazard>, keyof Hazard> = true;
void [_opOk, _expectOk, _hazardOk];

/** Check `value` against `schema`: the value, or the first problem as `field: what`. */
export function check<S extends v.GenericSchema>(schema: S, value: unknown): { ok: true; value: v.InferOutput<S> } | Failed {
  const r = v.safeParse(schema, value);
  if (r.success) return { ok: true, value: r.output };
  return { ok: false, code: 'E_LOG', message: issueText(r.issues[0]) };
}

/** Check `value` against `schema` and keep `value` itself (as read, keys in the file's order: written back byte for byte). */
export function validate<S extends v.GenericSchema>(schema: S, value: unknown): { ok: true; value: v.InferInput<S> } | Failed {
  const r = v.safeParse(schema, value);
  return r.success ? { ok: true, value: value as v.InferInput<S> } : { ok: false, code: 'E_LOG', message: issueText(r.issues[0]) };
}

/** An issue as `field.path: what`. */
function issueText(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue);
  return `${path ?? 'record'}: ${issue.message}`;
}
