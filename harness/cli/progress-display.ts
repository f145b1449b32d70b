/**
 * Live progress: on a TTY one line rewritten every second (elapsed, achieved/target rate, p95,
 * errors, VUs); otherwise a plain line every few seconds, which CI logs keep readable.
 */
import type { ProgressSink, ProgressUpdate } from '../run/progress.ts';

export interface DisplayOptions { stream: NodeJS.WriteStream; tty: boolean; plainEverySeconds: number }

export function progressDisplay(o: DisplayOptions): ProgressSink {
  let lineOpen = false;
  const clearLine = (): void => {
    if (lineOpen) o.stream.write('\r\x1b[2K');
    lineOpen = false;
  };
  return {
    update(p) {
      const text = formatProgress(p);
      if (o.tty) {
        o.stream.write(`\r\x1b[2K${text}`);
        lineOpen = true;
      } else if (p.elapsedSeconds % o.plainEverySeconds === 0) {
        o.stream.write(`${text}\n`);
      }
    },
    note(line) {
      clearLine();
      o.stream.write(`${line}\n`);
    },
    done() {
      clearLine();
    },
  };
}

/** One progress line, e.g. `[  12s / 30s] 500/500 it/s  p95 1.21 ms  errors 0  VUs 3`. */
export function formatProgress(p: ProgressUpdate): string {
  const elapsed = `${String(Math.round(p.elapsedSeconds)).padStart(4)}s / ${Math.round(p.plannedSeconds)}s`;
  const rate = p.targetRate !== null ? `${fmtRate(p.rate)}/${fmtRate(p.targetRate)} it/s` : `${fmtRate(p.rate)} it/s`;
  const p95 = p.p95 === null ? 'p95 -' : `p95 ${p.p95 < 1 ? p.p95.toFixed(3) : p.p95 < 100 ? p.p95.toFixed(2) : p.p95.toFixed(0)} ms`;
  return `[${elapsed}] ${rate}  ${p95}  errors ${p.errors}  VUs ${p.vus}`;
}

function fmtRate(r: number): string {
  return r >= 10_000 ? `${(r / 1000).toFixed(1)}k` : r >= 100 ? r.toFixed(0) : r.toFixed(1);
}
