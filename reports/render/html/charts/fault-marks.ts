/**
 * Injected faults drawn on the time charts: a dashed vertical rule where the fault was injected
 * and a shaded band over the gap, from the start of the first window with failures (never before
 * the injection) to the end of the last one, as the harness records it.
 */
import type { FaultRecord } from '../../../run-result.ts';
import { formatSeconds } from '../../format.ts';
import type { SpecPart } from '../chart.ts';
import { LEVEL_COLOURS } from '../level-colours.ts';

/** Extra layers for a time chart; empty when the run injected no fault. */
export function faultLayers(faults: readonly FaultRecord[] | undefined): SpecPart[] {
  const injected = (faults ?? []).filter((f) => f.injectedAt !== null);
  if (injected.length === 0) return [];
  const rules = injected.map((f) => ({
    t: f.injectedAt,
    fault: faultLabel(f),
    recovery: f.recoverySeconds === null ? 'not recovered in the run' : formatSeconds(f.recoverySeconds),
  }));
  const gaps = injected.flatMap((f) => (f.gap ? [{ from: f.gap.from, to: f.gap.to, fault: faultLabel(f), failed: f.failedDuringFault }] : []));
  const layers: SpecPart[] = [];
  if (gaps.length > 0) {
    layers.push({
      data: { values: gaps },
      mark: { type: 'rect', color: LEVEL_COLOURS.critical, opacity: 0.12 },
      encoding: {
        x: { field: 'from', type: 'quantitative' },
        x2: { field: 'to' },
        tooltip: [{ field: 'fault', title: 'gap after' }, { field: 'failed', title: 'failed during fault' }],
      },
    });
  }
  layers.push({
    data: { values: rules },
    mark: { type: 'rule', color: LEVEL_COLOURS.critical, strokeDash: [4, 3], strokeWidth: 1.5 },
    encoding: {
      x: { field: 't', type: 'quantitative' },
      tooltip: [{ field: 'fault' }, { field: 't', title: 'injected at (s)' }, { field: 'recovery' }],
    },
  });
  return layers;
}

/** `kill tunnel-agent#1`: what was done to which component (and replica). */
export function faultLabel(f: FaultRecord): string {
  return `${f.action} ${f.component}${f.replica !== undefined ? `#${f.replica}` : ''}`;
}
