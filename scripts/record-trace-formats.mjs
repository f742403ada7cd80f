#!/usr/bin/env node
// Record one pmem hotplug session with tracefs, trace-cmd and perf in a QEMU guest of a fetched
// kernel (verify/record_formats.ts), into test/fixtures/formats/KVER/ (or --out DIR).
// Usage: npm run build && node scripts/record-trace-formats.mjs KERNEL_DIR [--sections 31-36] [--out DIR] [--work DIR] [--timeout S]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchedKernel } from '../dist/verify/environment.js';
import { findOnPath } from '../dist/verify/path_lookup.js';
import { recordFormats } from '../dist/verify/record_formats.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const sections = opt('--sections', '31-36');
const outOpt = opt('--out', null);
const workOpt = opt('--work', null);
const timeoutS = Number(opt('--timeout', '1800'));
if (args.length !== 1) {
  process.stderr.write('memhp: error[E_USAGE]: usage: node scripts/record-trace-formats.mjs KERNEL_DIR [--sections 31-36] [--out DIR] [--work DIR] [--timeout S]\n');
  process.exit(2);
}
const kernel = fetchedKernel(args[0]);
if (!kernel.ok) {
  process.stderr.write(`memhp: error[E_ENV]: ${kernel.message}\n`);
  process.exit(2);
}
const busybox = findOnPath('busybox');
if (busybox === null) {
  process.stderr.write('memhp: error[E_ENV]: busybox not found on PATH (Debian: apt-get install busybox-static)\n');
  process.exit(2);
}
const kver = kernel.value.kver;
const fixtureDir = outOpt ?? join(root, 'test/fixtures/formats', kver);
const workDir = workOpt ?? mkdtempSync(join(tmpdir(), `memhp-formats-${kver}-`));
const commandLine = `node scripts/record-trace-formats.mjs KERNEL_DIR${sections === '31-36' ? '' : ` --sections ${sections}`}`;
process.stdout.write(`recording ${kver} in ${workDir}\n`);
const r = await recordFormats({
  kernel: kernel.value,
  memhp: join(root, 'bin/memhp.js'),
  sections,
  workDir,
  fixtureDir,
  busybox,
  timeoutS,
  commandLine,
  onLine: (l) => {
    if (l.includes('=====LAB')) process.stdout.write(`guest: ${l}\n`);
  },
});
if (!r.ok) {
  process.stderr.write(`memhp: error[${r.code}]: ${r.message}\n`);
  process.exit(2);
}
const g = r.value.guest;
process.stdout.write(`guest ${g.run.completed ? 'completed' : 'did not complete'} in ${g.run.durationS} s (${g.run.accel}); script status ${g.scriptStatus}\n`);
process.stdout.write(`wrote ${r.value.written.join(' ')} to ${fixtureDir}\n`);
if (r.value.missing.length > 0) process.stdout.write(`missing: ${r.value.missing.join(' ')} (see ${workDir}/guest.log)\n`);
process.exit(g.scriptStatus === 0 && r.value.missing.length === 0 ? 0 : 1);
