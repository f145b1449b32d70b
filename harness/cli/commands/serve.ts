/**
 * `caplab serve <component> [--port N] [--host H] [component flags...]`: runs one reference
 * component in the foreground, exactly as the local cluster provider runs it as a child process.
 * Flags commander does not know pass through to the component, which validates them itself.
 */
import { Command } from 'commander';
import { UsageError } from '../../../reference-impl/common/usage-error.ts';
import { componentNames } from '../../../reference-impl/components.ts';
import { componentsHelp, serveComponent } from '../../../reference-impl/main.ts';
import { CaplabError } from '../../errors.ts';

/** The `serve` command; its action resolves once the component listens (the process then stays up until SIGTERM/SIGINT). */
export function serveCommand(): Command {
  return new Command('serve')
    .description('run one reference component in the foreground; SIGTERM/SIGINT drains in-flight requests, then exits 0')
    .argument('[component]', `reference component: ${componentNames().join(', ')}`)
    .option('--port <n>', 'TCP port (0 = any free port; default 8080)')
    .option('--host <h>', 'address to listen on (default 127.0.0.1)')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', () => `\nComponents and their flags:\n\n${componentsHelp()}`)
    .action(async (component: string | undefined, opts: { port?: string; host?: string }, cmd: Command) => {
      await serveAction(component, cmd.args.slice(1), opts);
    });
}

/** What `caplab serve` does once commander has split its arguments. */
export async function serveAction(component: string | undefined, componentArgs: string[], opts: { port?: string; host?: string }): Promise<void> {
  if (component === undefined || component.startsWith('-')) {
    throw new CaplabError('CAPLAB_ERR_USAGE', `name the component first: caplab serve <${componentNames().join('|')}> [flags]`, {
      hint: '`caplab serve --help` lists the components and their flags',
    });
  }
  const argv = [...componentArgs];
  if (opts.port !== undefined) argv.push('--port', opts.port);
  if (opts.host !== undefined) argv.push('--host', opts.host);
  try {
    await serveComponent(component, argv);
  } catch (err) {
    if (err instanceof UsageError && err.kind === 'unknown-component') throw new CaplabError('CAPLAB_ERR_UNKNOWN_COMPONENT', err.message.replace(/^unknown component /, ''));
    if (err instanceof UsageError) {
      throw new CaplabError('CAPLAB_ERR_USAGE', err.message, { hint: `\`caplab serve ${component} --help\` lists its flags` });
    }
    throw new CaplabError('CAPLAB_ERR_COMPONENT_START', `${component}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
