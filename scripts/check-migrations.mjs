// Fails when server/storage/schema.ts and migrations/ disagree, i.e. when `drizzle-kit generate`
// would write a new migration. Generates into a scratch copy so the working tree is untouched.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';

// drizzle-kit resolves --out relative to the working directory, so the scratch copy lives here.
const scratch = '.migrations-check';
rmSync(scratch, { recursive: true, force: true });
try {
  cpSync('migrations', scratch, { recursive: true });
  const before = readdirSync(scratch).length;
  const output = execFileSync(
    process.execPath,
    [
      'node_modules/drizzle-kit/bin.cjs',
      'generate',
      '--dialect=postgresql',
      '--schema=server/storage/schema.ts',
      `--out=${scratch}`,
    ],
    { stdio: 'pipe' },
  ).toString();
  if (/error/i.test(output)) {
    console.error(output);
    process.exit(1);
  }
  const after = readdirSync(scratch).length;
  if (after !== before) {
    console.error('migrations/ is out of date with server/storage/schema.ts: run `npm run db:generate` and commit it.');
    process.exit(1);
  }
  console.log('migrations/ matches the schema');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
