/**
 * What tests drive HTTP apps with, whatever the framework: a cookie jar (a browser, as far as
 * cookies go), programs run as child processes as `pnpm start` runs them, a free port. Private:
 * used by the examples' and the docs' tests, never published.
 */
export * from './child-server.js';
export * from './cookie-jar.js';
export * from './free-port.js';
export * from './set-cookie.js';
