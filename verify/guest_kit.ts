/**
 * What every guest of one kernel shares, made once: the host environment (verify/environment.ts),
 * the kernel's BTF (read out of its image) and memhp_guest.ko built against its headers, kept in a
 * temporary folder until dispose(). One `memhp verify` run makes one; `--random` makes one for all
 * its boots.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Btf } from '../inputs/btf/types.js';
import type { EnvResult } from './env_result.js';
import { checkEnvironment, type KernelSource, type VerifyEnvironment } from './environment.js';
import { buildGuestModule } from './module_build.js';
import { kernelBtf } from './vmlinux.js';

/** A kernel's environment, BTF and built guest module. */
export interface GuestKit {
  readonly env: VerifyEnvironment;
  readonly btf: Btf;
  /** memhp_guest.ko, valid until dispose(). */
  readonly ko: string;
  /** Removes the module's temporary folder. */
  dispose(): void;
}

/** Check the host and the kernel, read its BTF and build the guest module; the first E_ENV on the way. */
export function prepareGuestKit(kernel: KernelSource, progress: (what: string) => void = () => undefined): EnvResult<GuestKit> {
  const env = checkEnvironment(kernel);
  if (!env.ok) return env;
  const k = env.value.kernel;
  progress(`reading the BTF of ${k.image}`);
  const btf = kernelBtf(k.image);
  if (!btf.ok) return { ok: false, code: 'E_ENV', message: btf.message };
  const dir = mkdtempSync(join(tmpdir(), 'memhp-guest-kit-'));
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  progress(`building memhp_guest.ko against ${k.headersDir}`);
  const ko = buildGuestModule({ headers: k.headersDir, ...(k.cc === undefined ? {} : { cc: k.cc }), makeArgs: k.makeArgs, outDir: dir });
  if (!ko.ok) {
    dispose();
    return { ok: false, code: 'E_ENV', message: ko.message };
  }
  return { ok: true, value: { env: env.value, btf: btf.value, ko: ko.ko, dispose } };
}
