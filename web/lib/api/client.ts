/**
 * The typed fetch client of the REST API. Same origin, the session cookie travels with every
 * request; errors are thrown as ApiError carrying the server's `{error: {code, message}}`. A 401
 * `unauthenticated` (session expired, signed out elsewhere) calls the unauthorized handler, which
 * the app layout points at the sign-in page.
 */

/** An error answer of the API (or a network failure, with status 0 and code `network_error`). */
export class ApiError extends Error {
  readonly status: number;
  /** The snake_case code of shared/errors.ts, e.g. `revision_conflict`. */
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** True for an ApiError with one of the given codes. */
export function isApiError(error: unknown, ...codes: string[]): error is ApiError {
  return error instanceof ApiError && (codes.length === 0 || codes.includes(error.code));
}

/** A message fit for a person, from anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

type UnauthorizedHandler = () => void;

let onUnauthorized: UnauthorizedHandler = () => {
  const here = location.pathname + location.search;
  if (!location.pathname.startsWith('/sign-in')) location.assign(`/sign-in?next=${encodeURIComponent(here)}`);
};

/** The app layout routes 401s to its own sign-in navigation. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

/** Builds an ApiError from a response status and its (maybe) JSON body. */
export function toApiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null | undefined)?.error;
  if (error && typeof error.code === 'string') {
    return new ApiError(status, error.code, typeof error.message === 'string' ? error.message : error.code);
  }
  return new ApiError(status, status >= 500 ? 'internal_error' : 'http_error', `HTTP ${status}`);
}

/** Routes a failed response: 401 `unauthenticated` goes to sign-in (credential errors do not). */
export function handleFailure(error: ApiError, options: { authRedirect?: boolean } = {}): ApiError {
  if (error.status === 401 && error.code === 'unauthenticated' && options.authRedirect !== false) onUnauthorized();
  return error;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** false: a 401 is only thrown, not routed to sign-in (the session probe at start-up). */
  authRedirect?: boolean;
}

/** One JSON request; resolves to the parsed body (undefined for 204). */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'include' };
  if (options.signal) init.signal = options.signal;
  if (options.body !== undefined) {
    // Only with a body: Fastify refuses an empty body declared as JSON.
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), init);
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, 'network_error', 'Cannot reach the server; check your connection');
  }
  const text = response.status === 204 ? '' : await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!response.ok) throw handleFailure(toApiError(response.status, body), options);
  return body as T;
}

export const http = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T = void>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};
