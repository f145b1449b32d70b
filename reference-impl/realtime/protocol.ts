/**
 * The realtime service's wire protocol: JSON text frames.
 *
 * Client -> server:
 *   {"type":"ping","id"?}                         -> {"type":"pong","id","ts"}
 *   {"type":"subscribe","room","id"?}             -> {"type":"subscribed","room","id"} once the room's messages flow
 *   {"type":"unsubscribe","room","id"?}           -> {"type":"unsubscribed","room","id"}
 *   {"type":"publish","room","payload","id"?}     -> {"type":"published","id","ts"} once the broker took it;
 *       every subscriber of the room (on any instance, the publisher included if subscribed) gets
 *       {"type":"message","room","payload","id","ts"}: `ts` is the accepting instance's clock (ms
 *       since the epoch) when it took the message, for delivery latency.
 * Any mistake gets {"type":"error","code","message","id"?}; the connection stays open.
 */

/** Room names: short and printable, since they become Redis channel names and metric-free keys. */
const ROOM = /^[A-Za-z0-9._:-]{1,128}$/;

export type ClientMessage =
  | { type: 'ping'; id: unknown }
  | { type: 'subscribe'; room: string; id: unknown }
  | { type: 'unsubscribe'; room: string; id: unknown }
  | { type: 'publish'; room: string; payload: unknown; id: unknown };

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; code: string; message: string; id?: unknown };

/** Parses one text frame from a client. */
export function parseClientMessage(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad-json', message: 'frames are JSON objects like {"type":"ping"}' };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { ok: false, code: 'bad-message', message: 'a frame is a JSON object with a "type"' };
  const m = data as Record<string, unknown>;
  const id = m['id'];
  switch (m['type']) {
    case 'ping':
      return { ok: true, message: { type: 'ping', id } };
    case 'subscribe':
    case 'unsubscribe':
    case 'publish': {
      const room = m['room'];
      if (typeof room !== 'string' || !ROOM.test(room)) return { ok: false, code: 'bad-room', message: 'room must be 1-128 characters of A-Z a-z 0-9 . _ : -', id };
      if (m['type'] === 'publish') return { ok: true, message: { type: 'publish', room, payload: m['payload'] ?? null, id } };
      return { ok: true, message: { type: m['type'], room, id } };
    }
    default:
      return { ok: false, code: 'unknown-type', message: 'type must be ping, subscribe, unsubscribe or publish', id };
  }
}

/** A fan-out message as it travels through the broker and out to subscribers. */
export interface RoomMessage {
  room: string;
  payload: unknown;
  id: unknown;
  ts: number;
}

/** The frame a subscriber receives for one message. */
export function messageFrame(m: RoomMessage): string {
  return JSON.stringify({ type: 'message', room: m.room, payload: m.payload, id: m.id, ts: m.ts });
}

/** An error frame. */
export function errorFrame(code: string, message: string, id?: unknown): string {
  return JSON.stringify(id === undefined ? { type: 'error', code, message } : { type: 'error', code, message, id });
}
