/**
 * kubectl bound to one kubeconfig and context. Every real-cluster provider applies, waits, reads
 * and deletes through it, so the cluster-side steps are written once and faked once.
 */
import { CaplabError } from '../../harness/errors.ts';
import type { BackgroundCommand, CommandRunner } from './command-runner.ts';
import { firstLine } from './prerequisites.ts';

export interface KubectlTarget {
  /** kubeconfig file; default: kubectl's (KUBECONFIG, ~/.kube/config) */
  kubeconfig?: string;
  context?: string;
}

export class Kubectl {
  readonly runner: CommandRunner;
  readonly target: KubectlTarget;
  private readonly log: (line: string) => void;

  constructor(runner: CommandRunner, target: KubectlTarget, log: (line: string) => void = () => {}) {
    this.runner = runner;
    this.target = target;
    this.log = log;
  }

  /** The global flags that pin every call to the target. */
  globalArgs(): string[] {
    return [
      ...(this.target.kubeconfig !== undefined ? ['--kubeconfig', this.target.kubeconfig] : []),
      ...(this.target.context !== undefined ? ['--context', this.target.context] : []),
    ];
  }

  /** Runs kubectl and returns stdout; a non-zero exit is CAPLAB_ERR_KUBE_DEPLOY naming the step. */
  async run(args: readonly string[], options: { input?: string; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
    const full = [...this.globalArgs(), ...args];
    this.log(`[kubectl] ${args.join(' ')}`);
    const r = await this.runner.run('kubectl', full, options);
    if (r.code !== 0) {
      throw new CaplabError('CAPLAB_ERR_KUBE_DEPLOY', `\`kubectl ${args.join(' ')}\` exited ${r.code}: ${firstLine(r.stderr || r.stdout)}`);
    }
    return r.stdout;
  }

  /** Like run(), but resolves with null instead of throwing (for probes such as `get` of something that may not exist). */
  async tryRun(args: readonly string[], options: { signal?: AbortSignal } = {}): Promise<string | null> {
    const r = await this.runner.run('kubectl', [...this.globalArgs(), ...args], options);
    return r.code === 0 ? r.stdout : null;
  }

  /** `kubectl apply -f -` of the objects as one List (client-side apply: any API server takes it). */
  async apply(objects: readonly object[], signal?: AbortSignal): Promise<void> {
    if (objects.length === 0) return;
    await this.run(['apply', '--server-side=false', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }), ...(signal ? { signal } : {}) });
  }

  /** Starts a background kubectl (port-forward); `onLine` gets its output. */
  start(args: readonly string[], onLine: (line: string) => void): BackgroundCommand {
    this.log(`[kubectl] ${args.join(' ')} (background)`);
    return this.runner.start('kubectl', [...this.globalArgs(), ...args], onLine);
  }
}
