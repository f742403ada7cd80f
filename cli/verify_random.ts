/**
 * `memhp verify --random N --seed S --ops K`: N generated sequences of K direct calls
 * (verify/random.ts), up to RANDOM_PER_BOOT of them per guest boot on disjoint blocks of fresh
 * sections, each boot's run directory checked against the model. A sequence the kernel and the
 * model disagree on is shrunk on the kernel itself (ddmin, every round's candidates in one boot on
 * blocks of their own) and written as a scenario with the kernel's answers as expect lines.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Operation } from '../kernel/operation.js';
import { resolveProfile } from '../kernel/profile.js';
import { checkTrace, type CheckMismatch } from '../query/check.js';
import type { KernelSource } from '../verify/environment.js';
import { planGuest, MAX_WATCHED_SECTIONS } from '../verify/plan.js';
import type { Accel } from '../verify/qemu_args.js';
import { BLOCK_SECTIONS, FIRST_BLOCK_SECTION, randomSequences, sequencesScenario, type RandomSequence } from '../verify/random.js';
import { verifyScenario } from '../verify/verify.js';
import { GUEST_GEOMETRY } from '../verify/guest_geometry.js';
import { prepareGuestKit, type GuestKit } from '../verify/guest_kit.js';
import { ddminBatched } from '../query/ddmin_batched.js';
import { UserError } from './errors.js';
import type { Io } from './io.js';
import { loadTrace, type LoadedTrace } from './load_trace.js';
import { traceScenarioText } from '../inputs/trace/scenario_text.js';

/** Sequences per boot: as many blocks as the watched-section limit allows. */
export const RANDOM_PER_BOOT = Math.floor(MAX_WATCHED_SECTIONS / BLOCK_SECTIONS);
const SEC = GUEST_GEOMETRY.PAGES_PER_SECTION;

/** What --random runs. */
export interface RandomOptions {
  readonly kernel: KernelSource;
  readonly timeoutS: number;
  readonly accel: Accel | 'auto';
  readonly n: number;
  readonly seed: number;
  readonly ops: number;
  /** Check against this release's model instead of the booted kernel's. */
  readonly modelKernel?: string | undefined;
  readonly out: string;
  readonly json: boolean;
}

/** One boot's verdict per sequence. */
interface BootResult {
  readonly runDir: string;
  readonly kernel: string;
  readonly fieldsCompared: number;
  /** Mismatches by sequence index. */
  readonly bySequence: Map<number, CheckMismatch[]>;
  readonly bootS: number | null;
  readonly planS: number | null;
  /** The boot's trace as read. */
  readonly trace: LoadedTrace;
}

/** Run the sequences; returns the exit code (0 all agree, 1 some disagree, 2 environment). */
export async function runVerifyRandom(io: Io, o: RandomOptions): Promise<number> {
  const seqs = randomSequences(o.n, o.ops, o.seed);
  const say = (s: string): void => {
    if (!o.json) io.err(`memhp verify: ${s}\n`);
  };
  // The kernel's BTF and the guest module serve every boot: made once, removed at the end.
  const kit = prepareGuestKit(o.kernel, (w) => say(`  ${w}`));
  if (!kit.ok) throw new UserError('E_ENV', kit.message);
  try {
    return await runSequences(io, o, seqs, kit.value, say);
  } finally {
    kit.value.dispose();
  }
}

// --- internal ---

/** The boots of `seqs`, each disagreeing sequence shrunk and written; the summary printed; the exit code. */
async function runSequences(io: Io, o: RandomOptions, seqs: readonly RandomSequence[], kit: GuestKit, say: (s: string) => void): Promise<number> {
  let boots = 0;
  const run = async (batch: readonly RandomSequence[], name: string): Promise<BootResult> => {
    boots++;
    return bootBatch(io, o, kit, batch, join(o.out, name), say);
  };
  let fields = 0;
  let calls = 0;
  /** Mismatches at a step or section no sequence owns (the guest did something no call asked for). */
  let unowned = 0;
  const bootTimes: number[] = [];
  const planTimes: number[] = [];
  const bad: Array<{ seq: RandomSequence; mismatches: CheckMismatch[]; file: string; kept: number }> = [];
  for (let b = 0; b * RANDOM_PER_BOOT < seqs.length; b++) {
    const batch = seqs.slice(b * RANDOM_PER_BOOT, (b + 1) * RANDOM_PER_BOOT);
    say(`boot ${b + 1} of ${Math.ceil(seqs.length / RANDOM_PER_BOOT)}: sequences ${batch[0]?.index ?? 0}–${batch[batch.length - 1]?.index ?? 0}`);
    const r = await run(batch, `boot-${b + 1}`);
    const batchCalls = batch.reduce((n, s) => n + s.ops.length, 0);
    fields += r.fieldsCompared;
    calls += batchCalls;
    if (r.bootS !== null) bootTimes.push(r.bootS);
    if (r.planS !== null) planTimes.push(r.planS / batchCalls);
    unowned += r.bySequence.get(-1)?.length ?? 0;
    for (const s of batch) {
      const m = r.bySequence.get(s.index);
      if (m === undefined) continue;
      say(`sequence ${s.index} disagrees (${m.length} mismatch(es)): shrinking it on the kernel`);
      const shrunk = await shrinkOnKernel(s, async (cands, round) => {
        const res = await run(cands, `shrink-${s.index}-${round}`);
        return cands.map((c) => res.bySequence.has(c.index));
      });
      const last = await run([{ ...shrunk, index: 0, firstSection: FIRST_BLOCK_SECTION }], `shrunk-${s.index}`);
      const file = join(o.out, `mismatch-seed${o.seed}-seq${s.index}.scn`);
      writeFileSync(file, mismatchScenario(o, s, shrunk.ops.length, last));
      bad.push({ seq: s, mismatches: m, file, kept: shrunk.ops.length });
    }
  }
  const median = (xs: number[]): number | null => (xs.length === 0 ? null : ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number));
  const summary = { seed: o.seed, sequences: seqs.length, calls, boots, fieldsCompared: fields, mismatchingSequences: bad.length, unownedMismatches: unowned, bootS: median(bootTimes), callS: median(planTimes), mismatches: bad.map((b) => ({ sequence: b.seq.index, scenario: b.file, kept: b.kept, first: b.mismatches[0] })) };
  if (o.json) io.out(`${JSON.stringify(summary)}\n`);
  else {
    if (unowned > 0) io.out(`${unowned} mismatch(es) at steps no sequence owns: see memhp check on the boot directories in ${o.out}\n`);
    for (const b of bad) io.out(`sequence ${b.seq.index}: ${b.mismatches.length} mismatch(es), shrunk to ${b.kept} call(s): ${b.file}\n`);
    const per = summary.callS === null ? '' : `, ${(summary.callS * 1000).toFixed(0)} ms a call`;
    io.out(`${seqs.length} sequences, ${calls} calls, ${boots} boots (median boot ${summary.bootS?.toFixed(1) ?? '?'} s${per}), ${fields} fields compared, ${bad.length} sequences disagree\n`);
  }
  return bad.length > 0 || unowned > 0 ? 1 : 0;
}

/** Boot one batch (each sequence moved to its own block) and check it; throws UserError E_ENV when the guest fails. */
async function bootBatch(io: Io, o: RandomOptions, kit: GuestKit, batch: readonly RandomSequence[], outDir: string, say: (s: string) => void): Promise<BootResult> {
  const placed = batch.map((s, i) => relocate(s, i));
  const scenario = sequencesScenario(placed, `${outDir}/random.scn`);
  const plan = planGuest(scenario, { quiet: true });
  mkdirSync(outDir, { recursive: true });
  const r = await verifyScenario({ scenario, plan, kit, kernel: o.kernel, outDir, timeoutS: o.timeoutS, accel: o.accel, onProgress: (w) => say(`  ${w}`) });
  if (!r.ok) throw new UserError('E_ENV', r.message, [], r.runDir === null ? undefined : `the run directory is kept: ${r.runDir}`);
  const t = loadTrace(io, r.value.runDir, undefined);
  const prof = resolveProfile({ kernel: o.modelKernel ?? t.kernel, paging: t.paging });
  if (!prof.ok) throw new UserError(prof.code, prof.message);
  const res = checkTrace(t.trace, prof.profile, t.warns);
  const bySequence = new Map<number, CheckMismatch[]>();
  for (const m of res.mismatches) {
    const op = t.trace.scenario.steps[m.step - 1]?.op;
    const sec = m.section ?? (op === undefined ? null : Math.floor(firstPfn(op) / SEC));
    const i = sec === null ? -1 : Math.floor((sec - FIRST_BLOCK_SECTION) / BLOCK_SECTIONS);
    const s = batch[i];
    const key = s === undefined ? -1 : s.index;
    bySequence.set(key, [...(bySequence.get(key) ?? []), m]);
  }
  return { runDir: r.value.runDir, kernel: t.kernel, fieldsCompared: res.fieldsCompared, bySequence, bootS: r.value.timings.bootS, planS: r.value.timings.planS, trace: t };
}

function firstPfn(op: Operation): number {
  return 'start_pfn' in op ? op.start_pfn : op.pfn;
}

/** `s` moved to block `slot` of a boot (its calls shifted by whole blocks; the kernel's answers do not depend on where a fresh block lies). */
function relocate(s: RandomSequence, slot: number): RandomSequence {
  const first = FIRST_BLOCK_SECTION + slot * BLOCK_SECTIONS;
  const d = (first - s.firstSection) * SEC;
  const ops = s.ops.map((op): Operation => {
    if ('start_pfn' in op) return { ...op, start_pfn: op.start_pfn + d, end_pfn: op.end_pfn + d };
    return { ...op, pfn: op.pfn + d };
  });
  return { index: s.index, firstSection: first, ops };
}

/** ddmin over the sequence's calls, each round's candidates run in one boot. */
async function shrinkOnKernel(s: RandomSequence, test: (cands: RandomSequence[], round: number) => Promise<boolean[]>): Promise<RandomSequence> {
  let round = 0;
  const { result: kept } = await ddminBatched(
    s.ops.map((_, i) => i),
    async (subsets) => {
      round++;
      const cands = subsets.map((idx, j) => ({ index: j, firstSection: s.firstSection, ops: idx.map((i) => s.ops[i] as Operation) }));
      const out: boolean[] = [];
      for (let k = 0; k < cands.length; k += RANDOM_PER_BOOT) for (const v of await test(cands.slice(k, k + RANDOM_PER_BOOT), round * 100 + k)) out.push(v);
      return out;
    },
  );
  return { ...s, ops: kept.map((i) => s.ops[i] as Operation) };
}

/** The shrunk sequence as a scenario: what the kernel did in its last run (trace-to-scenario, expect lines included), under a header naming the mismatches. */
function mismatchScenario(o: RandomOptions, s: RandomSequence, kept: number, last: BootResult): string {
  const lines = [
    `# memhp verify --random ${o.n} --seed ${o.seed} --ops ${o.ops}: sequence ${s.index} (its block: sections ${s.firstSection}-${s.firstSection + BLOCK_SECTIONS - 1}, run at ${FIRST_BLOCK_SECTION}-${FIRST_BLOCK_SECTION + BLOCK_SECTIONS - 1}),`,
    `# shrunk on ${last.kernel} to ${kept} call(s) on which the kernel and the model${o.modelKernel === undefined ? '' : ` of ${o.modelKernel}`} still disagree.`,
    `# Every expect line below is what the kernel did; \`memhp run\` shows where the model differs.`,
    ...(last.bySequence.get(0) ?? []).map((m) => `# mismatch after call ${m.step}: ${m.section === null ? '' : `section ${m.section} `}${m.field}: model ${m.model}, kernel ${m.kernel}`),
  ];
  const text = traceScenarioText(last.trace.trace, last.trace.warns, { kernel: o.modelKernel ?? last.kernel, traceName: `${last.runDir}/trace.txt` });
  return `${lines.join('\n')}\n${text}`;
}
