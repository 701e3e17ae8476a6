/**
 * `@user` mentions in comment text. Parsed once when a message is posted and stored with it, so
 * notifications and readers never re-parse (and a later change of this rule does not rewrite
 * history).
 */

/**
 * A mention is `@` + a user id (letters, digits, `_ . -`), not preceded by a word character or
 * `@` (so `ana@example.org` is an address, not a mention). Trailing `.`/`-` is punctuation.
 */
const MENTION_RE = /(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.-]*)/g;

/** Unique mentioned user ids in order of first appearance. */
export function parseMentions(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(MENTION_RE)) {
    const id = (m[1] as string).replace(/[.-]+$/, '');
    if (id !== '' && !out.includes(id)) out.push(id);
  }
  return out;
}
