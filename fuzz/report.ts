/** The fuzz run's table: reader × class counts, time per reader, and the first minimized repros of every failure class. */
import { CLASSES } from './classify.js';
import type { ReaderReport } from './engine.js';
import { widest } from '../present/widest.js';

/** How many repros are listed per reader and class. */
export const REPROS_SHOWN = 5;

/** The report as text. */
export function renderReport(reports: readonly ReaderReport[], outDir: string): string {
  const head = ['reader', ...CLASSES, 'binary (ok/clean/crash/hang/wrong)', 'time'];
  const rows = reports.map((r) => [r.reader, ...CLASSES.map((k) => String(r.counts[k])), CLASSES.map((k) => r.binary[k]).join('/'), `${(r.ms / 1000).toFixed(1)} s`]);
  const widths = head.map((h, i) => widest(rows.map((r) => r[i] ?? ''), h.length));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const out = [line(head), ...rows.map(line)];
  for (const r of reports) {
    for (const cls of ['crash', 'hang', 'wrong'] as const) {
      const fs = r.failures.filter((f) => f.verdict.cls === cls);
      if (fs.length === 0) continue;
      out.push('', `${r.reader}: ${fs.length} ${cls}${fs.length > REPROS_SHOWN ? ` (first ${REPROS_SHOWN})` : ''}`);
      for (const f of fs.slice(0, REPROS_SHOWN)) {
        out.push(`  #${f.index}${f.binary ? ' (binary)' : ''} ${f.label}; mutation ${f.mutation}`, `    $ ${f.command}`, `    → exit ${f.verdict.code ?? '-'}: ${f.verdict.why}`, `    saved in ${f.saved}`);
      }
    }
  }
  const bad = reports.reduce((n, r) => n + r.failures.length, 0);
  out.push('', bad === 0 ? 'no crash, hang or wrong result' : `${bad} failing input(s) saved under ${outDir}/failures`);
  return `${out.join('\n')}\n`;
}
