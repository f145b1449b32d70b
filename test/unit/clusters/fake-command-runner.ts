/**
 * A CommandRunner that runs nothing: it records every call and answers from a function, so the
 * kind, k3s and kubeconfig providers are tested without Docker, kind or a cluster.
 */
import type { BackgroundCommand, CommandResult, CommandRunner, RunOptions } from '../../../clusters/providers/command-runner.ts';

export interface Call { command: string; args: string[]; input?: string }
type Answer = Partial<CommandResult> | undefined;

export class FakeRunner implements CommandRunner {
  readonly calls: Call[] = [];
  readonly started: { command: string; args: string[]; stopped: boolean }[] = [];

  constructor(
    private readonly answer: (command: string, args: string[], options: RunOptions) => Answer | Promise<Answer> = () => undefined,
    /** called for each background command with a function that writes one output line */
    private readonly onStart: (command: string, args: string[], emit: (line: string) => void) => void = () => {},
  ) {}

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    this.calls.push({ command, args: [...args], ...(options.input !== undefined ? { input: options.input } : {}) });
    const a = (await this.answer(command, [...args], options)) ?? {};
    return { code: 0, stdout: '', stderr: '', notFound: false, ...a };
  }

  start(command: string, args: readonly string[], onLine: (line: string) => void): BackgroundCommand {
    const rec = { command, args: [...args], stopped: false };
    this.started.push(rec);
    let exit!: (code: number | null) => void;
    const exited = new Promise<number | null>((resolve) => { exit = resolve; });
    queueMicrotask(() => this.onStart(command, [...args], onLine));
    return { exited, stop: async () => { rec.stopped = true; exit(0); } };
  }

  /** Each call as one line, `kubectl --context c apply ...`. */
  lines(): string[] {
    return this.calls.map((c) => [c.command, ...c.args].join(' '));
  }
}

/** What a machine without Docker answers to `docker info`. */
export const NO_DOCKER = { code: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' };

/** A rendered overlay with just the templates the tests use. */
export const TEMPLATES_YAML = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: echo, labels: { app.kubernetes.io/name: echo } }
spec:
  replicas: 1
  selector: { matchLabels: { app.kubernetes.io/name: echo } }
  template:
    metadata: { labels: { app.kubernetes.io/name: echo } }
    spec:
      securityContext: { runAsNonRoot: true }
      containers:
        - name: echo
          image: caplab/reference:dev
          args: [echo, --host, 0.0.0.0, --port, "8080"]
          resources: { requests: { cpu: 250m, memory: 128Mi }, limits: { cpu: 1000m, memory: 256Mi } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: operator, labels: { app.kubernetes.io/name: operator } }
spec:
  template:
    spec:
      containers:
        - name: operator
          args: [operator, --host, 0.0.0.0, --port, "8080", --namespace, $(POD_NAMESPACE), --agent-image, caplab/reference:dev]
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: operator, namespace: caplab }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: operator, namespace: caplab }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: operator }
subjects: [{ kind: ServiceAccount, name: operator, namespace: caplab }]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: rdeagents.kuberde.io }
`;
