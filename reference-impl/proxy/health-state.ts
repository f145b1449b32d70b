/**
 * Rise/fall counting for active health checks, as nginx and HAProxy do it: a healthy upstream
 * turns unhealthy after `fall` failed checks in a row, an unhealthy one healthy after `rise`
 * passed checks in a row. Upstreams start healthy, so traffic flows before the first check.
 */
export class HealthState {
  private up = true;
  private streak = 0;

  constructor(private readonly rise: number, private readonly fall: number) {}

  get healthy(): boolean { return this.up; }

  /** Records one check; returns true when this check changed the state. */
  record(passed: boolean): boolean {
    if (passed === this.up) { this.streak = 0; return false; }
    this.streak++;
    if (this.streak < (this.up ? this.fall : this.rise)) return false;
    this.up = passed;
    this.streak = 0;
    return true;
  }
}
