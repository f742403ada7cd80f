/**
 * The URL hash holds the view: `#step=42&section=40&diff=10..42&kind=__add_pages&outcome=warn`.
 * formatHash(parseHash(h)) gives h back for every hash the page writes (keys in this order,
 * defaults left out), so a shared URL restores exactly the view it was copied from.
 */

/** What the hash records. */
export interface HashState {
  readonly step: number;
  readonly section: number | null;
  readonly diff: readonly [number, number] | null;
  readonly kind: string;
  readonly outcome: string;
}

/** Read a hash ("#a=b&…" or ""); unknown keys and malformed values are ignored. */
export function parseHash(hash: string): Partial<HashState> {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const out: { step?: number; section?: number | null; diff?: readonly [number, number] | null; kind?: string; outcome?: string } = {};
  const int = (v: string | null): number | undefined => (v !== null && /^\d{1,9}$/.test(v) ? Number(v) : undefined);
  const step = int(q.get('step'));
  if (step !== undefined) out.step = step;
  const section = int(q.get('section'));
  if (section !== undefined) out.section = section;
  const m = /^(\d{1,9})\.\.(\d{1,9})$/.exec(q.get('diff') ?? '');
  if (m) out.diff = [Number(m[1]), Number(m[2])];
  const kind = q.get('kind');
  if (kind) out.kind = kind;
  const outcome = q.get('outcome');
  if (outcome) out.outcome = outcome;
  return out;
}

/** The hash of a view ("#step=…"). */
export function formatHash(s: HashState): string {
  const parts = [`step=${s.step}`];
  if (s.section !== null) parts.push(`section=${s.section}`);
  if (s.diff) parts.push(`diff=${s.diff[0]}..${s.diff[1]}`);
  if (s.kind) parts.push(`kind=${encodeURIComponent(s.kind)}`);
  if (s.outcome) parts.push(`outcome=${encodeURIComponent(s.outcome)}`);
  return `#${parts.join('&')}`;
}
