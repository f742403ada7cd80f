/**
 * The self-containment scanner of test/self_contained.test.ts: a line that reaches outside the
 * repository — the shared folder beside it, or an absolute path of a machine (a home, a
 * temporary or work directory, a Windows drive) — is a finding `file:line: what`.
 */

/** Top-level directories an absolute path of a machine starts with (Linux FHS, macOS, the build machine's work directory). */
const ROOT_DIRS = ['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib32', 'lib64', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var', 'work', 'Users', 'Volumes', 'private', 'nix', 'snap'];

/**
 * System paths the code, tests and docs may name: they are the kernel's or the OS's, never files of
 * a checkout — /proc/iomem and tracefs are what memhp models and reads copies of, /dev/zero and
 * /dev/null are test inputs, chromium and the shebang interpreters are programs, /etc/passwd is a
 * request the viewer's fuzzer sends to check the server never serves it.
 */
export const SYSTEM_PATHS: readonly string[] = ['/proc/iomem', '/sys/kernel/tracing', '/sys/devices/system/memory', '/dev/null', '/dev/zero', '/boot/', '/usr/bin/chromium', '/usr/bin/env', '/bin/sh', '/etc/passwd'];

/**
 * The system locations memhp verify reads on the host (a distribution's kernel, modules, headers and
 * BTF, KVM, the programs, the apt keyring) and the guest paths its initramfs builds and its host code
 * names (/init, /memhp, busybox's /bin, the guest's /proc, /sys and console). verify/guest/ itself is
 * not scanned: everything there runs inside the guest.
 */
export const VERIFY_PATHS: readonly string[] = [
  '/lib/modules', '/usr/lib/modules', '/usr/src', '/usr/lib/linux-kbuild-*', '/sys/kernel/btf/vmlinux', '/dev/kvm', '/bin/bash', '/sbin', '/usr/sbin', '/usr/sbin:/sbin',
  '/usr/share/keyrings/debian-archive-keyring.gpg', '/etc/os-release', '/init', '/memhp', '/bin', '/usr/bin', '/proc', '/sys', '/dev/console', '/lib',
];

/** An absolute path: `/ROOT/…` not inside a longer word or path (`dist/tmp/x`, `${dir}/run.json` are relative). */
const ABSOLUTE = new RegExp(String.raw`(?<![\w.~}\])$\\-])/(?:${ROOT_DIRS.join('|')})(?:/[^\s'"\x60)\]},;\\]*|(?=[\s'"\x60)\]},;\\]|$))`, 'g');
/** A Windows drive path: `C:\x` or `C:\\x` (not an escape such as `e:\n` inside a word). */
const DRIVE = /(?<![\w\\])[A-Za-z]:\\{1,2}(?![nrtbfv0ux'"\\])[\w.-]/g;
/** The sibling folder the repository once read. */
const SHARED = /\.\.[/\\]shared\b/g;

/** One line that reaches outside the repository. */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

/** Every line of `text` (the contents of `file`) that names the shared folder beside the repository or an absolute path not in SYSTEM_PATHS. */
export function scanText(file: string, text: string): Finding[] {
  const found: Finding[] = [];
  text.split('\n').forEach((line, i) => {
    const at = (text_: string, why: string): void => void found.push({ file, line: i + 1, text: text_, why });
    for (const m of line.matchAll(SHARED)) at(m[0], 'reads the shared folder beside the repository');
    for (const m of line.matchAll(ABSOLUTE)) {
      const path = m[0].replace(/[.:]+$/, '');
      if (path.includes('/..') || ![...SYSTEM_PATHS, ...VERIFY_PATHS].some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p || path.startsWith(`${p}/`)))) at(m[0], 'an absolute path');
    }
    for (const m of line.matchAll(DRIVE)) at(m[0], 'a Windows drive path');
  });
  return found;
}

/** A finding as a test failure names it. */
export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}: ${f.why}: ${f.text}`;
}
