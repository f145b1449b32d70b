// Worker threads start without the parent's TypeScript loader (Node 20 does not apply --import
// from a worker's execArgv before its entry module), so the entry registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./fsk-worker.ts');
