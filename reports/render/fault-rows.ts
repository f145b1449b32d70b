/** The faults table's rows (RunResult.faults), shared by the console and summary.md renderers. */
import type { FaultRecord, RunResult } from '../run-result.ts';
import { formatCount } from './format.ts';

export const FAULT_HEADER = ['action', 'component', 'at', 'back after', 'gap', 'failed during fault', 'recovery', 'observed back'];
export const FAULT_ALIGN: ('left' | 'right')[] = ['left', 'left', 'right', 'right', 'left', 'right', 'right', 'left'];
/** What the columns mean, for a note under the table. */
export const FAULT_NOTE = 'at: injected, s since the run started; back after: until the component was ready again; gap: first to last second with failures; '
  + 'recovery: from injection until the per-second error rate is back under 0.1% for good; observed back: a watched gauge back at its value before the fault, s after the component was back';

/** One row per fault, in the order they happened, and a note per fault that had an error. */
export function faultRows(r: RunResult): { rows: string[][]; notes: string[] } {
  const faults = r.faults ?? [];
  return {
    rows: faults.map((f) => [
      f.action,
      f.replica ? `${f.component} #${f.replica}` : f.component,
      f.injectedAt === null ? `not injected (planned ${s(f.at)})` : s(f.injectedAt),
      f.componentBackAt === undefined ? '-' : f.componentBackAt === null || f.injectedAt === null ? 'never' : s(f.componentBackAt - f.injectedAt),
      f.gap ? `${s(f.gap.from)} .. ${s(f.gap.to)} (${s(f.gap.to - f.gap.from)})` : f.injectedAt === null ? '-' : 'none',
      f.injectedAt === null ? '-' : formatCount(f.failedDuringFault),
      f.injectedAt === null ? '-' : f.recoverySeconds === null ? 'never (in this run)' : s(f.recoverySeconds),
      observed(f),
    ]),
    notes: faults.flatMap((f) => (f.error ? [`${f.action} ${f.component}: ${f.error}`] : [])),
  };
}

/** `agents 20/20 after 5.33 s`, or `agents 12/20, not back` for each watched gauge. */
function observed(f: FaultRecord): string {
  const o = f.observations ?? {};
  const names = Object.keys(o).filter((k) => k.endsWith('Before')).map((k) => k.slice(0, -'Before'.length));
  if (names.length === 0) return '-';
  return names.map((n) => {
    const before = o[`${n}Before`]!;
    const back = o[`${n}Back`];
    const secs = o[`${n}BackSeconds`];
    const value = back === undefined ? `?/${before}` : `${back}/${before}`;
    return secs === undefined ? `${n} ${value}, not back` : `${n} ${value} after ${s(secs)}`;
  }).join('; ');
}

function s(seconds: number): string {
  return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
}
