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

/** Database URL without credentials, for the printed report. */
export function redact(url: string): string {
  const parsed = new URL(url);
  return `postgres://${parsed.host}${parsed.pathname}`;
}
