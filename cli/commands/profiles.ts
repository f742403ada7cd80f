/** `memhp profiles [--kernel V]`: the kernel changes memhp knows (with the source lines checked), the named releases, the architectures. */
import { defineCommand } from 'citty';
import { GEOMETRY_ROWS } from '../../kernel/geometry.js';
import { KERNELS, describeProfile, profileChanges, resolveProfile } from '../../kernel/profile.js';
import { CHANGES } from '../../kernel/versions.js';
import type { KernelChange } from '../../kernel/versions.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Colors } from '../../present/colors.js';
import type { Io } from '../io.js';
import { append, widest } from '../../present/widest.js';

/** The `profiles` command's definition (meta and arguments). */
export const profilesCommandDef = defineCommand({
  meta: { name: 'profiles', description: 'List the kernel changes memhp knows, the named releases and the architectures' },
  args: {
    kernel: { type: 'string', description: 'show the profile of this release and only the changes in effect there', valueHint: 'VERSION' },
    json: { type: 'boolean', description: 'machine-readable output' },
  },
});

/** What `memhp profiles` reports, as data (the --json output). */
export interface ProfilesReport {
  /** The --kernel release, or null for the full list. */
  readonly kernel: string | null;
  /** describeProfile() of that release (default arch), or null. */
  readonly profile: string | null;
  /** Every change, or only those in effect at `kernel`; oldest first. */
  readonly changes: readonly KernelChange[];
  /** With --kernel: the listed changes that release does not have; else null. */
  readonly notInEffect: readonly KernelChange[] | null;
  readonly kernels: readonly string[];
  readonly arches: readonly string[];
}

/** Build the report; throws UserError for a release memhp does not model. */
export function profilesReport(kernel: string | undefined): ProfilesReport {
  const arches = Object.keys(GEOMETRY_ROWS);
  if (kernel === undefined) return { kernel: null, profile: null, changes: CHANGES, notInEffect: null, kernels: KERNELS, arches };
  const r = resolveProfile({ kernel });
  if (!r.ok) throw new UserError(r.code, r.message, [], `named releases: ${KERNELS.join(', ')}`);
  const changes = profileChanges(r.profile);
  return {
    kernel,
    profile: describeProfile(r.profile),
    changes,
    notInEffect: CHANGES.filter((ch) => !changes.includes(ch)),
    kernels: KERNELS,
    arches,
  };
}

/** Execute `memhp profiles`; returns the exit code. */
export function runProfiles(io: Io, args: { kernel?: string; json?: boolean }): number {
  const report = profilesReport(args.kernel);
  if (args.json) io.out(`${JSON.stringify(report)}\n`);
  else io.out(`${profilesLines(report, io.color).join('\n')}\n`);
  return EXIT_OK;
}

/** The text of `memhp profiles`. */
export function profilesLines(r: ProfilesReport, c: Colors): string[] {
  const lines: string[] = [];
  if (r.kernel === null) {
    lines.push(`${c.bold('memhp profiles')} — the kernel changes memhp knows after v5.2, oldest first`);
  } else {
    lines.push(`${c.bold('memhp profiles')} --kernel ${r.kernel}`);
    lines.push(`profile: ${r.profile ?? ''}`);
    lines.push(`changes in effect at ${r.kernel}: ${r.changes.length} of ${CHANGES.length}`);
  }
  if (r.changes.length) {
    append(lines, changeLines(r.changes, c));
  } else {
    const first = CHANGES[0];
    lines.push(`  none: ${r.kernel} is the model before ${first ? `${first.id} (${first.commit ?? first.version}, v${first.version})` : 'any change'}`);
  }
  if (r.notInEffect) {
    const missing = r.notInEffect.map((ch) => `${ch.id} (${[ch.version, ...Object.values(ch.backports).map((b) => `stable ${b}`)].join(', ')})`);
    lines.push(`not in effect at ${r.kernel}: ${missing.length ? missing.join(', ') : 'none'}`);
  }
  lines.push('');
  lines.push(`${c.bold('releases')}: ${r.kernels.join(', ')} (any release from 5.2 on, stable X.Y.Z too, or newest: the newest one modelled)`);
  lines.push(`${c.bold('architectures')}: ${r.arches.join(', ')}`);
  return lines;
}

// --- internal ---

/** Per change: version, stable backports, commit, id, modelled, functions; then what; then the source lines checked (or "not checked"). */
function changeLines(changes: readonly KernelChange[], c: Colors): string[] {
  const rows = changes.map((ch) => ({
    ch,
    cols: [ch.version, Object.values(ch.backports).join(',') || '-', ch.commit ?? '-', ch.id, ch.modelled ? 'yes' : 'no'],
  }));
  const heads = ['version', 'stable', 'commit', 'change', 'modelled'];
  const widths = heads.map((h, i) => widest(rows.map((r) => r.cols[i] ?? ''), h.length));
  const pad = (cols: readonly string[]): string => cols.map((t, i) => t.padEnd(widths[i] ?? 0)).join('  ');
  const lines = [c.bold(`  ${pad(heads)}  function(s)`)];
  for (const { ch, cols } of rows) {
    const text = `  ${pad(cols)}  ${ch.func}`;
    lines.push(ch.modelled ? text : c.dim(text));
    const indent = `  ${' '.repeat((widths[0] ?? 0) + 2)}`;
    lines.push(`${indent}${ch.modelled ? ch.what : c.dim(`not modelled: ${ch.what}`)}`);
    lines.push(`${indent}${c.dim(`source: ${ch.source.length ? ch.source.join(', ') : 'not checked'}`)}`);
  }
  return lines;
}
