/**
 * Browsers by the token their `User-Agent` carries, most specific first: Edge and Opera also say
 * "Chrome", Chrome also says "Safari", every one says "Mozilla".
 */
const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\b(?:Headless)?Chrom(?:e|ium)\/|\bCriOS\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
];

/** Systems, most specific first: Android says "Linux", iOS says "like Mac OS X". */
const SYSTEMS: readonly (readonly [RegExp, string])[] = [
  [/\bAndroid\b/, 'Android'],
  [/\biPhone\b|\biPad\b|\biPod\b/, 'iOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

/**
 * A short description of the device a request came from, for `session.setDevice()`: "Firefox on
 * Linux", "Safari on iOS", "Chrome", or undefined when the `User-Agent` names nothing known. Only
 * the browser family and the system, from a short list: enough for a person to recognise their own
 * devices in a "where you're signed in" list, and nothing more precise that would help tell users
 * apart.
 *
 * ```ts
 * req.session.setDevice(describeUserAgent(req.headers['user-agent']));
 * ```
 */
export function describeUserAgent(userAgent: string | undefined): string | undefined {
  if (userAgent === undefined) return undefined;
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system;
}
