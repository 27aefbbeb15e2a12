import { scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/** A user who can log in. A real app reads these from its database. */
export interface User {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly role: string;
  /** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
  readonly passwordHash: string;
}

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number },
) => Promise<Buffer>;

/**
 * The demo user (documented in the README): alice@example.com / tina4-demo. Only the salted
 * scrypt hash of the password is kept here, as a real user table would keep it.
 */
const USERS: readonly User[] = [
  {
    id: 42,
    name: 'Alice',
    email: 'alice@example.com',
    role: 'admin',
    passwordHash:
      'scrypt$16384$8$1$uU842V_LgtASwTG852r7mA$ntivtu3gD5LZWMHiutlFIi57_DuaQA0H-g5sgsS20Q7ds7wC2XhE83-sYdAYE-h3fs7FsadiQWNHmZA7oN1jSQ',
  },
];

/** Checked for unknown emails, so that an answer takes as long whether or not the email exists. */
const DUMMY_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function findUserById(id: unknown): User | undefined {
  return USERS.find((user) => user.id === id);
}

/** The user with this email and password, or `undefined` (without saying which one was wrong). */
export async function authenticate(email: string, password: string): Promise<User | undefined> {
  const user = USERS.find((candidate) => candidate.email === email.trim().toLowerCase());
  const matches = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  return user && matches ? user : undefined;
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}
