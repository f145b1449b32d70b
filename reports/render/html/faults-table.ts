/** Injected faults and what the system did about them: the rows behind the rules on the time charts. */
import type { FaultRecord } from '../../run-result.ts';
import { formatCount, formatSeconds } from '../format.ts';
import { faultLabel } from './charts/fault-marks.ts';
import { htmlTable } from './html-table.ts';

/** The faults section; empty when the run injected none. */
export function faultsSection(faults: readonly FaultRecord[] | undefined): string {
  if (!faults || faults.length === 0) return '';
  const seconds = (s: number | null | undefined): string => (s === null || s === undefined ? '–' : formatSeconds(s));
  const rows = faults.map((f) => ({
    className: f.error || f.recoverySeconds === null ? 'level-critical' : '',
    cells: [
      faultLabel(f),
      seconds(f.at),
      f.injectedAt === null ? 'never' : seconds(f.injectedAt),
      seconds(f.componentBackAt),
      f.gap ? `${f.gap.from.toFixed(1)}–${f.gap.to.toFixed(1)} s` : '–',
      formatCount(f.failedDuringFault),
      f.recoverySeconds === null ? 'not in the run' : seconds(f.recoverySeconds),
      [f.error ?? '', ...Object.entries(f.observations ?? {}).map(([k, v]) => `${k} ${formatCount(v)}`)].filter((x) => x !== '').join('; '),
    ],
  }));
  const table = htmlTable(['fault', 'planned at', 'injected at', 'back at', 'gap', 'failed', 'recovery', 'notes'], rows, { numeric: [1, 2, 3, 5, 6] });
  return `<section id="faults"><h2>Faults</h2>\n${table}\n</section>`;
}
