/**
 * Delivery accounting at the subscriber: per-publisher sequence numbers, so a gap is that many
 * messages not delivered. A subscriber whose socket the far side dropped keeps its sequence
 * baseline if its VU is back within the driver's timeout (hold-connections reopens a dropped
 * connection with the VU it just gave back, in the same room), so what was published while it
 * was away counts as not delivered, as the user who lost the socket saw it. A connection caplab
 * closed, or one back later than that, starts afresh: it was not a subscriber meanwhile.
 * Those misses are tagged `subscriber: reconnecting` and every other sample `subscriber:
 * connected`, so a threshold can hold delivery to connected subscribers to the seed's 99.95%
 * while the whole of message_delivery also shows what a fault cost.
 */
import type { RateHandle } from '../metrics/recorder.ts';

/** Per-publisher sequence tracking of one subscriber: a gap is that many messages not delivered. */
export class DeliveryTracker {
  private readonly last = new Map<string, number>();
  /** publishers whose next gap spans a reconnect */
  private readonly acrossReconnect = new Set<string>();
  /** @param reconnecting where misses across a reconnect go (default: `delivery`) */
  constructor(private readonly delivery: RateHandle, private readonly reconnecting: RateHandle = delivery) {}

  /** Records one received message of publisher `key` with sequence number `seq`. */
  received(key: string, seq: number): void {
    const last = this.last.get(key);
    if (last !== undefined && seq <= last) return; // a duplicate or late copy says nothing new
    const misses = this.acrossReconnect.delete(key) ? this.reconnecting : this.delivery;
    if (last !== undefined) for (let missing = seq - last - 1; missing > 0; missing--) misses.add(false);
    this.delivery.add(true);
    this.last.set(key, seq);
  }

  /** The subscriber is back on a new socket: each publisher's next gap is what it missed meanwhile. */
  reconnected(): void {
    for (const key of this.last.keys()) this.acrossReconnect.add(key);
  }
}

/** The trackers of subscribers whose sockets were dropped, by VU, kept for a reconnect within `resumeMs`. */
export class DroppedSubscribers {
  private readonly byVu = new Map<number, { tracker: DeliveryTracker; at: number }>();
  constructor(private readonly resumeMs: number) {}

  /** The far side ended VU `vu`'s connection at `now` (clock ms). */
  dropped(vu: number, tracker: DeliveryTracker, now: number): void {
    this.byVu.set(vu, { tracker, at: now });
  }

  /** The tracker VU `vu` resumes at `now`, or null when it starts afresh (never dropped, or back too late). */
  resume(vu: number, now: number): DeliveryTracker | null {
    const d = this.byVu.get(vu);
    if (d === undefined) return null;
    this.byVu.delete(vu);
    if (now - d.at > this.resumeMs) return null;
    d.tracker.reconnected();
    return d.tracker;
  }
}
