/**
 * Properties of versioned recording over random scenarios (test/helpers/arbitraries.ts):
 *   (a) every profile records deterministically: the same scenario recorded twice under the same
 *       release gives byte-identical JSON lines (log/index.js recordScenario + logToJsonLines);
 *   (b) two releases that differ only in changes a scenario never triggers record identical logs
 *       apart from the header line (which names the kernel). Each pair states its trigger exactly,
 *       and where the trigger can be stated exactly the converse is checked too: a scenario that
 *       triggers the change records a different log.
 *
 * Pairs (kernel/versions.ts; expectBoundary pins what each pair differs in):
 *   6.7 / 6.8        F14: triggered iff a section_deactivate() frees a usage — in 6.8 the only
 *                    resource event with how = 'kfree_rcu' (6.7: 'kfree' plus the F14 race hazard).
 *   5.19 / 6.0       CALLER_WARN: triggered iff an add_pages/__add_pages whose altmap passes the
 *                    altmap check has a pfn or nr_pages that is not a multiple of PAGES_PER_SUBSECTION
 *                    (the WARN's func) or nr_pages = 0 (the 'undefined' hazard), or a __remove_pages
 *                    has a misaligned pfn or nr_pages (the WARN's func).
 *   6.4 / 6.5        FMT_0X and REMOVE_SECTION: REMOVE_SECTION changes the call path of every removal
 *                    (and the WARN of an invalid section), so scenarios without __remove_pages /
 *                    sparse_remove_section; then triggered iff an add with a passing altmap is
 *                    misaligned (nr_pages = 0 counts as aligned) — the "end: #…" / "end: 0x…" text.
 *   5.11 / 5.12      TAINT (and F16, arm64-only and unmodelled): move_pfn_range_to_zone(ZONE_DEVICE)
 *                    sets the taint and pfn_to_online_page() reads it, so scenarios without either
 *                    record identical logs (one direction: they may still give the same answer).
 *   6.9 / 6.10, 6.1.99 / 6.1.100   F15: pfn_section_valid() of a valid, non-early section with a NULL
 *                    usage, which a sequential run never produces (test/versions/f15.test.ts): the
 *                    logs are identical for every scenario.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createProfile } from '../../kernel/index.js';
import type { Operation } from '../../kernel/operation.js';
import type { Scenario } from '../../inputs/types.js';
import { logToJsonLines, recordScenario } from '../../log/index.js';
import { splitHash } from '../../log/logfile.js';
import { SUB, scenarioArb } from '../helpers/arbitraries.js';
import { buildScenario, PROP_FILE, scenarioText } from '../helpers/scenario_build.js';
import { expectBoundary } from './boundary.js';

const NUM_RUNS = Math.max(200, Number(process.env.MEMHP_VERSIONS_PROP_RUNS ?? 200));
const PROFILES = ['5.2', '5.3', '5.5', '5.6', '5.9', '6.1.192', '6.12.95', 'newest'] as const;

/** The scenario recorded under `kernel`, as JSON lines (header first, no trailing empty line). */
function record(kernel: string, s: Scenario): string[] {
  const log = recordScenario(s, createProfile({ kernel }));
  return logToJsonLines(log, scenarioText(s), PROP_FILE).trimEnd().split('\n');
}

/** The records after the header, without their chained hashes (which start from the header's). */
function body(kernel: string, s: Scenario): string[] {
  return record(kernel, s).slice(1).map((l) => splitHash(l)?.content ?? l);
}

/** The same scenario with the steps `keep` rejects dropped (lines renumbered). */
function only(s: Scenario, keep: (op: Operation) => boolean): Scenario {
  return buildScenario(
    s.boot.ranges,
    s.steps.filter((st) => keep(st.op)).map((st) => ({ op: st.op, inject: st.inject })),
  );
}

const misaligned = (pfn: number, nr: number): boolean => pfn % SUB !== 0 || nr % SUB !== 0;

/** __add_pages' altmap check passes (no altmap, or base_pfn = pfn and reserve + free ≤ nr_pages). */
function altmapPasses(op: Operation & { kind: 'add_pages' | '__add_pages' }): boolean {
  return op.altmap === null || (op.altmap.base_pfn === op.pfn && op.altmap.reserve + op.altmap.free <= op.nr_pages);
}

/** CALLER_WARN's trigger (5.19 / 6.0). */
function triggersCallerWarn(s: Scenario): boolean {
  return s.steps.some(({ op }) => {
    if (op.kind === 'add_pages' || op.kind === '__add_pages') return altmapPasses(op) && (misaligned(op.pfn, op.nr_pages) || op.nr_pages === 0);
    if (op.kind === '__remove_pages') return misaligned(op.pfn, op.nr_pages);
    return false;
  });
}

/** FMT_0X's trigger (6.4 / 6.5) in a scenario without removals. */
function triggersFmt0x(s: Scenario): boolean {
  return s.steps.some(({ op }) => (op.kind === 'add_pages' || op.kind === '__add_pages') && altmapPasses(op) && misaligned(op.pfn, op.nr_pages));
}

/** F14's trigger (6.7 / 6.8): a usage freed with kfree_rcu in the 6.8 log. */
function freesUsageWithRcu(lines68: readonly string[]): boolean {
  return lines68.some((l) => (JSON.parse(l) as { outcome: { resources: Array<{ how: string }> } }).outcome.resources.some((r) => r.how === 'kfree_rcu'));
}

const isRemoval = (op: Operation): boolean => op.kind === '__remove_pages' || op.kind === 'sparse_remove_section';

describe('versioned recording: determinism and untriggered changes', () => {
  it(`every profile records a scenario twice to identical JSON lines (${NUM_RUNS} runs × ${PROFILES.length} profiles)`, () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        for (const kernel of PROFILES) {
          const first = record(kernel, s);
          const second = record(kernel, s);
          expect(second, `linux ${kernel}`).toEqual(first);
          expect(first).toHaveLength(s.steps.length + 2);
          expect(JSON.parse(first[0]!)).toMatchObject({ memhp: 'log', kernel });
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  /** Run the same random scenarios under `before` and `after`: identical logs (apart from the header) exactly when `triggers` says the change never fires. */
  function pairProperty(before: string, after: string, arb: fc.Arbitrary<Scenario>, triggers: (s: Scenario, afterLog: readonly string[]) => boolean): void {
    const seen = { triggered: 0, quiet: 0 };
    fc.assert(
      fc.property(arb, (s) => {
        const a = body(before, s);
        const b = body(after, s);
        if (triggers(s, b)) {
          seen.triggered++;
          expect(b).not.toEqual(a);
        } else {
          seen.quiet++;
          expect(b).toEqual(a);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    expect(seen.triggered).toBeGreaterThan(0);
    expect(seen.quiet).toBeGreaterThan(0);
  }

  it('6.7 / 6.8 (F14): identical logs apart from the header iff no usage is freed by section_deactivate', () => {
    expectBoundary('6.7', '6.8', ['F14']);
    pairProperty('6.7', '6.8', scenarioArb(), (_s, b) => freesUsageWithRcu(b));
  });

  it('5.19 / 6.0 (CALLER_WARN): identical logs apart from the header iff no misaligned add/remove and no add of 0 pages', () => {
    expectBoundary('5.19', '6.0', ['CALLER_WARN']);
    pairProperty('5.19', '6.0', scenarioArb(), (s) => triggersCallerWarn(s));
  });

  it('6.4 / 6.5 (FMT_0X, REMOVE_SECTION), no removals: identical logs apart from the header iff no misaligned add', () => {
    expectBoundary('6.4', '6.5', ['FMT_0X', 'REMOVE_SECTION']);
    pairProperty('6.4', '6.5', scenarioArb().map((s) => only(s, (op) => !isRemoval(op))), (s) => triggersFmt0x(s));
  });

  it('5.11 / 5.12 (TAINT): identical logs apart from the header without pfn_to_online_page or a move to ZONE_DEVICE', () => {
    expectBoundary('5.11', '5.12', ['F16', 'MHP_RANGE_ALLOWED', 'TAINT']);
    fc.assert(
      fc.property(
        scenarioArb().map((s) => only(s, (op) => op.kind !== 'pfn_to_online_page' && !(op.kind === 'move_pfn_range_to_zone' && op.zone === 'device'))),
        (s) => {
          expect(body('5.12', s)).toEqual(body('5.11', s));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('6.9 / 6.10 and 6.1.99 / 6.1.100 (F15): identical logs apart from the header for every scenario', () => {
    expectBoundary('6.9', '6.10', ['F15']);
    expectBoundary('6.1.99', '6.1.100', ['F15']);
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        expect(body('6.10', s)).toEqual(body('6.9', s));
        expect(body('6.1.100', s)).toEqual(body('6.1.99', s));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
