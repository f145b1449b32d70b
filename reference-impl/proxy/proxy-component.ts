/**
 * The reverse proxy component (seed 002): N worker processes behind one port, keep-alive upstream
 * pools, active and passive health checks, per-upstream circuit breakers, graceful reload on
 * SIGHUP. Its settings come from a config file and/or inline JSON (see proxy-config.ts); flags
 * only say where they are.
 */
import { defineComponent } from '../common/component.ts';

export const proxyFlags = {
  config: { kind: 'string', help: 'YAML or JSON config file; read again on SIGHUP' },
  configJson: { kind: 'string', help: 'inline JSON config, merged over --config (e.g. {"workers":2})' },
  upstreams: { kind: 'string', help: 'comma-separated upstream origins (http://host:port), used when the config lists none' },
  reloadJson: { kind: 'string', help: 'JSON merged over the config on each SIGHUP: a staged change, so a scenario can reload to a different config without editing a file' },
} as const;

export const proxyComponent = defineComponent({
  describe: 'HTTP/1.1 reverse proxy: worker processes, health checks, outlier ejection, circuit breakers, SIGHUP reload',
  flags: proxyFlags,
  async start(options, logger) {
    const { startProxy } = await import('./proxy-primary.ts');
    return startProxy(options, logger);
  },
});
