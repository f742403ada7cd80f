/** Adversarial traces' helpers: devdax_kmem copied with extra lines, and line shapes that once made a regex backtrack. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { TRACES } from './traces.js';

/** The recorded run the adversarial traces are made from. */
export const RUN = `${TRACES}/5.10.0-32-amd64/devdax_kmem`;
/** devdax_kmem's trace.txt, line by line. */
export const LINES = readFileSync(`${RUN}/trace.txt`, 'utf8').split('\n');
/** devdax_kmem's trace.txt:268, `move_pfn_range_to_zone: … zone="Device" pfn=0x100000 nr_pages=0x20000`. */
export const DEVICE_LINE = LINES[267] ?? '';
/** A trace line's header up to the event name. */
export const HDR = '           ndctl-795     [000] ....    30.784720: ';
/** The source a parsed line names. */
export const SOURCE = { file: 'trace.txt', line: 1 };

const dirs: string[] = [];

/** Remove `dir` with the others in removeTraceDirs. */
export function removeLater(dir: string): void {
  dirs.push(dir);
}

/** Remove every directory traceDir and removeLater were given (a test file's afterAll). */
export function removeTraceDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A copy of devdax_kmem with `extra` lines inserted after its line 268 (run.json beside it); returns the directory. */
export function traceDir(extra: readonly string[]): string {
  const dir = mkdtempSync(`${tmpdir()}/memhp-limits-`);
  dirs.push(dir);
  writeFileSync(`${dir}/trace.txt`, [...LINES.slice(0, 268), ...extra, ...LINES.slice(268)].join('\n'));
  copyFileSync(`${RUN}/run.json`, `${dir}/run.json`);
  return dir;
}

/** Line shapes that once made a regex backtrack super-linearly, `n` characters long. */
export const SHAPES: Record<string, (n: number) => string> = {
  spaces: (n) => ' '.repeat(n),
  'a and spaces': (n) => `a${' '.repeat(n)}`,
  'x-1 repeated': (n) => 'x-1 '.repeat(n / 4),
  'x-1 [1] repeated': (n) => 'x-1 [1] '.repeat(n / 8),
  'x-1 [1] 1.1: repeated': (n) => 'x-1 [1] 1.1:'.repeat(n / 12),
  dashes: (n) => '-'.repeat(n),
  '-1 repeated': (n) => '-1'.repeat(n / 2),
  brackets: (n) => '['.repeat(n),
  digits: (n) => '1'.repeat(n),
  tabs: (n) => '\t'.repeat(n),
  'a kprobe return of <-': (n) => `x-1 [1] 1.1: a: (${' <- '.repeat(n / 4)}`,
  'a dump line of spaces': (n) => `a-1 1${' '.repeat(n)}`,
  'perf columns repeated': (n) => 'a 1 [0] 1.1: '.repeat(n / 13),
  'perf pid/tid digits': (n) => `a ${'1/'.repeat(n / 2 - 16)} [0] 1.1: p:x: (1)`,
  'trace-cmd padding': (n) => `       a-1     [000]     1.1: x: ${' '.repeat(n - 40)}(1)`,
  'trace-cmd -R fields': (n) => `       a-1     [000]     1.1: x: __probe_ip=1 ${'a=b '.repeat(n / 4 - 12)}`,
};
