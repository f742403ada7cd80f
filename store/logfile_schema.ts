/**
 * The shapes of a log file's lines (valibot schemas): the header and step record of format 1
 * (before hashes) and format 2 (store/serialize.ts). Checked after the hash, so a record that
 * passes both was written by memhp; nested values (outcomes, patches) are checked one level deep.
 */
import * as v from 'valibot';

const nat = v.pipe(v.number(), v.integer(), v.minValue(0));
const hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));

/** Operation kinds a record's `op` may name (events/types.ts Operation). */
export const OPERATION_KINDS = [
  'add_pages',
  '__add_pages',
  '__remove_pages',
  'sparse_add_section',
  'sparse_remove_section',
  'online_mem_sections',
  'offline_mem_sections',
  'pfn_valid',
  'pfn_to_online_page',
  'move_pfn_range_to_zone',
  'remove_pfn_range_from_zone',
] as const;

const config = v.object({ SPARSEMEM_VMEMMAP: v.boolean(), PSE: v.boolean(), DEBUG_VM: v.boolean(), MEMORY_FAILURE: v.boolean(), ZONE_DEVICE: v.boolean() });

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
  input: v.object({ name: v.string(), sha256: v.string() }),
  steps: nat,
};

/** The header of format 1 (memhp before log files: `memhp run --json`). */
export const HeaderV1 = v.object({ ...headerFields, format: v.literal(1) });

const bootRange = v.object({ startPfn: nat, endPfn: nat, nid: nat });
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
  kernelLine: v.nullable(v.string()),
  boot: v.nullable(v.object({ ranges: v.array(bootRange), iomem: v.array(iomemResource), source: v.string() })),
  forkedFrom: v.nullable(v.object({ file: v.string(), hash: hex64, at: nat, change: changeSchema })),
  hash: hex64,
});

/** A format-2 header. */
export type LogHeader = v.InferOutput<typeof HeaderV2>;
/** A format-1 header. */
export type LogHeaderV1 = v.InferOutput<typeof HeaderV1>;

const op = v.nullable(v.looseObject({ kind: v.picklist(OPERATION_KINDS) }));
const inject = v.array(v.object({ kind: v.picklist(['usage', 'root', 'memmap']), nth: v.pipe(nat, v.minValue(1)) }));
const outcome = v.looseObject({
  ret: v.nullable(v.number()),
  value: v.nullable(v.boolean()),
  warnings: v.array(v.unknown()),
  path: v.string(),
  sections: v.array(v.unknown()),
  resources: v.array(v.unknown()),
  hazards: v.array(v.unknown()),
  notes: v.array(v.string()),
  /** The traceable nested calls (sparse_add_section …); logs written before they were recorded have none. */
  calls: v.optional(v.array(v.number()), () => []),
});
const patch = v.looseObject({ op: v.picklist(['add', 'replace', 'remove']), path: v.array(v.union([v.string(), v.number()])) });
/** A list of immer patches (checked in full only when a record's patches are not of the form memhp writes: store/logfile_changes.ts). */
export const Patches = v.array(patch);
/** Patches, checked later (copying every patch here would double a loaded log's cost). */
const patchesUnchecked = v.array(v.unknown());
const source = v.pipe(v.string(), v.regex(/^.*:\d+$/));

/** Fields every record format has. */
const recordFields = { seq: nat, source, text: v.string(), op, inject, outcome };

/** A step record of format 1. */
export const RecordV1 = v.object({
  ...recordFields,
  expects: v.array(v.object({ line: nat, text: v.string(), ok: v.boolean(), detail: v.string() })),
  patches: Patches,
  inversePatches: Patches,
});

/** A step record of format 2 (without its hash, checked separately). */
export const RecordV2 = v.object({
  ...recordFields,
  expects: v.array(v.object({ line: nat, text: v.string(), expect: v.looseObject({ kind: v.string() }), ok: v.boolean(), detail: v.string() })),
  patches: patchesUnchecked,
  inversePatches: patchesUnchecked,
});

/** A format-1 record. */
export type LogRecordV1 = v.InferOutput<typeof RecordV1>;
/** A format-2 record (without its hash). */
export type LogRecord = v.InferOutput<typeof RecordV2>;

/** Check `value` against `schema`: the value, or the first problem as `field: what`. */
export function check<S extends v.GenericSchema>(schema: S, value: unknown): { ok: true; value: v.InferOutput<S> } | { ok: false; message: string } {
  const r = v.safeParse(schema, value);
  if (r.success) return { ok: true, value: r.output };
  const issue = r.issues[0];
  const path = v.getDotPath(issue);
  return { ok: false, message: `${path ?? 'record'}: ${issue.message}` };
}
