/**
 * Building the guest module memhp_guest.ko (verify/guest/) against a kernel's headers: the source is
 * copied to a temporary folder, `make -C HEADERS M=DIR modules` runs there, and the .ko is copied to
 * the output folder. Every way it cannot work (no make, no compiler, no headers, a compile error) is
 * one E_ENV line, never a throw.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Failed } from '../kernel/errors.js';
import { envError } from './env_result.js';
import { findOnPath } from './path_lookup.js';

/** The files of verify/guest/ the module build needs. */
const MODULE_SOURCES = ['memhp_guest.c', 'Kbuild', 'Makefile'] as const;

/** What to build against: the headers folder (lib/modules/KVER/build), the compiler, extra make arguments, where the .ko goes. */
export interface ModuleBuildOptions {
  readonly headers: string;
  readonly cc?: string;
  readonly makeArgs?: readonly string[];
  readonly outDir: string;
}

/** A built module: the path of memhp_guest.ko in outDir. */
export type ModuleBuildResult = { readonly ok: true; readonly ko: string } | Failed;


/** verify/guest/ of this package: the folder holding package.json above this file (works from verify/ and dist/verify/). */
export function guestSourceDir(from: string = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'verify', 'guest', 'memhp_guest.c'))) {
      return join(dir, 'verify', 'guest');
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The line of a failed build's output that says why: the first compiler/make error line, else the last line. */
export function firstErrorLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const error = lines.find((l) => /\berror\b/i.test(l) && !/^make(\[\d+\])?: \*\*\*/.test(l));
  return error ?? lines.find((l) => /\*\*\*/.test(l)) ?? lines[lines.length - 1] ?? 'no output';
}

/** Build memhp_guest.ko against `headers` and copy it into `outDir`; E_ENV when something needed is missing or the build fails. */
export function buildGuestModule(options: ModuleBuildOptions): ModuleBuildResult {
  const source = guestSourceDir();
  if (source === null) return envError('verify/guest/memhp_guest.c not found above ' + dirname(fileURLToPath(import.meta.url)));
  const headers = resolve(options.headers);
  if (!existsSync(join(headers, 'Makefile'))) {
    return envError(`kernel headers not found: ${headers} has no Makefile (scripts/fetch-debian-kernel.sh KVER DIR unpacks them)`);
  }
  if (findOnPath('make') === null) return envError('make not found on PATH (Debian: apt-get install make)');
  const cc = options.cc ?? 'gcc';
  const ccProgram = cc.trim().split(/\s+/)[0] ?? cc;
  if (findOnPath(ccProgram) === null) return envError(`compiler ${ccProgram} not found (Debian: apt-get install gcc, or scripts/fetch-debian-kernel.sh --with-gcc)`);

  const work = mkdtempSync(join(tmpdir(), 'memhp-guest-'));
  try {
    for (const f of MODULE_SOURCES) copyFileSync(join(source, f), join(work, f));
    const args = ['-C', headers, `M=${work}`, `CC=${cc}`, ...(options.makeArgs ?? []), 'modules'];
    const r = spawnSync('make', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.error !== undefined) return envError(`make could not run: ${r.error.message}`);
    const built = join(work, 'memhp_guest.ko');
    if (r.status !== 0 || !existsSync(built)) {
      return envError(`building memhp_guest.ko against ${headers} failed: ${firstErrorLine(`${r.stderr}\n${r.stdout}`)}`);
    }
    mkdirSync(options.outDir, { recursive: true });
    const ko = join(resolve(options.outDir), 'memhp_guest.ko');
    copyFileSync(built, ko);
    return { ok: true, ko };
  } catch (e) {
    return envError(`building memhp_guest.ko: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
