/** Load an input file into a recorded log: read, parse, pick the profile, run the model. */
import { dirname, isAbsolute, join } from 'node:path';
import { parseScenario } from '../events/index.js';
import type { Scenario } from '../events/types.js';
import { ARCH_NAMES, archGeometries, geometryForRelease, type Geometry } from '../machines/geometry.js';
import { DEFAULT_CONFIG, resolveProfile } from '../machines/profile.js';
import type { KernelConfig, Profile } from '../machines/types.js';
import { recordScenario } from '../store/record.js';
import type { HotplugLog } from '../store/log.js';
import { UserError } from './errors.js';
import type { Io } from './io.js';
import { isTraceInput, loadTrace } from './load_trace.js';

/** Options shared by every command that takes an input. */
export interface LoadOptions {
  readonly kernel?: string;
  readonly arch?: string;
  readonly checkpointEvery?: string;
  /** `--config NAME=y|n,…`: kernel configuration options that change behaviour. */
  readonly config?: string;
}

/** A loaded input. */
export interface Loaded {
  readonly file: string;
  readonly text: string;
  readonly scenario: Scenario;
  readonly profile: Profile;
  readonly log: HotplugLog;
}

/** Read and record `file`; throws UserError for anything wrong with the input or options. */
export function loadInput(io: Io, file: string, opts: LoadOptions): Loaded {
  if (isTraceInput(io, file)) return loadTraceInput(io, file, opts);
  const read = io.readFile(file);
  if (!read.ok) throw new UserError(read.message);
  const archName = opts.arch ?? 'x86_64';
  // The section size of some arches depends on the release (arm64 before/after 5.12, s390): parse
  // with the geometry of --kernel, or of the file's own `kernel` line (the era whose parse names it).
  const eraOf = (kernel: string | null | undefined): Geometry | undefined => geometryForRelease(archName, kernel);
  const first = eraOf(opts.kernel);
  if (!first) throw new UserError(`unknown --arch ${archName}`, [], `known: ${ARCH_NAMES.join(', ')}`);
  const parseWith = (geometry: Geometry): ReturnType<typeof parseScenario> =>
    parseScenario(read.text, file, { geometry, readFile: (p) => io.readFile(isAbsolute(p) ? p : join(dirname(file), p)) });
  let parsed = parseWith(first);
  if (opts.kernel === undefined && (!parsed.ok || eraOf(parsed.value.kernel)?.SECTION_SIZE_BITS !== first.SECTION_SIZE_BITS)) {
    for (const g of archGeometries(archName).filter((e) => e.SECTION_SIZE_BITS !== first.SECTION_SIZE_BITS)) {
      const r = parseWith(g);
      if (r.ok && eraOf(r.value.kernel)?.SECTION_SIZE_BITS === g.SECTION_SIZE_BITS) {
        parsed = r;
        break;
      }
    }
  }
  if (!parsed.ok) throw new UserError(`${file}: invalid input`, parsed.errors);
  const scenario = parsed.value;
  const kernel = opts.kernel ?? scenario.kernel ?? '5.3';
  const r = resolveProfile({ kernel, arch: archName, config: parseConfigArg(opts.config) });
  if (!r.ok) throw new UserError(r.message, [], 'see memhp profiles for the releases, their changes and the architectures');
  const log = recordScenario(scenario, r.profile, checkpointOpts(opts));
  return { file, text: read.text, scenario, profile: r.profile, log };
}

/** A recorded kernel trace as the input (`memhp replay`, and run/state/diff on a trace). */
function loadTraceInput(io: Io, path: string, opts: LoadOptions): Loaded {
  const t = loadTrace(io, path, opts.kernel);
  const r = resolveProfile({ kernel: t.kernel, arch: opts.arch, config: parseConfigArg(opts.config) });
  if (!r.ok) throw new UserError(r.message, [], 'see memhp profiles for the releases, their changes and the architectures');
  const log = recordScenario(t.trace.scenario, r.profile, checkpointOpts(opts));
  return { file: t.file, text: t.text, scenario: t.trace.scenario, profile: r.profile, log };
}

/** `--checkpoint-every K` as log options. */
function checkpointOpts(opts: LoadOptions): { checkpointEvery?: number } {
  if (opts.checkpointEvery === undefined) return {};
  const k = Number(opts.checkpointEvery);
  if (!Number.isInteger(k) || k < 1) throw new UserError(`--checkpoint-every must be a positive integer, got '${opts.checkpointEvery}'`);
  return { checkpointEvery: k };
}

/** Parse `--config PSE=n,DEBUG_VM=y` into kernel configuration overrides (Debian's x86_64 defaults otherwise). */
export function parseConfigArg(value: string | undefined): Partial<KernelConfig> {
  const out: Record<string, boolean> = {};
  if (value === undefined) return out;
  for (const item of value.split(',')) {
    const m = /^([A-Z_]+)=(y|n)$/.exec(item.trim());
    const name = m?.[1];
    if (!m || name === undefined || !(name in DEFAULT_CONFIG)) {
      throw new UserError(`--config: '${item}' is not NAME=y|n with a known NAME`, [], `options: ${Object.keys(DEFAULT_CONFIG).map((k) => `${k}=y|n`).join(', ')}`);
    }
    if (name in out) throw new UserError(`--config: ${name} given twice`);
    out[name] = m[2] === 'y';
  }
  return out as Partial<KernelConfig>;
}

/** Parse a step number argument against a log. */
export function parseStepArg(log: HotplugLog, name: string, value: string | undefined): number {
  if (value === undefined) return log.length - 1;
  if (!/^\d+$/.test(value)) throw new UserError(`${name} must be a step number, got '${value}'`, [], `steps run from 0 (boot) to ${log.length - 1}`);
  const n = Number(value);
  if (n >= log.length) throw new UserError(`${name} ${n} is past the last step`, [], `steps run from 0 (boot) to ${log.length - 1}`);
  return n;
}

/** Parse a section number argument (decimal or 0x hex). */
export function parseSectionArg(value: string): number {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(value)) throw new UserError(`--section must be a section number (decimal or 0x hex), got '${value}'`);
  return Number(value);
}
