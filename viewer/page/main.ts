/**
 * The viewer page: wires the timeline, the map and the detail panel to the server's API, keeps the
 * view in the URL hash, and handles the keyboard (←/→ one step, PgUp/PgDn ten, Home/End, Alt+←/→
 * back and forward through the jump history). The page holds one step's state at a time.
 */
import type { BlameRow, CheckMark, DiffView, SectionDetail, StateView, ViewInfo } from '../../present/api.js';
import { getJson, isAbort } from './client.js';
import { renderDetail, renderDetailError } from './detail.js';
import { byId, esc, setHtml } from './dom.js';
import { formatHash, parseHash } from './hash.js';
import type { HashState } from './hash.js';
import { AddressMap } from './map.js';
import { markerBadges, Timeline } from './timeline.js';

/** What the page shows. */
interface View {
  step: number;
  section: number | null;
  bit: number | null;
  diff: [number, number] | null;
}

/** The hook the benchmark and tests may use: move to a step and wait until it is drawn. */
declare global {
  interface Window {
    memhpViewer?: { goto(step: number): Promise<void> };
  }
}

const info = await getJson<ViewInfo>('/api/info');
const last = info.steps - 1;
const view: View = { step: 0, section: null, bit: null, diff: null };
const back: number[] = [];
const forward: number[] = [];
let controller: AbortController | null = null;
let pending: Promise<void> = Promise.resolve();
const blames = new Map<string, BlameRow[]>();
/** The step at which selectMismatch last looked (it selects once per step arrived at, so Escape can still clear it). */
let autoAt = -1;

byId('file').textContent = info.file;
// Every run's profile, one line each and whole (compare mode: one per kernel).
setHtml(byId('profile'), info.profiles.map((p) => `<div>${esc(p)}</div>`).join(''));
if (info.check) byId('mode').textContent = `check: ${info.check.snapshots} snapshots, ${info.check.fieldsCompared} fields compared, ${info.check.mismatches.length} mismatch(es)`;
else if (info.kernels.length > 1) byId('mode').textContent = `compare: ${info.kernels.join(' vs ')}`;
document.title = `memhp view ${info.file.split('/').pop() ?? ''}`;
const timeline = new Timeline(info, (seq, from) => go(seq, from !== null, from ?? view.step));
const map = new AddressMap(info, (nr, bit) => {
  view.section = nr;
  view.bit = bit;
  update();
});
const divergence = byId<HTMLButtonElement>('divergence');
if (info.firstDivergence !== null) {
  divergence.hidden = false;
  divergence.textContent = `first divergence: step ${info.firstDivergence}`;
  // The jump selects the first section the kernels differ on there, so the map scrolls it into view and the detail shows it side by side.
  divergence.addEventListener('click', () => {
    const at = info.firstDivergence ?? 0;
    getJson<StateView>(`/api/state?step=${at}`).then(
      (s) => {
        const nr = s.diverging[0];
        if (nr !== undefined) select(nr);
        go(at, true);
      },
      () => go(at, true),
    );
  });
}
const firstMismatch = info.check?.mismatches.find((m) => m.section !== null) ?? info.check?.mismatches[0];
if (firstMismatch) {
  const b = byId<HTMLButtonElement>('mismatch');
  b.hidden = false;
  b.textContent = `first mismatch: step ${firstMismatch.step}${firstMismatch.section === null ? '' : `, section ${firstMismatch.section}`}`;
  b.addEventListener('click', () => {
    if (firstMismatch.section !== null) select(firstMismatch.section);
    go(firstMismatch.step, true);
  });
}
byId('stepinfo').addEventListener('click', (e) => {
  const el = (e.target as HTMLElement).closest<HTMLElement>('[data-section]');
  if (el?.dataset.section === undefined) return;
  select(Number(el.dataset.section));
  update();
});
wireDiffControls();
wireFilters();
byId('back').addEventListener('click', () => travel(back, forward));
byId('forward').addEventListener('click', () => travel(forward, back));
document.addEventListener('keydown', onKey);
window.addEventListener('hashchange', () => {
  if (location.hash !== currentHash()) applyHash(location.hash);
});
window.memhpViewer = {
  goto: (step) => {
    go(step, false);
    return pending;
  },
};
applyHash(location.hash);

// --- navigation ---

/** Move to `step`; a jump (click, Home/End, slider drag) remembers where it left (`from`) for back/forward. */
function go(step: number, jump: boolean, from = view.step): void {
  const to = Math.max(0, Math.min(last, step));
  if (jump && from !== to && back[back.length - 1] !== from) {
    back.push(from);
    forward.length = 0;
  }
  if (to === view.step) {
    update();
    return;
  }
  view.step = to;
  update();
}

/** Make section `nr` the selected one (its row highlighted and scrolled into view, its detail shown). */
function select(nr: number): void {
  view.section = nr;
  view.bit = null;
}

/** Check mode: a step with section mismatches and nothing selected selects the first of them (the map scrolls to it). */
function selectMismatch(): void {
  if (autoAt === view.step) return;
  autoAt = view.step;
  if (view.section !== null || view.diff !== null) return;
  const m = mismatchesAt(view.step).find((x) => x.section !== null);
  if (m?.section != null) select(m.section);
}

/** Check mode: the mismatches found after step `step`. */
function mismatchesAt(step: number): CheckMark[] {
  return (info.check?.mismatches ?? []).filter((m) => m.step === step);
}

function travel(from: number[], to: number[]): void {
  const step = from.pop();
  if (step === undefined) return;
  to.push(view.step);
  view.step = step;
  update();
}

function onKey(e: KeyboardEvent): void {
  const t = e.target as HTMLElement;
  if (t.tagName === 'SELECT' || (t.tagName === 'INPUT' && (t as HTMLInputElement).type !== 'range') || t.tagName === 'TEXTAREA') return;
  const moves: Record<string, () => void> = {
    ArrowLeft: () => (e.altKey ? travel(back, forward) : go(view.step - 1, false)),
    ArrowRight: () => (e.altKey ? travel(forward, back) : go(view.step + 1, false)),
    PageUp: () => go(view.step - 10, false),
    PageDown: () => go(view.step + 10, false),
    Home: () => go(0, true),
    End: () => go(last, true),
    Escape: () => {
      view.section = null;
      view.bit = null;
      update();
    },
  };
  const f = moves[e.key];
  if (!f) return;
  e.preventDefault();
  f();
}

function applyHash(hash: string): void {
  const h = parseHash(hash);
  view.step = Math.max(0, Math.min(last, h.step ?? 0));
  view.section = h.section ?? null;
  view.bit = null;
  view.diff = h.diff ? [Math.min(last, h.diff[0]), Math.min(last, h.diff[1])] : null;
  timeline.setFilter(h.kind ?? '', h.outcome ?? '');
  update();
}

function currentHash(): string {
  const hs: HashState = { step: view.step, section: view.section, diff: view.diff, ...timeline.filter };
  return formatHash(hs);
}

// --- drawing ---

/** Redraw for the current view: controls and hash now, data when the server answers (stale answers dropped). */
function update(): void {
  selectMismatch();
  timeline.setCurrent(view.step);
  byId<HTMLButtonElement>('back').disabled = back.length === 0;
  byId<HTMLButtonElement>('forward').disabled = forward.length === 0;
  byId<HTMLInputElement>('diff-on').checked = view.diff !== null;
  if (view.diff) {
    byId<HTMLInputElement>('diff-from').value = String(view.diff[0]);
    byId<HTMLInputElement>('diff-to').value = String(view.diff[1]);
  }
  history.replaceState(null, '', currentHash());
  controller?.abort();
  const c = new AbortController();
  controller = c;
  document.body.dataset.ready = '0';
  pending = draw(c.signal).then(
    () => {
      if (controller !== c) return;
      document.body.dataset.step = String(view.step);
      document.body.dataset.ready = '1';
    },
    (e: unknown) => {
      if (!isAbort(e)) byId('stepinfo').textContent = `error: ${e instanceof Error ? e.message : String(e)}`;
    },
  );
}

async function draw(signal: AbortSignal): Promise<void> {
  const { step, section, bit, diff } = view;
  const [states, d, detail, blame] = await Promise.all([
    Promise.all(info.kernels.map((_, run) => getJson<StateView>(`/api/state?step=${step}&run=${run}`, signal))),
    diff ? getJson<DiffView>(`/api/diff?from=${diff[0]}&to=${diff[1]}`, signal) : null,
    section === null
      ? null
      : Promise.all(info.kernels.map((_, run) => getJson<SectionDetail>(`/api/section?step=${step}&nr=${section}&run=${run}`, signal))).catch((e: unknown) =>
          isAbort(e) ? Promise.reject(e) : (e as Error),
        ),
    section === null ? null : blameOf(section, bit, signal),
  ]);
  signal.throwIfAborted();
  const main = states[0] as StateView;
  stepInfo(main);
  // The step header's new height moved the list's bottom edge: keep the current row in view.
  timeline.setCurrent(step);
  const mismatches = new Set((info.check?.mismatches ?? []).filter((m) => m.step === step && m.section !== null).map((m) => m.section as number));
  if (d) map.showDiff(d);
  else map.showState(states, mismatches);
  map.select(section);
  if (detail instanceof Error) renderDetailError(detail.message);
  else if (detail) renderDetail(detail, info.kernels, blame, bit, (seq) => go(seq, true));
  else byId('detail').innerHTML = '<p class="dim">Click a section on the map (a cell: its bit).</p>';
}

/** A section's (or bit's) blame list: the same at every step, so fetched once per section and bit. */
function blameOf(section: number, bit: number | null, signal: AbortSignal): Promise<BlameRow[]> {
  const key = `${section}:${bit ?? ''}`;
  const hit = blames.get(key);
  if (hit) return Promise.resolve(hit);
  return getJson<BlameRow[]>(`/api/blame?nr=${section}${bit === null ? '' : `&bit=${bit}`}`, signal).then((rows) => {
    blames.set(key, rows);
    return rows;
  });
}

function stepInfo(s: StateView): void {
  const r = s.row;
  const marks = markerBadges(r.summary);
  let html = `<div><strong>step ${r.seq}</strong> <span class="dim">${esc(r.source)}</span> ${marks}</div><div class="call">${esc(r.call)}${r.ret ? ` → <strong>${esc(r.ret)}</strong>` : ''}</div>`;
  if (r.text !== r.call) html += `<div class="label">${esc(r.text)}</div>`;
  if (s.path) html += `<div class="path">${esc(s.path)}</div>`;
  for (const w of s.warnings) html += `<div class="warn">WARNING ${esc(w)}</div>`;
  for (const h of s.hazards) html += `<div class="hazard">HAZARD ${esc(h)}</div>`;
  for (const m of mismatchesAt(r.seq)) {
    const at = m.section === null ? '' : ` data-section="${m.section}" title="show section ${m.section}"`;
    html += `<div class="mismatch"${at}>MISMATCH line ${m.line}${m.section === null ? '' : ` section ${m.section}`} ${esc(m.field)}: model ${esc(m.model)}, kernel ${esc(m.kernel)}</div>`;
    if (m.raw) html += `<div class="raw">model: ${esc(m.raw.model)}<br>kernel: ${esc(m.raw.kernel)}</div>`;
  }
  byId('stepinfo').innerHTML = html;
}

// --- controls ---

function wireDiffControls(): void {
  const on = byId<HTMLInputElement>('diff-on');
  const from = byId<HTMLInputElement>('diff-from');
  const to = byId<HTMLInputElement>('diff-to');
  from.max = to.max = String(last);
  const read = (): [number, number] => [clampInput(from), clampInput(to)];
  on.addEventListener('change', () => {
    view.diff = on.checked ? read() : null;
    update();
  });
  for (const input of [from, to]) {
    input.addEventListener('change', () => {
      if (view.diff) {
        view.diff = read();
        update();
      }
    });
  }
  byId('diff-here').addEventListener('click', () => {
    view.diff = [Math.max(0, view.step - 1), view.step];
    update();
  });
}

function clampInput(input: HTMLInputElement): number {
  const n = Number(input.value);
  return Number.isInteger(n) ? Math.max(0, Math.min(last, n)) : 0;
}

function wireFilters(): void {
  const kind = byId<HTMLSelectElement>('kind');
  const outcome = byId<HTMLSelectElement>('outcome');
  const apply = (): void => {
    timeline.setFilter(kind.value, outcome.value);
    history.replaceState(null, '', currentHash());
  };
  kind.addEventListener('change', apply);
  outcome.addEventListener('change', apply);
}
