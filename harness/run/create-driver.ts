/** Builds the driver a workload's driver block names. One line per driver kind. */
import type { Driver, DriverDeps } from '../drivers/driver.ts';
import { createHttpDriver } from '../drivers/http.ts';
import { createTcpDriver } from '../drivers/tcp.ts';
import type { Workload } from '../plan/scenario-schema.ts';

export function createDriver(workload: Workload, deps: DriverDeps): Driver {
  if (workload.http) return createHttpDriver(workload.http, deps);
  if (workload.tcp) return createTcpDriver(workload.tcp, deps);
  throw new Error('workload has no driver block (the schema should have caught this)');
}
