/**
 * Every reference component, by the name `caplab serve <name>` and scenario files use. Adding a
 * component is one line here; its module loads its server code only when started.
 */
import { controlPlaneComponent } from '../clusters/control-plane/control-plane-component.ts';
import type { RegisteredComponent } from './common/component.ts';
import { bamfAgentComponent } from './bamf/bamf-agent-component.ts';
import { bamfApiComponent } from './bamf/bamf-api-component.ts';
import { bamfBridgeComponent } from './bamf/bamf-bridge-component.ts';
import { echoComponent } from './echo/echo-component.ts';
import { fskComponent } from './fsk/fsk-component.ts';
import { operatorComponent } from './operator/operator-component.ts';
import { proxyComponent } from './proxy/proxy-component.ts';
import { realtimeComponent } from './realtime/realtime-component.ts';
import { redisComponent } from './realtime/redis-component.ts';
import { tcpEchoComponent } from './tcp-echo/tcp-echo-component.ts';
import { tunnelAgentComponent } from './tunnel/tunnel-agent-component.ts';
import { tunnelConnectComponent } from './tunnel/tunnel-connect-component.ts';
import { tunnelServerComponent } from './tunnel/tunnel-server-component.ts';

export const COMPONENTS: Readonly<Record<string, RegisteredComponent>> = {
  'bamf-agent': bamfAgentComponent,
  'bamf-api': bamfApiComponent,
  'bamf-bridge': bamfBridgeComponent,
  'control-plane': controlPlaneComponent,
  echo: echoComponent,
  fsk: fskComponent,
  operator: operatorComponent,
  proxy: proxyComponent,
  realtime: realtimeComponent,
  redis: redisComponent,
  'tcp-echo': tcpEchoComponent,
  'tunnel-agent': tunnelAgentComponent,
  'tunnel-connect': tunnelConnectComponent,
  'tunnel-server': tunnelServerComponent,
};

/** The registered component names, sorted, for help text and error messages. */
export function componentNames(): string[] {
  return Object.keys(COMPONENTS).sort();
}
