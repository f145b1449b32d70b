/** What the run tells its progress display once a second. */
export interface ProgressUpdate {
  elapsedSeconds: number;
  plannedSeconds: number;
  /** iterations started in the last second */
  rate: number;
  /** offered rate of the open-model workloads now, if any */
  targetRate: number | null;
  /** corrected latency p95 of the last second, ms */
  p95: number | null;
  /** failed requests in the last second */
  errors: number;
  vus: number;
}

export interface ProgressSink {
  update(p: ProgressUpdate): void;
  /** a line worth saying between updates (phase changes, warnings) */
  note(line: string): void;
  done(): void;
}

export const silentProgress: ProgressSink = { update: () => {}, note: () => {}, done: () => {} };
