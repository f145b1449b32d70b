/**
 * One load-generator process of `npm run bench:realtime`: opens `count` WebSocket connections to
 * the given URLs in turn (at most `inFlight` handshakes at once), bound to `source` (a 127.x
 * address, so each process has its own ~28k ephemeral ports), then holds them idle. Prints one
 * JSON line once every attempt is settled: held, failed (by reason) and every connect time in ms.
 * Closes everything and exits when stdin ends (the parent ended or died). A separate process
 * because one process may open at most 20,000 files here.
 *   tsx scripts/realtime-bench-client.ts '{"urls":[...],"count":16000,"source":"127.0.0.11","inFlight":200}'
 */
import { WsClient } from '../harness/drivers/ws-client.ts';

interface Args { urls: string[]; count: number; source: string; inFlight: number; timeoutMs?: number }

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const held: WsClient[] = [];
const connectMs: number[] = [];
const failed: Record<string, number> = {};
let next = 0;

async function opener(): Promise<void> {
  while (next < args.count) {
    const n = next++;
    const t0 = performance.now();
    try {
      const c = await WsClient.open({ url: args.urls[n % args.urls.length]!, localAddress: args.source, timeoutMs: args.timeoutMs ?? 30_000 });
      connectMs.push(performance.now() - t0);
      held.push(c);
    } catch (err) {
      const reason = (err as Error).message;
      failed[reason] = (failed[reason] ?? 0) + 1;
    }
  }
}

process.stdin.on('end', () => {
  for (const c of held) c.terminate();
  process.exit(0);
});
process.stdin.resume();

await Promise.all(Array.from({ length: args.inFlight }, opener));
let endedEarly = 0;
for (const c of held) void c.ended.then(() => { endedEarly++; });
process.stdout.write(`${JSON.stringify({ event: 'held', held: held.length, failed, connectMs: connectMs.map((x) => Math.round(x * 100) / 100) })}\n`);
// report connections the server ended while we hold, once a second, so the parent can see drops
setInterval(() => process.stdout.write(`${JSON.stringify({ event: 'status', open: held.length - endedEarly })}\n`), 1_000);
