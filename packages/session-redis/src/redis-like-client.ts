/**
 * The commands the Redis store sends, described structurally so that any client with these
 * methods fits: an ioredis `Redis` or `Cluster`, an iovalkey `Valkey` or `Cluster`, or a wrapper
 * of your own. Replies are the RESP2 replies as ioredis returns them (bulk strings as strings).
 */
export interface RedisLikeClient {
  /**
   * Any command with its arguments as one array (`EVALSHA sha numkeys key... arg...`): never spread
   * into a call's arguments, so a session of 100 000 fields is one command, not a stack overflow.
   * A Cluster client routes it by the command's keys.
   */
  call(command: string, args: (string | number)[]): Promise<unknown>;
  /** `PEXPIRE key ms`: 1 when the key exists, 0 when it does not (and nothing is created). */
  pexpire(key: string, milliseconds: number): Promise<number>;
  /** `DEL key` */
  del(key: string): Promise<number>;
  /** Waits for pending replies, then closes the connection(s). */
  quit(): Promise<unknown>;
  /** Closes the connection(s) at once. */
  disconnect(): void;
}
