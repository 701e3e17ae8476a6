/** Mentions as typed (`@username`) and as stored (`@<user id>`): encoding, display, autocomplete. */
import { describe, expect, it } from 'vitest';
import { parseMentions } from '../../../../shared/model/mentions.ts';
import {
  applyMention,
  encodeMentions,
  mentionedIds,
  mentionQuery,
  mentionSegments,
  mentionSuggestions,
  taskPeople,
  type MentionPerson,
} from '../../../../web/lib/threads/mention-text.ts';

const ADA = '0b7e2c52-8c1e-4f0e-9a55-2d1f3c6b7a01';
const BEN = '5f1d9a0e-3b2c-4d7e-8f60-1a2b3c4d5e6f';
const TEO = '9c8b7a65-4321-4fed-8cba-0987654321ab';
const people: MentionPerson[] = [
  { id: ADA, username: 'ada', displayName: 'Ada Lovelace' },
  { id: BEN, username: 'ben.o', displayName: 'Ben Okafor' },
  { id: TEO, username: 'teo-', displayName: '' },
];

describe('taskPeople', () => {
  it('lists each person once (annotator and reviewer of one task), by display name', () => {
    const a = (userId: string, username: string, displayName: string) => ({ userId, username, displayName });
    expect(
      taskPeople([a(BEN, 'ben.o', 'Ben Okafor'), a(ADA, 'ada', 'Ada Lovelace'), a(BEN, 'ben.o', 'Ben Okafor')]),
    ).toEqual([people[0], people[1]]);
  });
});

describe('encodeMentions', () => {
  it('rewrites usernames of the task’s people to ids the model parses, leaving the rest', () => {
    const text = encodeMentions('@ADA, ask @ben.o. Not @nobody or ada@example.org', people);
    expect(text).toBe(`@${ADA}, ask @${BEN}. Not @nobody or ada@example.org`);
    expect(parseMentions(text)).toEqual([ADA, BEN, 'nobody']);
    expect(mentionedIds('thanks @ben.o!', people)).toEqual([BEN]);
  });

  it('keeps ids as they are and a username that ends in punctuation whole', () => {
    expect(encodeMentions(`@${ADA} and @teo- here`, people)).toBe(`@${ADA} and @${TEO} here`);
  });
});

describe('mentionSegments', () => {
  it('shows known ids (and usernames) as names; unknown mentions stay text', () => {
    expect(mentionSegments(`Hi @${ADA}. See @ghost and @ben.o`, people)).toEqual([
      { type: 'text', text: 'Hi ' },
      { type: 'mention', userId: ADA, label: '@Ada Lovelace' },
      { type: 'text', text: '. See @ghost and ' },
      { type: 'mention', userId: BEN, label: '@Ben Okafor' },
    ]);
    expect(mentionSegments(`@${TEO}`, people)).toEqual([{ type: 'mention', userId: TEO, label: '@teo-' }]);
    expect(mentionSegments('', people)).toEqual([]);
  });
});

describe('autocomplete', () => {
  it('finds the @word at the caret, not inside an address', () => {
    expect(mentionQuery('hey @be', 7)).toEqual({ start: 4, query: 'be' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('hey @be more', 12)).toBeNull();
    expect(mentionQuery('mail ada@exa', 12)).toBeNull();
    expect(mentionQuery('(@a', 3)).toEqual({ start: 1, query: 'a' });
  });

  it('suggests by username prefix first, then by a word of the name', () => {
    expect(mentionSuggestions(people, 'o').map((p) => p.id)).toEqual([BEN]);
    expect(mentionSuggestions(people, 'b').map((p) => p.id)).toEqual([BEN]);
    expect(mentionSuggestions(people, 'lov').map((p) => p.id)).toEqual([ADA]);
    expect(mentionSuggestions(people, '').map((p) => p.id)).toEqual([ADA, BEN, TEO]);
    expect(mentionSuggestions(people, 'zz')).toEqual([]);
    expect(mentionSuggestions(people, '', 1)).toHaveLength(1);
  });

  it('replaces the typed word with @username and a space, caret after it', () => {
    expect(applyMention('ask @b now', 4, 6, people[1]!)).toEqual({ text: 'ask @ben.o now', caret: 11 });
    expect(applyMention('@a', 0, 2, people[0]!)).toEqual({ text: '@ada ', caret: 5 });
  });
});
