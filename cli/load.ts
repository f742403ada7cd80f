/** Load an input file into a recorded log: read, parse, pick the profile, run the model. */
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { LOG_FILE, SCENARIO_FILE, inputFormat } from '../inputs/registry.js';
import type { Scenario } from '../inputs/types.js';
import { ARCH_NAMES, archGeometries, geometryForRelease, type Geometry } from '../kernel/geometry.js';
import { DEFAULT_CONFIG, describeProfile, resolveProfile } from '../kernel/profile.js';
import type { KernelConfig, Profile } from '../kernel/types.js';
import type { HotplugLog } from '../log/log.js';
import type { LoadedLogFile } from '../log/logfile.js';
import { LOG_FORMAT, hashInput } from '../log/serialize.js';
import type { LogMeta, SerializeOptions } from '../log/serialize.js';
import { UserError } from './errors.js';
import type { Io } from './io.js';
import { openInput, type InputFile } from './input_file.js';
import { loadTrace, type LoadedTrace } from './load_trace.js';
import { readLogFileWithProgress, recordWithProgress } from './progress_record.js';
import { scenarioBoundsErrors } from '../inputs/operation_bounds.js';

/** The hint of an error naming a release, architecture or configuration memhp does not model. */
const PROFILES_HINT = 'see memhp profiles for the releases, their changes and the architectures';

/** Options shared by every command that takes an input. */
export interface LoadOptions {
  readonly kernel?: string;
  readonly arch?: string;
  readonly checkpointEvery?: string;
  /** `--config NAME=y|n,…`: kernel configuration options that change behaviour. */
  readonly config?: string;
  /** `--iomem FILE`: a /proc/iomem copy for the boot layout of a trace that has none. */
  readonly iomem?: string;
  /** `--paging 4|5`: x86_64 page-table levels. */
  readonly paging?: string;
}

/** The option values of `inputArgs` (cli/args.ts) as a command receives them. */
export interface InputArgValues {
  readonly kernel?: string;
  readonly arch?: string;
  readonly 'checkpoint-every'?: string;
  readonly config?: string;
  readonly iomem?: string;
  readonly paging?: string;
}

/** LoadOptions from a command's parsed `inputArgs`. */
export function loadOptions(args: InputArgValues): LoadOptions {
  return { kernel: args.kernel, arch: args.arch, checkpointEvery: args['checkpoint-every'], config: args.config, iomem: args.iomem, paging: args.paging };
}

/** Parse `--paging 4|5` (undefined when not given). */
export function parsePagingArg(value: string | undefined): 4 | 5 | undefined {
  if (value === undefined) return undefined;
  if (value === '4' || value === '5') return Number(value) as 4 | 5;
  throw new UserError('E_USAGE', `--paging must be 4 or 5, got '${value}'`, [], 'x86_64 runs with 4-level (MAX_PHYSMEM_BITS 46) or 5-level (52) page tables');
}

/** A loaded input. */
export interface Loaded {
  readonly file: string;
  /** The input's text ('' for a log file, whose header keeps the input's name and sha256 instead). */
  readonly text: string;
  /** The scenario run (for a log file: rebuilt from its header and records). */
  readonly scenario: Scenario;
  readonly profile: Profile;
  readonly log: HotplugLog;
  /** Set when the input was a log file (`memhp record`'s output): its header, and the damage found reading it. */
  readonly logFile?: LoadedLogFile;
  /** Every file read to load it (the input, its iomem files, a trace's run.json, console.log, --iomem): an output must be none of them. */
  readonly readFiles: readonly string[];
  /** Set when the input was a recorded trace: the trace as read (its snapshots, WARNs, notes), so nothing reads it again. */
  readonly trace?: LoadedTrace;
}

/** Read and record the input at `input` (a path, or an input opened by openInput); throws UserError for anything wrong with the input or options. */
export function loadInput(io: Io, input: string | InputFile, opts: LoadOptions): Loaded {
  const opened = typeof input === 'string' ? openInput(io, input) : input;
  if (opened.kind === 'log') return loadLogInput(io, opened.path, opts);
  const p = parseInput(io, opened, opts);
  return { ...p, log: recordWithProgress(io, p.file, p.scenario, p.profile, checkpointOpts(opts)) };
}

/** A scenario file or recorded trace, parsed, with its profile (not yet run). */
export type ParsedInput = Omit<Loaded, 'log' | 'logFile'>;

/** Read and parse an opened input and pick its profile; throws UserError. A log file is loaded whole (loadInput). */
export function parseInput(io: Io, input: InputFile, opts: LoadOptions): ParsedInput {
  switch (input.kind) {
    case 'log':
      return loadLogInput(io, input.path, opts);
    case 'trace':
    case 'console':
      return parseTraceInput(io, input, opts);
    case 'iomem':
      throw new UserError('E_USAGE', `${input.path} is ${inputFormat(input.kind).title}, not an input memhp runs`, [], 'give it with --iomem FILE to a recorded trace without IOMEM snapshots, or name it on a scenario\'s iomem line');
    case 'scenario':
      return parseScenarioInput(input, opts);
  }
}

/** A scenario file as the input, parsed with the geometry of its release. */
function parseScenarioInput(input: InputFile, opts: LoadOptions): ParsedInput {
  const file = input.path;
  if (opts.iomem !== undefined) throw new UserError('E_USAGE', `--iomem is for a recorded trace without /proc/iomem snapshots; ${file} is ${inputFormat(input.kind).title}`, [], 'a scenario gives its boot layout with ram or iomem lines');
  const text = input.text();
  const readFile = input.readFile;
  const archName = opts.arch ?? 'x86_64';
  // The section size of some arches depends on the release (arm64 before/after 5.12, s390): parse
  // with the geometry of --kernel, or of the file's own `kernel` line (the era whose parse names it).
  const paging = parsePagingArg(opts.paging);
  const eraOf = (kernel: string | null | undefined): Geometry | undefined => geometryForRelease(archName, kernel, paging);
  const first = eraOf(opts.kernel);
  if (!first) throw new UserError('E_PROFILE', `unknown --arch ${archName}`, [], `known: ${ARCH_NAMES.join(', ')}`);
  const parseWith = (geometry: Geometry): ReturnType<typeof SCENARIO_FILE.read> =>
    SCENARIO_FILE.read(text, file, { geometry, readFile: (p) => readFile(isAbsolute(p) ? p : join(dirname(file), p)) });
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
  if (!parsed.ok) throw UserError.atLines(`${file}: invalid input`, parsed.errors);
  const scenario = parsed.value;
  const kernel = opts.kernel ?? scenario.kernel ?? '5.3';
  const r = resolveProfile({ kernel, arch: archName, config: parseConfigArg(opts.config), paging });
  if (!r.ok) {
    const hint = PROFILES_HINT;
    // The release came from the file's own `kernel` line: point at it.
    if (opts.kernel === undefined && scenario.kernelLine !== undefined) throw UserError.atLines(`${file}: invalid input`, [{ code: r.code, message: r.message, file, line: scenario.kernelLine, hint }]);
    throw new UserError(r.code, r.message, [], hint);
  }
  return { file, text, scenario, profile: r.profile, readFiles: [...new Set(input.readFiles)] };
}

/** A recorded kernel trace as the input (`memhp replay`, and run/state/diff on a trace): the trace itself is kept as `trace`. */
function parseTraceInput(io: Io, input: InputFile, opts: LoadOptions): ParsedInput {
  const t = loadTrace(io, input, opts.kernel, opts.iomem);
  const r = resolveProfile({ kernel: t.kernel, arch: opts.arch, config: parseConfigArg(opts.config), paging: parsePagingArg(opts.paging) ?? t.paging });
  if (!r.ok) throw new UserError(r.code, r.message, [], PROFILES_HINT);
  checkTraceBounds(t.file, t.trace.scenario, r.profile);
  return { file: t.file, text: t.text, scenario: t.trace.scenario, profile: r.profile, readFiles: t.readFiles, trace: t };
}

/** A trace's calls held to the bounds of a scenario's operations before the model runs them; throws UserError. */
export function checkTraceBounds(file: string, scenario: Scenario, profile: Profile): void {
  const errors = scenarioBoundsErrors(profile.geometry, scenario);
  if (errors.length) throw UserError.atLines(`${file}: a call memhp cannot model`, errors);
}

/**
 * A log file as the input: the steps come from its records (the complete, verified ones: damage is
 * a one-line warning on stderr, and only a file with nothing usable is an error). With --kernel,
 * --arch or --config naming another profile than the log's, its operations are run again under it.
 */
function loadLogInput(io: Io, file: string, opts: LoadOptions): Loaded {
  if (opts.iomem !== undefined) throw new UserError('E_USAGE', `--iomem is for a recorded trace without /proc/iomem snapshots; ${file} is ${LOG_FILE.title}`, [], 'a log keeps the boot layout it was recorded with');
  const r = readLogFileWithProgress(io, file, checkpointOpts(opts));
  if (!r.ok) throw UserError.atLines(`${file}: unusable log`, [r.damage], 'nothing before the damage could be loaded');
  const lf = r.value;
  const n = lf.log.length;
  if (lf.damage) io.err(`${lf.damage.file}:${lf.damage.line}: ${io.color.yellow('warning')}: ${lf.damage.message} (using steps 0..${n - 1})\n`);
  if (lf.format < LOG_FORMAT) io.err(`${file}:1: note: format ${lf.format} log upgraded to format ${LOG_FORMAT} on reading; it has no hash chain to verify\n`);
  const loaded = { file, text: '', scenario: lf.scenario, profile: lf.profile, log: lf.log, logFile: lf, readFiles: [file] };
  if (opts.kernel === undefined && opts.arch === undefined && opts.config === undefined && opts.paging === undefined) return loaded;
  const paging = parsePagingArg(opts.paging) ?? (opts.kernel === undefined && opts.arch === undefined ? lf.profile.geometry.PAGING_LEVELS : undefined);
  const want = resolveProfile({ kernel: opts.kernel ?? lf.header.kernel, arch: opts.arch ?? lf.header.arch, config: { ...lf.header.config, ...parseConfigArg(opts.config) }, paging });
  if (!want.ok) throw new UserError(want.code, want.message, [], PROFILES_HINT);
  if (describeProfile(want.profile) === describeProfile(lf.profile)) return loaded;
  if (lf.meta.boot === null) throw new UserError('E_USAGE', `${file}: recorded under ${describeProfile(lf.profile)}; it has no boot layout (format ${lf.format}), so it cannot be run under another profile`, [], 'leave out --kernel, --arch and --config');
  io.err(`${file}:1: note: running the log's ${n - 1} operations again under ${describeProfile(want.profile)} (recorded under ${describeProfile(lf.profile)})\n`);
  return { ...loaded, profile: want.profile, log: recordWithProgress(io, file, lf.scenario, want.profile, checkpointOpts(opts)) };
}

/** What a log file written from `loaded` says besides its steps, and how it names source files (relative to the input's directory). */
export function logMetaOf(loaded: ParsedInput & { readonly logFile?: LoadedLogFile }): { meta: LogMeta; opts: SerializeOptions } {
  if (loaded.logFile) return { meta: loaded.logFile.meta, opts: {} };
  const dir = dirname(loaded.file);
  const meta: LogMeta = { input: { name: basename(loaded.file), sha256: hashInput(loaded.text) }, kernelLine: loaded.scenario.kernel, boot: loaded.scenario.boot, forkedFrom: null };
  // Files are named from the input's directory (no working directory or absolute path in the log);
  // `--insert` / `--replace` (a fork's own operations) are not files.
  return { meta, opts: { sourceName: (f) => (f.startsWith('-') ? f : relative(dir, f).split(sep).join('/')) } };
}

/** `--checkpoint-every K` as log options. */
export function checkpointOpts(opts: LoadOptions): { checkpointEvery?: number } {
  if (opts.checkpointEvery === undefined) return {};
  const k = Number(opts.checkpointEvery);
  if (!Number.isInteger(k) || k < 1) throw new UserError('E_USAGE', `--checkpoint-every must be a positive integer, got '${opts.checkpointEvery}'`);
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
      throw new UserError('E_USAGE', `--config: '${item}' is not NAME=y|n with a known NAME`, [], `options: ${Object.keys(DEFAULT_CONFIG).map((k) => `${k}=y|n`).join(', ')}`);
    }
    if (name in out) throw new UserError('E_USAGE', `--config: ${name} given twice`);
    out[name] = m[2] === 'y';
  }
  return out as Partial<KernelConfig>;
}

/** Parse a step number argument against a log. */
export function parseStepArg(log: HotplugLog, name: string, value: string | undefined): number {
  if (value === undefined) return log.length - 1;
  if (!/^\d+$/.test(value)) throw new UserError('E_USAGE', `${name} must be a step number, got '${value}'`, [], `steps run from 0 (boot) to ${log.length - 1}`);
  const n = Number(value);
  if (n >= log.length) throw new UserError('E_USAGE', `${name} ${n} is past the last step`, [], `steps run from 0 (boot) to ${log.length - 1}`);
  return n;
}
