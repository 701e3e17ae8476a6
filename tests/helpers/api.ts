import { createApiToken, createUser, type PublicUser } from '../../server/accounts/accounts.ts';
import type { TestServer } from './server.ts';

/** A user with an API token, for calling the REST API and opening documents as them. */
export interface TestUser extends PublicUser {
  token: string;
  headers: { authorization: string };
}

let counter = 0;

/** Creates a user directly in the server's database and gives them a Bearer token. */
export async function makeUser(server: TestServer, name?: string, isAdmin = false): Promise<TestUser> {
  const db = server.app.database.db;
  const username = name ?? `user${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await createUser(db, { username, password: 'correct horse battery', isAdmin }, null);
  const { token } = await createApiToken(db, user.id, 'test', null, null);
  return { ...user, token, headers: { authorization: `Bearer ${token}` } };
}

// Tests read response bodies loosely; the server validates its responses against the route schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** JSON request against the test server; returns status and parsed body (never throws on 4xx). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function api<T = any>(
  server: TestServer,
  method: string,
  path: string,
  options: { as?: TestUser | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = options.as.headers.authorization;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.httpUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  if (res.headers.get('content-type')?.includes('application/json') && text) body = JSON.parse(text);
  return { status: res.status, body: body as T, headers: res.headers };
}
