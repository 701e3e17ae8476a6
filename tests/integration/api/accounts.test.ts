import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
import { startServer, tempDataDir, type TestServer } from '../../helpers/server.ts';

describe('accounts over REST', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  let admin: TestUser;

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '' });
    admin = await makeUser(server, 'root', true);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    data?.remove();
  });

  it('signs in with a password, sets an HttpOnly SameSite cookie and serves /me from it', async () => {
    await api(server, 'POST', '/api/users', { as: admin, body: { username: 'Alice', password: 'wonderland-42' } });
    const res = await api(server, 'POST', '/api/auth/sign-in', {
      body: { username: 'alice', password: 'wonderland-42' },
    });
    expect(res.status).toBe(200);
    expect(res.body.username).toBe('alice');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/concord_session=cns_/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const session = cookie.split(';')[0]!;
    const me = await api(server, 'GET', '/api/auth/me', { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('alice');

    const out = await api(server, 'POST', '/api/auth/sign-out', { headers: { cookie: session } });
    expect(out.status).toBe(204);
    expect((await api(server, 'GET', '/api/auth/me', { headers: { cookie: session } })).status).toBe(401);
  });

  it('refuses wrong passwords and unknown users with the same error', async () => {
    const wrong = await api(server, 'POST', '/api/auth/sign-in', {
      body: { username: 'root', password: 'nope-nope-nope' },
    });
    const unknown = await api(server, 'POST', '/api/auth/sign-in', {
      body: { username: 'ghost', password: 'nope-nope-nope' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  it('rate-limits sign-in per address and username', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await api(server, 'POST', '/api/auth/sign-in', {
        body: { username: 'victim', password: `guess-${i}-xxxx` },
      });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Another username from the same address is not locked out by someone else's guesses.
    const other = await api(server, 'POST', '/api/auth/sign-in', {
      body: { username: 'root', password: 'x-wrong-pass' },
    });
    expect(other.status).toBe(401);
  });

  it('requires authentication everywhere but sign-in and the docs', async () => {
    for (const path of ['/api/auth/me', '/api/users', '/api/projects', '/api/tokens']) {
      const r = await api(server, 'GET', path);
      expect(r.status, path).toBe(401);
      expect(r.body.error.code).toBe('unauthenticated');
    }
    expect((await api(server, 'GET', '/api/users', { headers: { authorization: 'Bearer cnt_forged' } })).status).toBe(
      401,
    );
    const docs = await api(server, 'GET', '/api/docs/json');
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\./);
  });

  it('creates, uses, lists and revokes personal API tokens; the secret is shown once', async () => {
    const bob = await makeUser(server, 'bob');
    const created = await api(server, 'POST', '/api/tokens', { as: bob, body: { name: 'script' } });
    expect(created.status).toBe(201);
    const secret: string = created.body.token;
    expect(secret).toMatch(/^cnt_/);
    const viaToken = await api(server, 'GET', '/api/auth/me', { headers: { authorization: `Bearer ${secret}` } });
    expect(viaToken.body.username).toBe('bob');
    const list = await api(server, 'GET', '/api/tokens', { as: bob });
    expect(list.body.items.map((t: { name: string }) => t.name).sort()).toEqual(['script', 'test']);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect((await api(server, 'DELETE', `/api/tokens/${created.body.id}`, { as: bob })).status).toBe(204);
    expect((await api(server, 'GET', '/api/auth/me', { headers: { authorization: `Bearer ${secret}` } })).status).toBe(
      401,
    );
  });

  it('lets only admins create users and change other accounts; validates input', async () => {
    const carol = await makeUser(server, 'carol');
    expect((await api(server, 'POST', '/api/users', { as: carol, body: { username: 'dave' } })).status).toBe(403);
    const weak = await api(server, 'POST', '/api/users', { as: admin, body: { username: 'dave', password: 'short' } });
    expect([weak.status, weak.body.error.code]).toEqual([400, 'weak_password']);
    const badName = await api(server, 'POST', '/api/users', { as: admin, body: { username: 'no spaces!' } });
    expect([badName.status, badName.body.error.code]).toEqual([400, 'validation_failed']);
    const extra = await api(server, 'POST', '/api/users', { as: admin, body: { username: 'dave', role: 'god' } });
    expect([extra.status, extra.body.error.code]).toEqual([400, 'validation_failed']);
    const taken = await api(server, 'POST', '/api/users', { as: admin, body: { username: 'CAROL' } });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'username_taken']);
    expect(
      (await api(server, 'PATCH', `/api/users/${admin.id}`, { as: carol, body: { displayName: 'x' } })).status,
    ).toBe(403);
    expect((await api(server, 'PATCH', `/api/users/${carol.id}`, { as: carol, body: { isAdmin: true } })).status).toBe(
      403,
    );
    const renamed = await api(server, 'PATCH', `/api/users/${carol.id}`, {
      as: carol,
      body: { displayName: 'Carol C.' },
    });
    expect(renamed.body.displayName).toBe('Carol C.');
    // A disabled account's tokens stop working at once.
    expect((await api(server, 'PATCH', `/api/users/${carol.id}`, { as: admin, body: { disabled: true } })).status).toBe(
      200,
    );
    expect((await api(server, 'GET', '/api/auth/me', { as: carol })).status).toBe(401);
  });

  it('changes a password only with the current one, and ends old sessions', async () => {
    const erin = await makeUser(server, 'erin');
    const signIn = await api(server, 'POST', '/api/auth/sign-in', {
      body: { username: 'erin', password: 'correct horse battery' },
    });
    const session = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const wrong = await api(server, 'POST', `/api/users/${erin.id}/password`, {
      as: erin,
      body: { password: 'new-password-1', currentPassword: 'bad' },
    });
    expect(wrong.status).toBe(401);
    const ok = await api(server, 'POST', `/api/users/${erin.id}/password`, {
      as: erin,
      body: { password: 'new-password-1', currentPassword: 'correct horse battery' },
    });
    expect(ok.status).toBe(204);
    expect((await api(server, 'GET', '/api/auth/me', { headers: { cookie: session } })).status).toBe(401);
    const again = await api(server, 'POST', '/api/auth/sign-in', {
      body: { username: 'erin', password: 'new-password-1' },
    });
    expect(again.status).toBe(200);
  });

  it('pages through users with a stable cursor', async () => {
    for (let i = 0; i < 5; i++) await makeUser(server, `pager${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const r = await api(server, 'GET', `/api/users?limit=2${q}`, { as: admin });
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((u: { username: string }) => u.username));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (let i = 0; i < 5; i++) expect(seen).toContain(`pager${i}`);
    const bad = await api(server, 'GET', '/api/users?cursor=garbage', { as: admin });
    expect(bad.body.error.code).toBe('validation_failed');
  });
});
