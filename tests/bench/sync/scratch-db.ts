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
 * Lets the database finish what the set-up left it: the latency rounds and the seeding of
 * Concord's cold document insert and delete some 100 000 log rows, and the autovacuum and
 * checkpoint that follow would otherwise run during whichever cold loads come next. Seen in full
 * runs: Concord's server share at 61–105 ms without this, 52 ms with it (40 ms in a run of the
 * cold phase alone). Every peer's cold loads start from the same settled database.
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
