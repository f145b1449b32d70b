/** Builds the driver a workload's driver block names. One line per driver kind. */
import { scriptedHttpDriver } from '../authoring/scripted-http-driver.ts';
import type { Driver, DriverDeps } from '../drivers/driver.ts';
import { createArtilleryEngine } from '../engines/artillery-engine.ts';
import { createAutocannonEngine } from '../engines/autocannon-engine.ts';
import { createHttpDriver } from '../drivers/http.ts';
import { createK8sDriver } from '../drivers/k8s.ts';
import { createTcpDriver } from '../drivers/tcp.ts';
import { createWsDriver } from '../drivers/ws.ts';
import type { Workload } from '../plan/scenario-schema.ts';

export function createDriver(workload: Workload, deps: DriverDeps): Driver {
  if (workload.http) return scriptedHttpDriver(workload.http, deps) ?? createHttpDriver(workload.http, deps);
  if (workload.tcp) return createTcpDriver(workload.tcp, deps);
  if (workload.ws) return createWsDriver(workload.ws, deps);
  if (workload.k8s) return createK8sDriver(workload.k8s, deps);
  if (workload.autocannon) return createAutocannonEngine(workload.autocannon, deps);
  if (workload.artillery) return createArtilleryEngine(workload.artillery, deps);
  throw new Error('workload has no driver block (the schema should have caught this)');
}
