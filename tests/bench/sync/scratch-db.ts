import postgres from 'postgres';

const NAME = 'concord_bench';

/** Drops and recreates the bench's own database so every run starts from empty tables. */
export async function recreateBenchDatabase(adminUrl: string): Promise<string> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    // FORCE: a previous run killed mid-way may have left connections open.
    await sql.unsafe(`drop database if exists ${NAME} with (force)`);
    await sql.unsafe(`create database ${NAME}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${NAME}`;
  return url.toString();
}

/**
 * Lets the database finish what a set-up left it: seeding Concord's cold document inserts and
 * deletes 100 000 log rows, and the autovacuum and checkpoint that follow would otherwise run
 * during whichever cold loads come next (seen: Concord's server share at 61–105 ms right after
 * the latency rounds and seeding, 40 ms after this). Every peer's cold loads start from the same
 * settled database.
 */
export async function settleDatabase(benchUrl: string): Promise<void> {
  const sql = postgres(benchUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe('vacuum (analyze)');
    await sql.unsafe('checkpoint');
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Database URL without credentials, for the printed report. */
export function redact(url: string): string {
  const parsed = new URL(url);
  return `postgres://${parsed.host}${parsed.pathname}`;
}
