/** What the two-process near cache test asks of a peer process (see near-cache-peer.ts). */
export interface PeerRequest {
  readonly id: number;
  readonly op: 'create' | 'update' | 'read' | 'destroy' | 'watch' | 'close';
  readonly key: string;
  readonly fields?: Record<string, string>;
}

/** A peer's messages: a reply to a request (by its id), its start, or an invalidation's arrival. */
export interface PeerReply {
  readonly id?: number;
  readonly ready?: true;
  readonly result?: unknown;
  readonly error?: string;
  /** Server round trips the request made. */
  readonly roundTrips?: number;
  /** When the write was sent and when its reply came, on the peer's clock (epoch ms, fractional). */
  readonly sentAt?: number;
  readonly repliedAt?: number;
  /** A watched key whose invalidation arrived, and when. */
  readonly invalidated?: string;
  readonly at?: number;
}
