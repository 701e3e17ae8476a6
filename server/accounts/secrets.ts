import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane): ~20 ms here, slow
 * enough to make offline guessing expensive and fast enough for interactive sign-in.
 */
const ARGON2 = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false; // malformed stored hash: treat as a wrong password, never as a crash
  }
}

/**
 * A hash computed on an unknown username, so a missing account takes as long to reject as a
 * wrong password (no user enumeration by timing).
 */
let decoy: Promise<string> | null = null;
export async function burnPasswordCheck(password: string): Promise<void> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await decoy, password);
}

/**
 * Opaque bearer secrets: a prefix says what it is (`cns_` session, `cnt_` API token), 32 random
 * bytes make it unguessable. Only the SHA-256 is stored; a database leak yields no usable token.
 */
export function newSecret(prefix: 'cns' | 'cnt'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameSecretHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A readable one-time password for generated accounts (the first admin, CLI resets). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
