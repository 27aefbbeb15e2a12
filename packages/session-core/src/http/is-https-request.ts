/**
 * Whether a request reached the app over HTTPS: its own connection is TLS, or, when the app says it
 * sits behind a TLS-terminating proxy (`TINA4_SESSION_TRUST_PROXY=true`), the proxy's
 * `X-Forwarded-Proto` says so. The header is ignored otherwise: any client can send it.
 */
export function isHttpsRequest(
  encrypted: boolean,
  forwardedProto: string | string[] | undefined,
  trustProxy: boolean,
): boolean {
  if (encrypted) return true;
  if (!trustProxy || forwardedProto === undefined) return false;
  // With several proxies the header is a list; the first entry is what the client used.
  const value = Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto;
  return value?.split(',')[0]?.trim().toLowerCase() === 'https';
}
