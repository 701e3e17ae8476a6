import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { authorshipHolds } from '../../../shared/model/authorship.ts';
import { TaskDoc } from '../../../shared/model/task-doc.ts';

const as = (author: string) => ({ now: () => 5, author });

/** The server's copy, and what a client's edit on a synced copy would send. */
function setup() {
  const server = new Y.Doc();
  const id = crypto.randomUUID();
  new TaskDoc(server).createThread({ id, anchor: { type: 'time', start: 0, end: 1 }, text: 'first' }, as('ann'));
  const edit = (fn: (t: TaskDoc) => void): Uint8Array => {
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const before = Y.encodeStateVector(client);
    fn(new TaskDoc(client));
    return Y.encodeStateAsUpdate(client, before);
  };
  return { server, id, edit };
}

describe('authorshipHolds', () => {
  it('admits a thread, replies and a resolution in the writer’s own name', () => {
    const fresh = new Y.Doc();
    const created = new Y.Doc();
    new TaskDoc(created).createThread({ anchor: { type: 'time', start: 0, end: 1 }, text: 'hi' }, as('ann'));
    expect(authorshipHolds(Y.encodeStateAsUpdate(created), 'ann', fresh)).toBe(true);
    const { server, id, edit } = setup();
    expect(
      authorshipHolds(
        edit((t) => t.reply(id, 'more', as('ann'))),
        'ann',
        server,
      ),
    ).toBe(true);
    expect(
      authorshipHolds(
        edit((t) => t.resolveThread(id, as('ann'))),
        'ann',
        server,
      ),
    ).toBe(true);
    // Reopening writes null; entities carry no author.
    expect(
      authorshipHolds(
        edit((t) => t.reopenThread(id)),
        'bob',
        server,
      ),
    ).toBe(true);
    const entity = edit((t) => t.createEntity({ name: 'Speaker A', kind: 'speaker', color: '#112233' }));
    expect(authorshipHolds(entity, 'bob', server)).toBe(true);
  });

  it('refuses a message or a thread in someone else’s name', () => {
    const { server, id, edit } = setup();
    expect(
      authorshipHolds(
        edit((t) => t.reply(id, 'forged', as('ann'))),
        'bob',
        server,
      ),
    ).toBe(false);
    const thread = edit((t) => t.createThread({ anchor: { type: 'time', start: 0, end: 1 }, text: 'x' }, as('ann')));
    expect(authorshipHolds(thread, 'bob', server)).toBe(false);
  });

  it('refuses a resolution in someone else’s name, though the key travels only as an origin', () => {
    const { server, id, edit } = setup();
    const forged = edit((t) => t.resolveThread(id, as('ann')));
    // The overwrite of resolvedBy carries no key on the wire: it names the value it replaces.
    expect(Y.decodeUpdate(forged).structs.every((s) => !(s instanceof Y.Item) || s.parentSub === null)).toBe(true);
    expect(authorshipHolds(forged, 'bob', server)).toBe(false);
  });

  it('refuses what it cannot attribute: bytes that do not decode, an origin it does not have', () => {
    const { server, id, edit } = setup();
    expect(authorshipHolds(new Uint8Array([1, 2, 3, 250]), 'ann', server)).toBe(false);
    const resolution = edit((t) => t.resolveThread(id, as('ann')));
    expect(authorshipHolds(resolution, 'ann', new Y.Doc())).toBe(false);
  });
});
