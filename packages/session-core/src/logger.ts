/** Where the library reports what an operator should know (outages, unreadable records). `console` qualifies. */
export interface SessionLogger {
  warn(message: string): void;
  error(message: string): void;
}
