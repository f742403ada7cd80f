/**
 * `memhp view INPUT [--kernel V | --kernels V1,V2,…] [--port N]`: serve the web viewer of an input
 * on 127.0.0.1 (a free port by default), print its URL, and stop cleanly on Ctrl-C (SIGINT) or
 * SIGTERM. A recorded trace also opens check mode (query/check.ts); --kernels opens compare mode.
 */
import { sameSections } from '../../kernel/geometry.js';
import { once } from 'node:events';
import { defineCommand } from 'citty';
import { resolveProfile } from '../../kernel/profile.js';
import { checkTrace } from '../../query/check.js';
import type { CheckMismatch } from '../../query/check.js';
import { bitmapToLongs } from '../../kernel/bitmap.js';
import { fmtHex16 } from '../../kernel/format.js';
import { sectionWord } from '../../kernel/section_word.js';
import { zeroSection } from '../../kernel/zero_section.js';
import { getSection } from '../../model/model.js';
import { recordScenario } from '../../log/record.js';
import { bundleDir, readBundle } from '../../viewer/server/bundle.js';
import { startViewServer } from '../../viewer/server/http.js';
import type { ViewRun, ViewSource } from '../../present/views.js';
import { inputArgs } from '../args.js';
import { parseKernelList } from './compare.js';
import { compareRuns } from '../../query/compare.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, loadOptions, parseConfigArg, parsePagingArg } from '../load.js';
import type { InputArgValues, Loaded } from '../load.js';
import type { LoadedTrace } from '../load_trace.js';

/** The `view` command's definition (meta and arguments). */
export const viewCommandDef = defineCommand({
  meta: { name: 'view', description: 'Serve the web viewer of an input on 127.0.0.1 and print its URL (Ctrl-C stops it)' },
  args: {
    ...inputArgs,
    kernels: { type: 'string', description: 'compare mode: two or more kernel versions side by side (e.g. 5.2,5.3)', valueHint: 'V1,V2,…' },
    port: { type: 'string', description: 'TCP port on 127.0.0.1 (default: a free one)', valueHint: 'N' },
    json: { type: 'boolean', description: 'print the URL as one JSON line ({"url", "file", "steps"})' },
  },
});

/** The arguments of `memhp view`. */
export type ViewArgs = InputArgValues & { file: string; kernels?: string; port?: string; json?: boolean };

/** Execute `memhp view`: resolves with the exit code once the server has stopped. */
export async function runView(io: Io, args: ViewArgs): Promise<number> {
  const port = parsePort(args.port);
  const src = viewSource(io, args);
  const bundle = readBundle(bundleDir());
  if (!bundle.ok) throw UserError.from(bundle);
  // Listen for Ctrl-C before saying where to connect, so a signal sent right after the URL is seen stops cleanly.
  const stop = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  const started = await startViewServer(src, { port, bundle: bundle.bundle });
  if (!started.ok) throw new UserError(started.code, `cannot serve the viewer: ${started.message}`, [], 'give another --port, or none for a free one');
  const { server } = started;
  const steps = src.runs[0]?.log.length ?? 0;
  if (args.json) io.out(`${JSON.stringify({ url: server.url, file: src.file, steps })}\n`);
  else io.out(`memhp view ${src.file}: ${steps} steps — open ${server.url}  (Ctrl-C stops)\n`);
  await stop;
  await server.close();
  if (!args.json) io.out('memhp view: stopped\n');
  return EXIT_OK;
}

/** Load the input into what the viewer serves (check mode for a trace, compare mode with --kernels). */
export function viewSource(io: Io, args: ViewArgs): ViewSource {
  if (args.kernel !== undefined && args.kernels !== undefined) throw new UserError('E_USAGE', 'give --kernel or --kernels, not both');
  const kernels = args.kernels === undefined ? undefined : parseKernelList(args.kernels);
  const loaded = loadInput(io, args.file, { ...loadOptions(args), kernel: kernels?.[0] ?? args.kernel });
  const runs: ViewRun[] = [{ profile: loaded.profile, log: loaded.log }];
  for (const k of kernels?.slice(1) ?? []) {
    const r = resolveProfile({ kernel: k, arch: args.arch, config: parseConfigArg(args.config), paging: parsePagingArg(args.paging) });
    if (!r.ok) throw new UserError(r.code, `--kernels: ${r.message}`, [], 'see memhp profiles for the releases memhp models');
    if (!sameSections(r.profile.geometry, loaded.profile.geometry)) throw new UserError('E_USAGE', `--kernels: ${k} has another section size on ${args.arch ?? 'x86_64'}: its map cannot stand beside ${loaded.profile.kernel}'s`);
    runs.push({ profile: r.profile, log: recordScenario(loaded.scenario, r.profile) });
  }
  const trace = loaded.trace ? traceExtras(loaded, loaded.trace) : null;
  return {
    file: loaded.file,
    runs,
    iomem: loaded.scenario.boot.iomem,
    iomemAt: trace?.iomemAt ?? [],
    comparison: runs.length > 1 ? compareRuns(runs) : null,
    check: trace?.check ?? null,
  };
}

// --- internal ---

/** A trace's check (query/check.ts) and its later /proc/iomem snapshots, each placed after the steps before it. */
function traceExtras(loaded: Loaded, t: LoadedTrace): { check: ViewSource['check']; iomemAt: ViewSource['iomemAt'] } {
  const res = checkTrace(t.trace, loaded.profile, t.warns);
  const check = {
    fieldsCompared: res.fieldsCompared,
    snapshots: res.snapshots,
    mismatches: res.mismatches.map((m) => ({ step: m.step, line: m.source.line, section: m.section, field: m.field, model: m.model, kernel: m.kernel, raw: rawWords(loaded, t, m) })),
  };
  const lines = Array.from(loaded.log.walk(1), (s) => s.source.line);
  const iomemAt = t.snapshots
    .flatMap((snap) => (snap.iomem.length > 0 && snap.begin !== null ? [{ line: snap.begin.line, label: snap.label, resources: snap.iomem }] : []))
    .map((snap) => ({ step: lines.filter((l) => l < snap.line).length, label: snap.label, resources: snap.resources }))
    .sort((a, b) => a.step - b.step);
  return { check, iomemAt };
}

/**
 * The raw words behind a snapshot mismatch: the model's section_mem_map (with what its map part
 * holds) and ms->usage, and the words the trace read (m<S>, p<S>, u<S>); null for other fields.
 */
function rawWords(loaded: Loaded, t: LoadedTrace, m: CheckMismatch): { model: string; kernel: string } | null {
  if (m.section === null || !['flags', 'map', 'usage', 'subsection_map'].includes(m.field)) return null;
  const snap = t.trace.snapshots.find((s) => s.source.line === m.source.line && s.afterStep === m.step);
  const k = snap?.sections.find((s) => s.nr === m.section);
  if (!k) return null;
  const ms = getSection(loaded.profile, loaded.log.stateAt(m.step), m.section) ?? zeroSection(loaded.profile.geometry, m.section);
  const model = `section_mem_map ${fmtHex16(sectionWord(loaded.profile.geometry, ms))} (${ms.map}), usage ${ms.usage}, subsection_map[0] ${bitmapToLongs(ms.subsectionMap)[0] ?? "0x0"}`;
  const kernel = `section_mem_map ${fmtHex16(k.word)}, usage ${fmtHex16(k.usage)}, subsection_map[0] 0x${k.map0.toString(16)}`;
  return { model, kernel };
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UserError('E_USAGE', `--port must be a TCP port 0..65535, got '${value}'`);
  return Number(value);
}
