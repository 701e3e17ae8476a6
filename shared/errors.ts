/**
 * HTTP error catalogue: every error the REST API returns has one of these codes, in the body
 * `{ "error": { "code": "...", "message": "..." } }`. Codes are stable; messages may improve.
 * A test checks README.md lists every code.
 */
export const ErrorCode = {
  /** Request body, params or query fail the route's JSON schema. */
  ValidationFailed: { status: 400, message: 'Request does not match the schema' },
  NotFound: { status: 404, message: 'No such resource' },
  /** Request body larger than the route allows. */
  PayloadTooLarge: { status: 413, message: 'Request body too large' },
  /** The database does not answer (health check). */
  DatabaseUnavailable: { status: 503, message: 'Database unavailable' },
  /** The web app has not been built (`npm run build`). */
  WebNotBuilt: { status: 503, message: 'Web app not built; run npm run build' },
  InternalError: { status: 500, message: 'Internal server error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorName = keyof typeof ErrorCode;

/** snake_case wire code of a catalogue entry, e.g. `ValidationFailed` → `validation_failed`. */
export function errorCode(name: ErrorName): string {
  return name.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? c.toLowerCase() : `_${c.toLowerCase()}`));
}

export interface ErrorBody {
  error: { code: string; message: string };
}
