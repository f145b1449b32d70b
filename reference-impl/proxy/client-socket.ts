/**
 * Client connections for the fast path read with `onread` into the worker's shared buffer, as its
 * upstream connections do: measured on this machine, a trivial keep-alive server spent ~8,500
 * user-space cycles per request reading through the Readable stream ('data' events: a 64 KiB
 * allocation, a push and a nextTick per read) and ~5,700 with `onread`. net.Server offers no
 * `onread` option, so the accepted socket (created paused, `pauseOnConnect`) gives its handle to a
 * new Socket made with one. That relies on `socket._handle`, which Node does not document (its own
 * child_process handle passing moves handles this way); where it is missing the accepted socket is
 * used as it is and reads arrive as 'data' events.
 */
import { Socket } from 'node:net';

/** What a stream handle needs for `onread`: Node's TCP wrap has it. */
interface ReadableHandle { useUserBuffer?: unknown }

/**
 * A socket reading `accepted`'s connection into `buffer`, `onRead` called per read (return false to
 * stop reading until resume()), or null if this Node cannot move the handle. `accepted` must be
 * paused (pauseOnConnect); it stays behind as a shell whose handle is gone and is destroyed when
 * the new socket closes, so the server's connection count (and close()) still sees the connection.
 */
export function adoptWithReadBuffer(accepted: Socket, buffer: Buffer, onRead: (data: Buffer) => boolean): Socket | null {
  const shell = accepted as unknown as { _handle: ReadableHandle | null };
  const handle = shell._handle;
  if (handle === null || typeof handle !== 'object' || typeof handle.useUserBuffer !== 'function') return null;
  shell._handle = null;
  const socket = new Socket({
    handle, readable: true, writable: true,
    // as net.Server gave the accepted socket (buffers.highWaterMark), which a new Socket would not inherit
    readableHighWaterMark: accepted.readableHighWaterMark, writableHighWaterMark: accepted.writableHighWaterMark,
    onread: { buffer, callback: (n: number, buf: Buffer) => onRead(buf.subarray(0, n)) },
  } as ConstructorParameters<typeof Socket>[0]);
  socket.once('close', () => accepted.destroy());
  return socket;
}
