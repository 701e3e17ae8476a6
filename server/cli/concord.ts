#!/usr/bin/env node
/**
 * Operator CLI: `npm run concord -- <command>` (or the `concord` bin). Non-interactive, one line
 * of output per result, secrets printed once. Exit codes: 0 done, 1 failed, 2 usage error,
 * 3 not found, 4 already exists / conflict, 5 database in use by a running server.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { createApiToken, createUser, findUserByUsername, revokeApiToken, setPassword } from '../accounts/accounts.ts';
import { generatePassword } from '../accounts/secrets.ts';
import { loadConfig, ConfigError } from '../config.ts';
import { seedDemo } from '../demo/seed.ts';
import { ApiError } from '../errors.ts';
import { DataDirLockedError } from '../storage/data-lock.ts';
import { openDatabase, type DatabaseHandle } from '../storage/database.ts';
import { users } from '../storage/schema.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3, conflict: 4, locked: 5 } as const;

const USAGE = `usage: concord <command> [options]

  user create <username> [--admin] [--display-name NAME] [--password-stdin]
      Creates a user. Without --password-stdin a password is generated and printed once.
  user password <username> [--password-stdin]
      Sets a new password (generated and printed once unless read from stdin); ends sessions.
  user admin <username> --on|--off
  token create <username> --name NAME [--expires-days N]
      Creates a personal API token and prints it once.
  token revoke <token-id>
  migrate
      Applies pending database migrations.
  demo [--owner <username>]
      Creates the demo project (media, taxonomy, tiers, tasks, two annotators' layers).

Reads DATA_DIR / DATABASE_URL like the server. With the embedded database, stop the server first.`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function open(): Promise<DatabaseHandle> {
  const config = loadConfig();
  return openDatabase({
    url: config.databaseUrl,
    pgliteDir: config.databaseUrl ? undefined : join(config.dataDir, 'pglite'),
  });
}

async function userByName(handle: DatabaseHandle, username: string) {
  const user = await findUserByUsername(handle.db, username);
  if (!user) throw new ApiError('NotFound', `no user "${username}"`);
  return user;
}

export async function run(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      admin: { type: 'boolean' },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean' },
      name: { type: 'string' },
      'expires-days': { type: 'string' },
      on: { type: 'boolean' },
      off: { type: 'boolean' },
      owner: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, action, arg] = positionals;
  if (values.help || !group) {
    out(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const command = group === 'migrate' || group === 'demo' ? group : `${group} ${action ?? ''}`.trim();
  const needsArg = ['user create', 'user password', 'user admin', 'token create', 'token revoke'];
  if (needsArg.includes(command) && !arg) throw new UsageError(`${command}: missing argument`);
  if (!['migrate', 'demo', ...needsArg].includes(command)) throw new UsageError(`unknown command "${command}"`);

  const handle = await open();
  try {
    switch (command) {
      case 'migrate':
        out(`migrations applied (${handle.kind} at ${handle.location})`);
        return EXIT.ok;
      case 'user create': {
        const password = values['password-stdin'] ? await readStdin() : generatePassword();
        const user = await createUser(
          handle.db,
          { username: arg!, displayName: values['display-name'], password, isAdmin: values.admin ?? false },
          null,
        );
        out(`created user ${user.username} (${user.id})${user.isAdmin ? ' as admin' : ''}`);
        if (!values['password-stdin']) out(`password: ${password}`);
        return EXIT.ok;
      }
      case 'user password': {
        const user = await userByName(handle, arg!);
        const password = values['password-stdin'] ? await readStdin() : generatePassword();
        await setPassword(handle.db, user.id, password, null);
        out(`password set for ${user.username}`);
        if (!values['password-stdin']) out(`password: ${password}`);
        return EXIT.ok;
      }
      case 'user admin': {
        if (values.on === values.off) throw new UsageError('user admin: give exactly one of --on, --off');
        const user = await userByName(handle, arg!);
        await handle.db
          .update(users)
          .set({ isAdmin: values.on === true })
          .where(eq(users.id, user.id));
        out(`${user.username} is ${values.on ? 'now' : 'no longer'} an admin`);
        return EXIT.ok;
      }
      case 'token create': {
        if (!values.name) throw new UsageError('token create: --name is required');
        const days = values['expires-days'] === undefined ? null : Number(values['expires-days']);
        if (days !== null && (!Number.isInteger(days) || days < 1))
          throw new UsageError('--expires-days: a whole number ≥ 1');
        const user = await userByName(handle, arg!);
        const expires = days === null ? null : new Date(Date.now() + days * 86_400_000);
        const token = await createApiToken(handle.db, user.id, values.name, expires, null);
        out(`token ${token.id} for ${user.username}${expires ? ` (expires ${expires.toISOString()})` : ''}`);
        out(token.token);
        return EXIT.ok;
      }
      case 'token revoke':
        await revokeApiToken(handle.db, arg!, null, null);
        out(`token ${arg} revoked`);
        return EXIT.ok;
      case 'demo': {
        const owner = values.owner ? await userByName(handle, values.owner) : null;
        const config = loadConfig();
        const demo = await seedDemo(handle.db, { dataDir: config.dataDir, ownerId: owner?.id ?? null });
        out(`demo project "${demo.projectName}" (${demo.projectId})`);
        for (const line of demo.credentials) out(line);
        return EXIT.ok;
      }
    }
    return EXIT.usage;
  } finally {
    await handle.close();
  }
}

function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof ConfigError) return EXIT.usage;
  if (err instanceof DataDirLockedError) return EXIT.locked;
  if (err instanceof ApiError) {
    if (err.status === 404) return EXIT.notFound;
    if (err.status === 409) return EXIT.conflict;
    if (err.status === 400 || err.status === 422) return EXIT.usage;
  }
  return EXIT.failed;
}

export async function main(): Promise<void> {
  await run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const code = exitCodeOf(err);
      console.error(`concord: ${err instanceof Error ? err.message : String(err)}`);
      if (code === EXIT.usage && err instanceof UsageError) console.error(USAGE);
      process.exit(code);
    },
  );
}
