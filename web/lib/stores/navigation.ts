/** Navigation targets that carry a query string, typed for `goto()`. */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

/** The sign-in page, returning to `from` afterwards. */
export function signInUrl(from: URL): ResolvedPathname {
  const next = from.pathname + from.search;
  return next === '/' || next.startsWith('/sign-in')
    ? resolve('/sign-in')
    : resolve(`/sign-in?next=${encodeURIComponent(next)}`);
}

/**
 * Where to go after signing in: the `next` parameter when it is a path of this app (never
 * another origin: `//evil.example` or `/\evil` are refused), else the projects page.
 */
export function afterSignIn(url: URL): ResolvedPathname {
  const next = url.searchParams.get('next');
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')) {
    return next as ResolvedPathname;
  }
  return resolve('/');
}
