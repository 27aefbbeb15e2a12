import { BASE64URL, forgedId, PRINTABLE, type Random } from './random.js';

/** One generated `Cookie` header: its bytes as sent, and what kind of trouble it is. */
export interface CookieCase {
  readonly kind: string;
  readonly bytes: Buffer;
}

const NAME = 'tina4_session';
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Every wrong shape of a session id: lengths, alphabets, padding, encodings. */
function wrongShapeId(random: Random): string {
  const id = forgedId(random);
  return random.pick([
    () => id.slice(0, random.int(0, 42)),
    () => id + random.string(BASE64URL, random.int(1, 40)),
    () => `${id.slice(0, 42)}${random.pick(['+', '/', '=', '.', '~', '!', '*', ' ', '%', ',', '"', '\\'])}`,
    () => `${id.slice(0, 20)}${random.pick(['é', 'ß', '€', '😀', '\u00a0', '\u200b'])}${id.slice(21)}`,
    () => Buffer.from(random.string(BASE64URL, 32)).toString('base64'),
    () => random.string('0123456789abcdef', 64),
    () => ` ${id} `,
    () => `"${id}"`,
    () => `${id}=`,
    () => `${encodeURIComponent(id).replace(/[A-Za-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`)}%`,
    () => '',
    () => 'null',
    () => 'undefined',
    () => '[object Object]',
    () => String(random.int(-1e9, 1e9)),
    () => '../../../../etc/passwd',
    () => `${id}\u0000`,
  ])();
}

function badPercent(random: Random): string {
  return random
    .pick([
      '%',
      '%z',
      '%zz',
      '%E0%A4%A',
      '%00',
      '%FF%FE',
      '%C0%AF',
      '%%',
      '%u0041',
      '%2',
      '%ED%A0%80',
      '%F4%90%80%80',
    ])
    .repeat(random.int(1, 4));
}

function manyCookies(random: Random, count: number): string {
  return Array.from(
    { length: count },
    (_, i) => `c${i}=${random.string(PRINTABLE.replace(/[;=\s]/g, ''), random.int(0, 12))}`,
  ).join(random.pick(['; ', ';', ' ; ', ';;']));
}

const GENERATORS: Record<string, (random: Random) => Buffer> = {
  'random printable': (r) => latin1(r.string(PRINTABLE, r.int(0, 300))),
  'wrong-shape id': (r) => latin1(`${NAME}=${wrongShapeId(r)}`),
  'forged id of the right shape': (r) => latin1(`${NAME}=${forgedId(r)}`),
  'forged id among other cookies': (r) =>
    latin1(`${manyCookies(r, r.int(1, 20))}; ${NAME}=${forgedId(r)}; z=1`),
  'duplicated session cookie': (r) =>
    latin1(
      Array.from(
        { length: r.int(2, 10) },
        () => `${NAME}=${r.chance(0.5) ? forgedId(r) : wrongShapeId(r)}`,
      ).join('; '),
    ),
  'name in another case': (r) =>
    latin1(`${r.pick(['TINA4_SESSION', 'Tina4_Session', 'tina4_SESSION'])}=${forgedId(r)}`),
  'bad percent-encoding': (r) =>
    latin1(`${NAME}=${badPercent(r)}${r.chance(0.5) ? forgedId(r) : ''}; x=${badPercent(r)}`),
  'many cookies': (r) => latin1(manyCookies(r, r.int(50, 1500))),
  oversized: (r) => latin1(`${NAME}=${forgedId(r)}${'A'.repeat(r.pick([4_000, 8_100, 16_500, 70_000]))}`),
  'odd syntax': (r) =>
    latin1(
      r.pick([
        '=',
        ';;;;',
        NAME,
        `${NAME}=`,
        `=${forgedId(r)}`,
        ' ; = ; ',
        `$Version=1; ${NAME}=${forgedId(r)}; $Path=/`,
        `__proto__=x; constructor=y; toString=z; hasOwnProperty=1; ${NAME}=${forgedId(r)}`,
        `${NAME}=${forgedId(r)};${NAME}`,
        `${NAME}==${forgedId(r)}`,
        `${NAME} = ${forgedId(r)}`,
        `\t${NAME}=${forgedId(r)}\t`,
        ',,,',
        `${NAME}=${forgedId(r)}, other=1`,
      ]),
    ),
  'latin-1 and UTF-8 bytes': (r) =>
    r.chance(0.5)
      ? utf8(
          `${NAME}=${r.pick(['é', '😀', 'ü'])}${forgedId(r).slice(1)}; ñ=${r.pick(['€', '中文', '\u2028'])}`,
        )
      : Buffer.concat([
          latin1(`${NAME}=`),
          Buffer.from(Array.from({ length: r.int(1, 80) }, () => r.int(0x80, 0xff))),
        ]),
  'control characters': (r) => {
    const control = Buffer.from(
      Array.from({ length: r.int(1, 5) }, () => r.pick([0, 1, 7, 8, 11, 12, 27, 31, 127])),
    );
    const at = r.int(0, 43);
    const id = latin1(forgedId(r));
    return Buffer.concat([latin1(`${NAME}=`), id.subarray(0, at), control, id.subarray(at)]);
  },
  'CR/LF injection': (r) =>
    latin1(
      `${NAME}=${forgedId(r)}${r.pick(['\r\n', '\n', '\r'])}${r.pick([`Cookie: ${NAME}=${forgedId(r)}`, 'X-Injected: 1', '', ' folded'])}`,
    ),
};

/** Weights: most cases are the ordinary kinds of garbage; the expensive ones are rarer. */
const WEIGHTS: Record<string, number> = {
  'random printable': 12,
  'wrong-shape id': 18,
  'forged id of the right shape': 14,
  'forged id among other cookies': 8,
  'duplicated session cookie': 8,
  'name in another case': 3,
  'bad percent-encoding': 8,
  'many cookies': 3,
  oversized: 2,
  'odd syntax': 8,
  'latin-1 and UTF-8 bytes': 6,
  'control characters': 6,
  'CR/LF injection': 4,
};

/** `count` generated cookie headers. */
export function generateCookieCases(random: Random, count: number): CookieCase[] {
  const kinds = Object.entries(WEIGHTS).flatMap(([kind, weight]) => Array<string>(weight).fill(kind));
  return Array.from({ length: count }, () => {
    const kind = random.pick(kinds);
    return { kind, bytes: GENERATORS[kind]!(random) };
  });
}

/**
 * Whether Node's own HTTP client can send these bytes as a header value (as latin-1): no control
 * characters but tab. The others go over a raw socket.
 */
export function clientCanSend(bytes: Buffer): boolean {
  return bytes.every((byte) => byte === 9 || (byte >= 32 && byte !== 127));
}
