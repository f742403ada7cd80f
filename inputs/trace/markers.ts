/**
 * The `tracing_mark_write:` lines written by the lab's guest scripts (LAB_STEP, LAB_CMD, IOMEM,
 * MEMBLK, ...; see test/fixtures/traces/README.md) parsed into typed markers.
 */
import type { Marker, Memblk } from './types.js';
import type { Parsed } from './values.js';

const TEXT_TAGS: Readonly<Record<string, 'step' | 'cmd' | 'out' | 'host' | 'nosym' | 'kprobe_fail' | 'kprobe_arg_missing' | 'timeout'>> = {
  LAB_STEP: 'step',
  LAB_CMD: 'cmd',
  LAB_OUT: 'out',
  LAB_HOST: 'host',
  LAB_NOSYM: 'nosym',
  LAB_KPROBE_FAIL: 'kprobe_fail',
  LAB_KPROBE_ARG_MISSING: 'kprobe_arg_missing',
  LAB_TIMEOUT: 'timeout',
};

/** Parse a marker's text; null when the tag is not one the lab writes (an unknown line). */
export function parseMarker(text: string): Parsed<Marker> | null {
  const m = /^(\S+)(?: (.*))?$/s.exec(text);
  if (m === null) return null;
  const tag = m[1] ?? '';
  const rest = m[2] ?? '';
  const textType = TEXT_TAGS[tag];
  if (textType !== undefined) return { ok: true, value: { type: textType, text: rest } };
  switch (tag) {
    case 'LAB_RC': {
      if (!/^-?\d+$/.test(rest.trim())) return { ok: false, code: 'E_PARSE', message: `LAB_RC "${rest}" is not a number` };
      return { ok: true, value: { type: 'rc', rc: Number(rest.trim()) } };
    }
    case 'LAB_HOST_ANSWER': {
      const a = /^(OK|ERROR)(?: (.*))?$/s.exec(rest);
      if (a === null) return { ok: false, code: 'E_PARSE', message: `LAB_HOST_ANSWER must start with OK or ERROR: "${rest}"` };
      return { ok: true, value: { type: 'host_answer', status: a[1] === 'OK' ? 'OK' : 'ERROR', text: a[2] ?? '' } };
    }
    case 'LAB_SNAP_BEGIN':
    case 'LAB_SNAP_END': {
      const label = rest.trim();
      if (label === '') return { ok: false, code: 'E_PARSE', message: `${tag} without a label` };
      return { ok: true, value: { type: tag === 'LAB_SNAP_BEGIN' ? 'snap_begin' : 'snap_end', label } };
    }
    case 'IOMEM': {
      const bar = rest.indexOf('|');
      if (bar <= 0) return { ok: false, code: 'E_PARSE', message: 'IOMEM line without "label|"' };
      return { ok: true, value: { type: 'iomem', label: rest.slice(0, bar), line: rest.slice(bar + 1) } };
    }
    case 'MEMBLK': {
      const b = parseMemblk(rest);
      return b.ok ? { ok: true, value: { type: 'memblk', ...b.value } } : b;
    }
    case 'LAB_SECSTATE_SECTIONS':
      return parseSecstateSections(rest);
    default:
      return null;
  }
}

/** `label section=S block=B state=… online=… zones=… removable=…` or `label section=S block=B absent`. */
function parseMemblk(rest: string): Parsed<Memblk> {
  const words = rest.trim().split(/\s+/);
  const label = words[0] ?? '';
  if (label === '' || label.includes('=')) return { ok: false, code: 'E_PARSE', message: 'MEMBLK without a label' };
  const fields = new Map<string, string>();
  let absent = false;
  for (const w of words.slice(1)) {
    if (w === 'absent') {
      absent = true;
      continue;
    }
    const eq = w.indexOf('=');
    if (eq <= 0) return { ok: false, code: 'E_PARSE', message: `MEMBLK field "${w}" is not key=value` };
    fields.set(w.slice(0, eq), w.slice(eq + 1));
  }
  const num = (key: string): number | null => {
    const v = fields.get(key);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
  };
  const section = num('section');
  const block = num('block');
  if (section === null) return { ok: false, code: 'E_PARSE', message: `MEMBLK ${label}: missing or bad section= (${fields.get('section') ?? 'absent'})` };
  if (block === null) return { ok: false, code: 'E_PARSE', message: `MEMBLK ${label}: missing or bad block= (${fields.get('block') ?? 'absent'})` };
  const get = (key: string): string | null => fields.get(key) ?? null;
  return {
    ok: true,
    value: { label, section, block, absent, state: get('state'), online: get('online'), zones: get('zones'), removable: get('removable') },
  };
}

/** `7 8 9 10 spr=128`. */
function parseSecstateSections(rest: string): Parsed<Marker> {
  const sections: number[] = [];
  let spr: number | null = null;
  for (const w of rest.trim().split(/\s+/).filter((x) => x !== '')) {
    if (/^\d+$/.test(w)) sections.push(Number(w));
    else if (/^spr=\d+$/.test(w)) spr = Number(w.slice(4));
    else return { ok: false, code: 'E_PARSE', message: `LAB_SECSTATE_SECTIONS: "${w}" is neither a section number nor spr=N` };
  }
  return { ok: true, value: { type: 'secstate_sections', sections, spr } };
}
