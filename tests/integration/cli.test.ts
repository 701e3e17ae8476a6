import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../server/cli/concord.ts';
import { spawn } from 'node:child_process';
import { freePort, tempDataDir } from '../helpers/server.ts';

/** The operator CLI as operators run it: a child process, output on stdout, meaningful exit codes. */
describe('concord CLI', () => {
  let data: ReturnType<typeof tempDataDir>;
  beforeAll(() => {
    data = tempDataDir();
  });
  afterAll(() => data?.remove());

  function concord(args: string[], input?: string) {
    const r = spawnSync(process.execPath, ['scripts/concord.mjs', ...args], {
      env: { ...process.env, DATA_DIR: data.dir, DATABASE_URL: '' },
      input,
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  it('migrates, creates users with generated or piped passwords, refuses duplicates', () => {
    expect(concord(['migrate']).code).toBe(EXIT.ok);
    const created = concord(['user', 'create', 'Olga', '--admin']);
    expect(created.code).toBe(EXIT.ok);
    expect(created.out).toMatch(/created user olga .* as admin/);
    expect(created.out).toMatch(/^password: \S{16,}$/m);
    const piped = concord(['user', 'create', 'pete', '--password-stdin'], 'a piped password\n');
    expect(piped.code).toBe(EXIT.ok);
    expect(piped.out).not.toMatch(/password:/);
    expect(concord(['user', 'create', 'OLGA']).code).toBe(EXIT.conflict);
    expect(concord(['user', 'create', 'x', '--password-stdin'], 'short').code).toBe(EXIT.usage);
  }, 120_000);

  it('creates a token printed once, revokes it; resets passwords; errors have their own codes', () => {
    const token = concord(['token', 'create', 'pete', '--name', 'ci', '--expires-days', '30']);
    expect(token.code).toBe(EXIT.ok);
    const [first, secret] = token.out.trim().split('\n');
    expect(secret).toMatch(/^cnt_[A-Za-z0-9_-]{40,}$/);
    const id = /token (\S+) for pete/.exec(first!)![1]!;
    expect(concord(['token', 'revoke', id]).code).toBe(EXIT.ok);
    expect(concord(['token', 'revoke', id]).code).toBe(EXIT.notFound);
    expect(concord(['token', 'create', 'pete']).code).toBe(EXIT.usage); // --name missing
    expect(concord(['user', 'password', 'pete']).out).toMatch(/^password: /m);
    expect(concord(['user', 'password', 'nobody']).code).toBe(EXIT.notFound);
    expect(concord(['user', 'admin', 'pete', '--on']).code).toBe(EXIT.ok);
    expect(concord(['frobnicate']).code).toBe(EXIT.usage);
    expect(concord([]).code).toBe(EXIT.usage);
    expect(concord(['--help']).code).toBe(EXIT.ok);
  }, 120_000);

  it('creates the demo project and prints the annotator accounts', () => {
    const demo = concord(['demo', '--owner', 'olga']);
    expect(demo.code).toBe(EXIT.ok);
    expect(demo.out).toMatch(/demo project "Demo: a 40-second tour"/);
    expect(demo.out).toMatch(/^ {2}ada \/ \S+$/m);
    expect(demo.out).toMatch(/^ {2}ben \/ \S+$/m);
  }, 120_000);

  it('refuses to open the embedded database while a server holds it (exit 5)', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        DATA_DIR: data.dir,
        DATABASE_URL: '',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        WEB_DIR: '/nonexistent',
      },
      stdio: 'ignore',
    });
    try {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const up = await fetch(`http://127.0.0.1:${port}/api/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const locked = concord(['migrate']);
      expect(locked.code).toBe(EXIT.locked);
      expect(locked.err).toMatch(/in use by process \d+/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    // Once the server has stopped, the CLI works again.
    expect(concord(['migrate']).code).toBe(EXIT.ok);
  }, 120_000);
});
