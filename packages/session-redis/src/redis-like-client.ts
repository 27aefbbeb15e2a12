/**
 * The commands the Redis store sends, described structurally so that any client with these
 * methods fits: an ioredis `Redis` or `Cluster`, an iovalkey `Valkey` or `Cluster`, or a wrapper
 * of your own. Replies are the RESP2 replies as ioredis returns them (bulk strings as strings).
 */
export interface RedisLikeClient {
  /** `EVALSHA sha numkeys key... arg...` */
  evalsha(sha: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  /** `EVAL script numkeys key... arg...`, used once per server when it does not know a script yet. */
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  /** `SET key value PX ms NX`: `'OK'` when set, `null` when the key already existed. */
  set(
    key: string,
    value: string,
    expiryToken: 'PX',
    milliseconds: number,
    condition: 'NX',
  ): Promise<'OK' | null>;
  /** `PEXPIRE key ms`: 1 when the key exists, 0 when it does not (and nothing is created). */
  pexpire(key: string, milliseconds: number): Promise<number>;
  /** `DEL key` */
  del(key: string): Promise<number>;
  /** Waits for pending replies, then closes the connection(s). */
  quit(): Promise<unknown>;
  /** Closes the connection(s) at once. */
  disconnect(): void;
}
