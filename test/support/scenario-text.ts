/** Builds small scenario documents for tests, validated by the real loader. */
import { parseScenario } from '../../harness/plan/load-scenario.ts';
import type { Plan } from '../../harness/plan/plan.ts';

/** Parses YAML text into a Plan or fails the test with every issue. */
export function planFrom(yaml: string, file = '/tmp/test-scenario.yaml'): Plan {
  const out = parseScenario(yaml, file);
  if (!out.ok) throw new Error(out.issues.map((i) => `${i.line}:${i.col} ${i.message} (${i.path})`).join('\n'));
  return out.plan;
}

/** True while a process with this PID exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
