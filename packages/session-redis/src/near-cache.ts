import type { SessionFields, SessionKey, StoredSession } from '@tina4/session-core';

/** What one cached session costs beyond its text: the map slot, the key, the objects around it. */
const ENTRY_OVERHEAD_BYTES = 320;
/** What one field costs beyond its text: its slot in the fields object. */
const FIELD_OVERHEAD_BYTES = 48;

/** A session as this process last saw it on the server, while the server tracks it for this process. */
export interface CachedSession {
  /** Frozen: the same object is handed to every reader. */
  readonly fields: Readonly<SessionFields>;
  readonly expiresAt: number;
  readonly bytes: number;
}

/**
 * An operation on one session that may put what it learnt into the cache when its reply arrives.
 * The reply counts only if nothing that could make it stale happened while it was on its way.
 */
export interface CacheTicket {
  readonly key: SessionKey;
  readonly epoch: number;
  readonly invalidations: number;
  readonly flight: InFlight;
}

interface InFlight {
  /** Operations of this key on their way. */
  count: number;
  /** Invalidations of this key received while any was on its way. */
  invalidations: number;
}

/** The next state of a cached session, given the current one (undefined: not cached). */
export type NextEntry = (current: CachedSession | undefined) => Omit<CachedSession, 'bytes'> | undefined;

/**
 * The sessions this process read or wrote, in memory, bounded by an estimate of their size and
 * evicted least recently used first (a Map keeps insertion order: a hit moves its entry to the end).
 *
 * The cache only holds what the server promised to report changes of: it is {@link active} while
 * the server tracks this process's reads, and emptied whenever that promise may have lapsed (see
 * `ClientTracking`). Replies race with invalidations, which travel on another connection: an
 * operation takes a {@link CacheTicket} before it is sent, and its reply is cached only if no
 * invalidation of its key, flush or loss of tracking came in meanwhile. Otherwise the key is dropped.
 */
export class NearCache {
  readonly #entries = new Map<SessionKey, CachedSession>();
  readonly #inFlight = new Map<SessionKey, InFlight>();
  #bytes = 0;
  /** Changes whenever every entry is dropped: replies of operations sent before then do not count. */
  #epoch = 0;
  #active = false;

  constructor(
    /** The bound on the estimated size of all entries. */
    readonly maxBytes: number,
    readonly now: () => number = Date.now,
  ) {}

  /** Whether the server tracks this process's reads: otherwise nothing is served or kept. */
  get active(): boolean {
    return this.#active;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The estimated size of all entries (UTF-16 text plus fixed overheads), at most {@link maxBytes}. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Tracking is on: entries may be kept from now on. */
  activate(): void {
    this.#active = true;
  }

  /** Tracking may have lapsed (a connection dropped): invalidations could be lost, so nothing is kept. */
  deactivate(): void {
    this.#active = false;
    this.clear();
  }

  /** Drops every entry (the server was flushed, or tracking lapsed). */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
    this.#epoch++;
  }

  /** The server reports that `key` changed (written elsewhere, expired, evicted). */
  invalidate(key: SessionKey): void {
    this.delete(key);
    const flight = this.#inFlight.get(key);
    if (flight) flight.invalidations++;
  }

  delete(key: SessionKey): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  /** The live cached session of `key`, now the most recently used; an expired entry is dropped. */
  get(key: SessionKey): CachedSession | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry;
  }

  /** Before an operation on `key` is sent. Every ticket is settled once, by {@link settle}. */
  begin(key: SessionKey): CacheTicket {
    let flight = this.#inFlight.get(key);
    if (!flight) {
      flight = { count: 0, invalidations: 0 };
      this.#inFlight.set(key, flight);
    }
    flight.count++;
    // An inactive cache gets an epoch that never matches: the operation's reply is not kept.
    const epoch = this.#active ? this.#epoch : -1;
    return { key, epoch, invalidations: flight.invalidations, flight };
  }

  /**
   * After the operation's reply (or its failure, with `next` undefined): keeps `next(current)` if
   * the reply is still good, else drops the key.
   */
  settle(ticket: CacheTicket, next?: NextEntry): void {
    const { key, flight } = ticket;
    if (--flight.count === 0) this.#inFlight.delete(key);
    const fresh =
      this.#active && ticket.epoch === this.#epoch && ticket.invalidations === flight.invalidations;
    const entry = fresh && next ? next(this.#entries.get(key)) : undefined;
    this.delete(key);
    if (entry) this.#put(key, entry);
  }

  #put(key: SessionKey, { fields, expiresAt }: Omit<CachedSession, 'bytes'>): void {
    const bytes = sizeOf(key, fields);
    // One session larger than the whole cache is not worth emptying it for.
    if (bytes > this.maxBytes || expiresAt <= this.now()) return;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes + bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
    this.#entries.set(key, { fields, expiresAt, bytes });
    this.#bytes += bytes;
  }
}

/** A read's record as the cache keeps it: its fields frozen, since every later reader gets them. */
export function cachedRecord(record: StoredSession): Omit<CachedSession, 'bytes'> {
  return { fields: Object.freeze(record.fields), expiresAt: record.expiresAt };
}

/** A frozen copy of fields a caller handed in (and may change afterwards). */
export function frozenCopy(fields: Readonly<SessionFields>): Readonly<SessionFields> {
  const copy: SessionFields = Object.create(null);
  for (const name of Object.keys(fields)) copy[name] = fields[name]!;
  return Object.freeze(copy);
}

/** Estimated bytes of an entry: its text as UTF-16, plus overheads per entry and per field. */
function sizeOf(key: SessionKey, fields: Readonly<SessionFields>): number {
  let bytes = ENTRY_OVERHEAD_BYTES + key.length * 2;
  for (const name of Object.keys(fields)) {
    bytes += FIELD_OVERHEAD_BYTES + (name.length + fields[name]!.length) * 2;
  }
  return bytes;
}
