/**
 * `@user` mentions in comment text. Parsed once when a message is posted and stored with it, so
 * notifications and readers never re-parse (and a later change of this rule does not rewrite
 * history).
 */

/**
 * A mention is `@` + a user id (letters, digits, `_ . -`), not preceded by a word character or
 * `@` (so `ana@example.org` is an address, not a mention). Trailing `.`/`-` is punctuation.
 */
/** Global: use it with `matchAll`/`replace` (they reset it), not `test`/`exec`. */
export const MENTION_RE = /(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.-]*)/g;

/** The id of a matched token (`MENTION_RE`'s group 1): trailing `.`/`-` is punctuation. */
export function mentionId(token: string): string {
  return token.replace(/[.-]+$/, '');
}

/** Unique mentioned user ids in order of first appearance. */
export function parseMentions(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(MENTION_RE)) {
    const id = mentionId(m[1] as string);
    if (id !== '' && !out.includes(id)) out.push(id);
  }
  return out;
}
