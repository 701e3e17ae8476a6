/**
 * TaskDoc: typed accessors over the task-level shared Y.Doc, which every participant of a task
 * may read: the entity registry (one id for a speaker/person/object across modalities, referenced
 * by annotations' `entityId`) and comment threads anchored to a time range or an annotation.
 *
 * Layout (wire format, see README.md): top-level Y.Map `entities` (id → Y.Map of fields) and
 * Y.Map `threads` (id → Y.Map of fields, with `messages` a Y.Array of immutable plain objects, so
 * concurrent replies both land and concurrent rename + recolour both survive).
 */
import * as Y from 'yjs';
import { COLOR_RE, issue, isId, ModelValidationError, newId, throwIfIssues } from './issues.ts';
import type { ValidationIssue } from './issues.ts';
import { parseMentions } from './mentions.ts';

export const TASK_ENTITIES = 'entities';
export const TASK_THREADS = 'threads';

export type EntityKind = 'speaker' | 'person' | 'object' | 'other';
export const ENTITY_KINDS: readonly EntityKind[] = ['speaker', 'person', 'object', 'other'];

export interface Entity {
  id: string;
  name: string;
  kind: EntityKind;
  /** `#rrggbb`. */
  color: string;
}

/** Where a thread is attached: a range of the task timeline, or one annotation of one layer. */
export type ThreadAnchor =
  { type: 'time'; start: number; end: number } | { type: 'annotation'; layerId: string; annotationId: string };

export interface Message {
  id: string;
  author: string;
  text: string;
  /** User ids mentioned with `@id` in the text. */
  mentions: string[];
  createdAt: number;
}

export interface Thread {
  id: string;
  anchor: ThreadAnchor;
  messages: Message[];
  resolved: boolean;
  resolvedBy: string | null;
  resolvedAt: number | null;
}

/** What `TaskDoc.observe` reports. */
export interface TaskChange {
  part: 'entities' | 'threads';
  local: boolean;
  origin: unknown;
}

export interface TaskContext {
  now(): number;
  author: string;
  /** Length of the task timeline; time anchors past it are rejected. Null when unknown. */
  mediaDuration?: number | null;
}

const MAX_NAME = 200;
const MAX_MESSAGE = 10_000;

/** Problems of an entity's fields (all of them, or only those present for a patch). */
export function entityIssues(e: Partial<Record<keyof Entity, unknown>>, partial = false): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  if (!partial && !isId(e.id)) out.push(issue('invalid_id', 'id', 'entity id is not a valid id'));
  if (!partial || e.name !== undefined)
    if (typeof e.name !== 'string' || e.name.trim() === '' || e.name.length > MAX_NAME)
      out.push(issue('empty_name', 'name', `entity name must be 1–${MAX_NAME} characters`));
  if ((!partial || e.kind !== undefined) && !ENTITY_KINDS.includes(e.kind as EntityKind))
    out.push(issue('invalid_entity_kind', 'kind', `kind must be one of ${ENTITY_KINDS.join(', ')}`));
  if ((!partial || e.color !== undefined) && (typeof e.color !== 'string' || !COLOR_RE.test(e.color)))
    out.push(issue('invalid_color', 'color', 'colour must be #rrggbb'));
  return out;
}

/** Problems of a thread anchor. */
export function anchorIssues(a: unknown, mediaDuration: number | null = null): ValidationIssue[] {
  const r = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
  if (r.type === 'annotation')
    return isId(r.layerId) && isId(r.annotationId)
      ? []
      : [issue('invalid_anchor', 'anchor', 'an annotation anchor needs layerId and annotationId')];
  if (r.type !== 'time' || !Number.isFinite(r.start) || !Number.isFinite(r.end))
    return [issue('invalid_anchor', 'anchor', 'anchor must be a time range or an annotation')];
  const [start, end] = [r.start as number, r.end as number];
  // A point comment (start = end) is allowed: "here" is a reasonable thing to comment on.
  if (end < start) return [issue('end_before_start', 'anchor.end', 'end must not be before start')];
  if (start < 0 || (mediaDuration !== null && end > mediaDuration))
    return [issue('outside_media', 'anchor', 'the anchor lies outside the media')];
  return [];
}

function messageIssues(text: unknown): ValidationIssue[] {
  if (typeof text !== 'string' || text.trim() === '') return [issue('empty_message', 'text', 'message is empty')];
  if (text.length > MAX_MESSAGE)
    return [issue('message_too_long', 'text', `message is longer than ${MAX_MESSAGE} characters`)];
  return [];
}

/** Tolerant read of an entity entry (null when unusable; never throws). */
export function readEntity(value: unknown, key: string): Entity | null {
  if (!(value instanceof Y.Map)) return null;
  const e = { id: key, name: value.get('name'), kind: value.get('kind'), color: value.get('color') };
  return entityIssues(e).length === 0 ? (e as Entity) : null;
}

/** Tolerant read of a thread entry: malformed messages are skipped, not fatal. */
export function readThread(value: unknown, key: string): Thread | null {
  if (!(value instanceof Y.Map)) return null;
  const anchor = value.get('anchor');
  if (!isId(key) || anchorIssues(anchor).length > 0) return null;
  const raw = value.get('messages');
  const messages = (raw instanceof Y.Array ? (raw.toArray() as unknown[]) : []).filter(
    (m): m is Message =>
      typeof m === 'object' &&
      m !== null &&
      isId((m as Message).id) &&
      typeof (m as Message).author === 'string' &&
      typeof (m as Message).text === 'string' &&
      Number.isFinite((m as Message).createdAt) &&
      Array.isArray((m as Message).mentions),
  );
  const resolved = value.get('resolved') === true;
  const by = value.get('resolvedBy');
  const at = value.get('resolvedAt');
  return {
    id: key,
    anchor: { ...(anchor as ThreadAnchor) },
    messages: messages.map((m) => ({ ...m, mentions: m.mentions.filter((x) => typeof x === 'string') })),
    resolved,
    resolvedBy: resolved && typeof by === 'string' ? by : null,
    resolvedAt: resolved && Number.isFinite(at) ? (at as number) : null,
  };
}

export class TaskDoc {
  readonly doc: Y.Doc;
  private readonly entities: Y.Map<unknown>;
  private readonly threads: Y.Map<unknown>;

  constructor(doc: Y.Doc = new Y.Doc()) {
    this.doc = doc;
    this.entities = doc.getMap(TASK_ENTITIES);
    this.threads = doc.getMap(TASK_THREADS);
  }

  /** Registers an entity; throws ModelValidationError on bad input or a taken id. */
  createEntity(input: Omit<Entity, 'id'> & { id?: string }, origin?: unknown): Entity {
    const e = { ...input, id: input.id ?? newId() };
    const issues = entityIssues(e);
    if (this.entities.has(e.id)) issues.push(issue('duplicate_id', 'id', `entity "${e.id}" already exists`));
    throwIfIssues(issues);
    this.doc.transact(() => {
      const m = new Y.Map<unknown>();
      this.entities.set(e.id, m);
      for (const k of ['id', 'name', 'kind', 'color'] as const) m.set(k, e[k]);
    }, origin);
    return this.getEntity(e.id) as Entity;
  }

  /** Changes the given fields only (a concurrent change of another field survives). */
  updateEntity(id: string, patch: Partial<Omit<Entity, 'id'>>, origin?: unknown): Entity {
    const m = this.entities.get(id);
    if (!(m instanceof Y.Map)) throw notFound('entity', id);
    const given = Object.entries(patch).filter(([k, v]) => v !== undefined && ['name', 'kind', 'color'].includes(k));
    throwIfIssues(entityIssues(Object.fromEntries(given), true));
    this.doc.transact(() => given.forEach(([k, v]) => m.set(k, v)), origin);
    return this.getEntity(id) as Entity;
  }

  /** Removes an entity. Annotations that reference it keep the id; LayerDoc.audit reports them. */
  deleteEntity(id: string, origin?: unknown): void {
    if (!this.entities.has(id)) throw notFound('entity', id);
    this.doc.transact(() => this.entities.delete(id), origin);
  }

  getEntity(id: string): Entity | null {
    return readEntity(this.entities.get(id), id);
  }

  /** Readable entities ordered by name, then id. */
  listEntities(): Entity[] {
    const out: Entity[] = [];
    for (const [k, v] of this.entities.entries()) {
      const e = readEntity(v, k);
      if (e !== null) out.push(e);
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  }

  /** Ids of readable entities: pass as `LayerContext.entityIds`. */
  entityIds(): Set<string> {
    return new Set(this.listEntities().map((e) => e.id));
  }

  /** Opens a thread with its first message. */
  createThread(input: { id?: string; anchor: ThreadAnchor; text: string }, ctx: TaskContext, origin?: unknown): Thread {
    const id = input.id ?? newId();
    const issues = [...anchorIssues(input.anchor, ctx.mediaDuration ?? null), ...messageIssues(input.text)];
    if (!isId(id)) issues.push(issue('invalid_id', 'id', 'thread id is not a valid id'));
    else if (this.threads.has(id)) issues.push(issue('duplicate_id', 'id', `thread "${id}" already exists`));
    throwIfIssues(issues);
    this.doc.transact(() => {
      const m = new Y.Map<unknown>();
      this.threads.set(id, m);
      m.set('id', id);
      m.set('anchor', { ...input.anchor });
      m.set('messages', Y.Array.from([makeMessage(input.text, ctx)]));
      m.set('resolved', false);
      m.set('resolvedBy', null);
      m.set('resolvedAt', null);
    }, origin);
    return this.getThread(id) as Thread;
  }

  /** Appends a message; concurrent replies are all kept, in a converged order. */
  reply(threadId: string, text: string, ctx: TaskContext, origin?: unknown): Message {
    const m = this.threadMap(threadId);
    throwIfIssues(messageIssues(text));
    const msg = makeMessage(text, ctx);
    this.doc.transact(() => {
      let arr = m.get('messages');
      if (!(arr instanceof Y.Array)) m.set('messages', (arr = new Y.Array<unknown>()));
      (arr as Y.Array<unknown>).push([msg]);
    }, origin);
    return msg;
  }

  /** Marks a thread resolved by the context's author. */
  resolveThread(id: string, ctx: TaskContext, origin?: unknown): Thread {
    const m = this.threadMap(id);
    this.doc.transact(() => {
      m.set('resolved', true);
      m.set('resolvedBy', ctx.author);
      m.set('resolvedAt', ctx.now());
    }, origin);
    return this.getThread(id) as Thread;
  }

  /** Reopens a resolved thread (clears resolvedBy/resolvedAt). */
  reopenThread(id: string, origin?: unknown): Thread {
    const m = this.threadMap(id);
    this.doc.transact(() => {
      m.set('resolved', false);
      m.set('resolvedBy', null);
      m.set('resolvedAt', null);
    }, origin);
    return this.getThread(id) as Thread;
  }

  deleteThread(id: string, origin?: unknown): void {
    this.threadMap(id);
    this.doc.transact(() => this.threads.delete(id), origin);
  }

  getThread(id: string): Thread | null {
    return readThread(this.threads.get(id), id);
  }

  /** Readable threads, optionally only those on one annotation; oldest first message first. */
  listThreads(filter: { annotationId?: string; resolved?: boolean } = {}): Thread[] {
    const out: Thread[] = [];
    for (const [k, v] of this.threads.entries()) {
      const t = readThread(v, k);
      if (t === null || (filter.resolved !== undefined && t.resolved !== filter.resolved)) continue;
      if (filter.annotationId !== undefined)
        if (t.anchor.type !== 'annotation' || t.anchor.annotationId !== filter.annotationId) continue;
      out.push(t);
    }
    const first = (t: Thread): number => t.messages[0]?.createdAt ?? 0;
    return out.sort((a, b) => first(a) - first(b) || (a.id < b.id ? -1 : 1));
  }

  /**
   * Calls `cb` after each transaction that touches the entity registry or the threads (once per
   * part touched); returns the unsubscribe.
   */
  observe(cb: (change: TaskChange) => void): () => void {
    const on = (part: TaskChange['part']) => (_: unknown, txn: Y.Transaction) =>
      cb({ part, local: txn.local, origin: txn.origin });
    const onEntities = on('entities');
    const onThreads = on('threads');
    this.entities.observeDeep(onEntities);
    this.threads.observeDeep(onThreads);
    return () => {
      this.entities.unobserveDeep(onEntities);
      this.threads.unobserveDeep(onThreads);
    };
  }

  private threadMap(id: string): Y.Map<unknown> {
    const m = this.threads.get(id);
    if (!(m instanceof Y.Map)) throw notFound('thread', id);
    return m;
  }
}

function makeMessage(text: string, ctx: TaskContext): Message {
  return { id: newId(), author: ctx.author, text, mentions: parseMentions(text), createdAt: ctx.now() };
}

function notFound(what: string, id: string): ModelValidationError {
  return new ModelValidationError([issue('not_found', 'id', `no ${what} "${id}"`)]);
}
