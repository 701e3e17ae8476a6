/**
 * Mentions as people type and read them. The model (shared/model/mentions.ts) stores `@<user id>`
 * in the text and the parsed ids with the message, so a mention survives a rename. People type
 * `@username` (picked from the autocomplete or typed): `encodeMentions` rewrites the usernames
 * of the task's people to their ids just before posting, and `mentionSegments` shows ids (and
 * usernames) as display names when reading.
 */
import { MENTION_RE, mentionId, parseMentions } from '../../../shared/model/mentions.ts';

/** Someone on the task who can be mentioned. */
export interface MentionPerson {
  id: string;
  username: string;
  displayName: string;
}

/** The task's people, once each: its assignments (annotators and reviewers), by display name. */
export function taskPeople(
  assignments: ReadonlyArray<{ userId: string; username: string; displayName: string }>,
): MentionPerson[] {
  const byId = new Map<string, MentionPerson>();
  for (const a of assignments)
    if (!byId.has(a.userId)) byId.set(a.userId, { id: a.userId, username: a.username, displayName: a.displayName });
  return [...byId.values()].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
}

export function nameOf(p: MentionPerson): string {
  return p.displayName || p.username;
}

/** Finds a person by id or (case-insensitively) by username. */
export function findPerson(people: readonly MentionPerson[], token: string): MentionPerson | null {
  const lower = token.toLowerCase();
  return people.find((p) => p.id === token) ?? people.find((p) => p.username.toLowerCase() === lower) ?? null;
}

/**
 * `@username` of a task person → `@<id>`; other `@words` stay as typed. Trailing `.`/`-` is
 * punctuation, as in the parser (unless it belongs to the username).
 */
export function encodeMentions(text: string, people: readonly MentionPerson[]): string {
  return text.replace(MENTION_RE, (whole, token: string) => {
    // A username may itself end in `.`/`-`: the whole token first, then without the punctuation.
    const core = findPerson(people, token) ? token : mentionId(token);
    const p = findPerson(people, core);
    return p ? `@${p.id}${token.slice(core.length)}` : whole;
  });
}

/** Ids a text will mention once encoded (what the model will store). */
export function mentionedIds(text: string, people: readonly MentionPerson[]): string[] {
  return parseMentions(encodeMentions(text, people));
}

export type TextSegment = { type: 'text'; text: string } | { type: 'mention'; userId: string; label: string };

/** A message split for display: mentions of known people become named chips. */
export function mentionSegments(text: string, people: readonly MentionPerson[]): TextSegment[] {
  const out: TextSegment[] = [];
  let last = 0;
  const push = (s: string) => {
    if (s === '') return;
    const prev = out[out.length - 1];
    if (prev?.type === 'text') prev.text += s;
    else out.push({ type: 'text', text: s });
  };
  for (const m of text.matchAll(MENTION_RE)) {
    const token = m[1] as string;
    const core = findPerson(people, token) ? token : mentionId(token);
    const p = findPerson(people, core);
    if (!p) continue;
    push(text.slice(last, m.index));
    out.push({ type: 'mention', userId: p.id, label: `@${nameOf(p)}` });
    last = (m.index as number) + 1 + core.length;
  }
  push(text.slice(last));
  return out;
}

/** The `@word` being typed at `caret` (its start index and the word after `@`), or null. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(?:^|[^\w@])@([A-Za-z0-9_.-]*)$/.exec(before);
  if (!m) return null;
  const query = m[1] as string;
  return { start: caret - query.length - 1, query };
}

/** People matching a typed prefix (username or any word of the display name), best first. */
export function mentionSuggestions(people: readonly MentionPerson[], query: string, limit = 6): MentionPerson[] {
  const q = query.toLowerCase();
  const score = (p: MentionPerson): number => {
    if (q === '') return 1;
    if (p.username.toLowerCase().startsWith(q)) return 3;
    if (nameOf(p).toLowerCase().startsWith(q)) return 2;
    return nameOf(p)
      .toLowerCase()
      .split(/\s+/)
      .some((w) => w.startsWith(q))
      ? 1
      : 0;
  };
  return people
    .map((p) => ({ p, s: score(p) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || nameOf(a.p).localeCompare(nameOf(b.p)))
    .slice(0, limit)
    .map((x) => x.p);
}

/** Text and caret after choosing `p` for the query at `start..caret`. */
export function applyMention(
  text: string,
  start: number,
  caret: number,
  p: MentionPerson,
): { text: string; caret: number } {
  const insert = `@${p.username} `;
  const after = text.slice(caret).replace(/^[A-Za-z0-9_.-]*/, '');
  const rest = after.startsWith(' ') ? after.slice(1) : after;
  return { text: text.slice(0, start) + insert + rest, caret: start + insert.length };
}
