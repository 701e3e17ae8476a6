/** Task document: entity registry, comment threads, mentions, validation and sync. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelValidationError } from '../../../shared/model/issues.ts';
import { parseMentions } from '../../../shared/model/mentions.ts';
import { TASK_ENTITIES, TASK_THREADS, TaskDoc } from '../../../shared/model/task-doc.ts';
import type { TaskContext, ThreadAnchor } from '../../../shared/model/task-doc.ts';
import { sync } from './fixtures.ts';

function ctx(author = 'rev1', mediaDuration: number | null = 60): TaskContext {
  let t = 5000;
  return { author, mediaDuration, now: () => t++ };
}

function expectRejected(task: TaskDoc, act: () => unknown, code: string): void {
  const vector = Y.encodeStateVector(task.doc);
  expect(act).toThrow(ModelValidationError);
  try {
    act();
  } catch (e) {
    expect((e as ModelValidationError).code).toBe(code);
  }
  expect(Y.encodeStateVector(task.doc)).toEqual(vector);
}

describe('parseMentions', () => {
  it('finds unique @ids, ignoring e-mail addresses and trailing punctuation', () => {
    expect(parseMentions('@ana please check, cc @bo.b. and @ana again; mail ana@example.org')).toEqual(['ana', 'bo.b']);
    expect(parseMentions('(@x-1) @@y @')).toEqual(['x-1']);
    expect(parseMentions('no mentions')).toEqual([]);
  });
});

describe('entity registry', () => {
  it('creates, updates, lists and deletes entities', () => {
    const task = new TaskDoc();
    task.createEntity({ id: 'spk2', name: 'Bob', kind: 'speaker', color: '#00ff00' });
    const ana = task.createEntity({ name: 'Ana', kind: 'person', color: '#ff0000' });
    expect(task.listEntities().map((e) => e.name)).toEqual(['Ana', 'Bob']);
    expect(task.updateEntity(ana.id, { color: '#0000FF' })).toEqual({ ...ana, color: '#0000FF' });
    expect(task.entityIds()).toEqual(new Set([ana.id, 'spk2']));
    task.deleteEntity('spk2');
    expect(task.getEntity('spk2')).toBeNull();
    expect(task.doc.getMap(TASK_ENTITIES).get(ana.id)).toBeInstanceOf(Y.Map);
  });

  it.each([
    ['invalid_id', { id: 'a b', name: 'X', kind: 'other', color: '#000000' }],
    ['empty_name', { name: ' ', kind: 'other', color: '#000000' }],
    ['invalid_entity_kind', { name: 'X', kind: 'robot', color: '#000000' }],
    ['invalid_color', { name: 'X', kind: 'object', color: 'blue' }],
    ['duplicate_id', { id: 'e1', name: 'X', kind: 'object', color: '#000000' }],
  ])('rejects %s', (code, input) => {
    const task = new TaskDoc();
    task.createEntity({ id: 'e1', name: 'One', kind: 'object', color: '#111111' });
    expectRejected(task, () => task.createEntity(input as Parameters<TaskDoc['createEntity']>[0]), code);
  });

  it('rejects bad patches and unknown ids', () => {
    const task = new TaskDoc();
    task.createEntity({ id: 'e1', name: 'One', kind: 'object', color: '#111111' });
    expectRejected(task, () => task.updateEntity('e1', { color: '#12' }), 'invalid_color');
    expectRejected(task, () => task.updateEntity('ghost', { name: 'x' }), 'not_found');
    expectRejected(task, () => task.deleteEntity('ghost'), 'not_found');
  });

  it('a concurrent rename and recolour both survive', () => {
    const a = new TaskDoc();
    const b = new TaskDoc();
    a.createEntity({ id: 'e1', name: 'One', kind: 'object', color: '#111111' });
    sync(a.doc, b.doc);
    a.updateEntity('e1', { name: 'Uno' });
    b.updateEntity('e1', { color: '#222222' });
    sync(a.doc, b.doc);
    expect(a.getEntity('e1')).toEqual({ id: 'e1', name: 'Uno', kind: 'object', color: '#222222' });
    expect(b.getEntity('e1')).toEqual(a.getEntity('e1'));
  });
});

describe('comment threads', () => {
  const onAnnotation: ThreadAnchor = { type: 'annotation', layerId: 'layer-1', annotationId: 'seg1' };

  it('opens, replies, resolves and reopens threads with mentions', () => {
    const task = new TaskDoc();
    const c = ctx();
    const t = task.createThread({ id: 'th1', anchor: onAnnotation, text: 'Is this @ann1?' }, c);
    expect(t).toMatchObject({ id: 'th1', anchor: onAnnotation, resolved: false, resolvedBy: null, resolvedAt: null });
    expect(t.messages).toEqual([
      { id: expect.any(String), author: 'rev1', text: 'Is this @ann1?', mentions: ['ann1'], createdAt: 5000 },
    ]);
    const r = task.reply('th1', 'yes', ctx('ann1'));
    expect(r).toMatchObject({ author: 'ann1', text: 'yes', mentions: [] });
    expect(task.resolveThread('th1', c)).toMatchObject({ resolved: true, resolvedBy: 'rev1', resolvedAt: 5001 });
    expect(task.reopenThread('th1')).toMatchObject({ resolved: false, resolvedBy: null, resolvedAt: null });
    task.createThread({ id: 'th2', anchor: { type: 'time', start: 1, end: 1 }, text: 'here' }, c);
    expect(task.listThreads({ annotationId: 'seg1' }).map((x) => x.id)).toEqual(['th1']);
    expect(task.listThreads().map((x) => x.id)).toEqual(['th1', 'th2']);
    task.resolveThread('th2', c);
    expect(task.listThreads({ resolved: true }).map((x) => x.id)).toEqual(['th2']);
    task.deleteThread('th2');
    expect(task.getThread('th2')).toBeNull();
  });

  it.each([
    ['invalid_anchor', { type: 'time', start: 1 }, 'x'],
    ['invalid_anchor', { type: 'annotation', layerId: 'l', annotationId: '' }, 'x'],
    ['invalid_anchor', { type: 'place' }, 'x'],
    ['end_before_start', { type: 'time', start: 3, end: 2 }, 'x'],
    ['outside_media', { type: 'time', start: 3, end: 61 }, 'x'],
    ['outside_media', { type: 'time', start: -1, end: 2 }, 'x'],
    ['empty_message', { type: 'time', start: 1, end: 2 }, '  '],
    ['message_too_long', { type: 'time', start: 1, end: 2 }, 'x'.repeat(10_001)],
  ])('rejects %s', (code, anchor, text) => {
    const task = new TaskDoc();
    expectRejected(task, () => task.createThread({ anchor: anchor as ThreadAnchor, text }, ctx()), code);
  });

  it('rejects replies to unknown threads and empty replies', () => {
    const task = new TaskDoc();
    task.createThread({ id: 'th1', anchor: onAnnotation, text: 'x' }, ctx());
    expectRejected(task, () => task.reply('ghost', 'x', ctx()), 'not_found');
    expectRejected(task, () => task.reply('th1', '', ctx()), 'empty_message');
    expectRejected(
      task,
      () => task.createThread({ id: 'th1', anchor: onAnnotation, text: 'x' }, ctx()),
      'duplicate_id',
    );
  });

  it('concurrent replies both land, in the same order on both replicas', () => {
    const a = new TaskDoc();
    const b = new TaskDoc();
    a.createThread({ id: 'th', anchor: onAnnotation, text: 'start' }, ctx());
    sync(a.doc, b.doc);
    a.reply('th', 'from a', ctx('a'));
    b.reply('th', 'from b', ctx('b'));
    b.resolveThread('th', ctx('b'));
    sync(a.doc, b.doc);
    const ta = a.getThread('th')!;
    expect(ta.messages.map((m) => m.text).sort()).toEqual(['from a', 'from b', 'start']);
    expect(ta).toEqual(b.getThread('th'));
    expect(ta.resolvedBy).toBe('b');
  });

  it('reads malformed peer threads and entities tolerantly', () => {
    const peer = new Y.Doc();
    peer.transact(() => {
      const bad = new Y.Map<unknown>();
      peer.getMap(TASK_THREADS).set('bad', bad);
      bad.set('anchor', { type: 'time', start: 5, end: 1 });
      const ok = new Y.Map<unknown>();
      peer.getMap(TASK_THREADS).set('ok', ok);
      ok.set('anchor', { type: 'time', start: 1, end: 2 });
      ok.set(
        'messages',
        Y.Array.from<object | string>(['junk', { id: 'm1', author: 'x', text: 'hi', mentions: [], createdAt: 1 }]),
      );
      ok.set('resolved', 'yes');
      peer.getMap(TASK_THREADS).set('str', 'nope');
      peer.getMap(TASK_ENTITIES).set('e', 'nope');
    });
    const task = new TaskDoc();
    Y.applyUpdate(task.doc, Y.encodeStateAsUpdate(peer));
    expect(task.listThreads()).toEqual([
      {
        id: 'ok',
        anchor: { type: 'time', start: 1, end: 2 },
        messages: [{ id: 'm1', author: 'x', text: 'hi', mentions: [], createdAt: 1 }],
        resolved: false,
        resolvedBy: null,
        resolvedAt: null,
      },
    ]);
    expect(task.listEntities()).toEqual([]);
    expect(task.reply('ok', 'still works', ctx()).text).toBe('still works');
  });

  it('observe reports which part changed and the origin', () => {
    const task = new TaskDoc();
    const seen: unknown[] = [];
    const stop = task.observe((c) => seen.push(c));
    task.createEntity({ id: 'e', name: 'E', kind: 'other', color: '#000000' }, 'o1');
    task.createThread({ id: 't', anchor: onAnnotation, text: 'x' }, ctx(), 'o2');
    task.reply('t', 'y', ctx(), 'o3');
    stop();
    task.reply('t', 'z', ctx());
    expect(seen).toEqual([
      { part: 'entities', local: true, origin: 'o1' },
      { part: 'threads', local: true, origin: 'o2' },
      { part: 'threads', local: true, origin: 'o3' },
    ]);
  });
});
