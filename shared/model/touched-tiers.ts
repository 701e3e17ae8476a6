/**
 * Which tiers an incoming Yjs update would write, worked out BEFORE the update is applied, so the
 * server can enforce per-tier edit rights on a layer document (see README.md, "Tiers touched by an
 * update").
 *
 * The analysis replays, without touching the document, what `Y.applyUpdate` would do: it walks the
 * update's structs in the order Yjs integrates them (`integrateStructs`), resolves each item's parent
 * exactly as `Item.getMissing` does (from the origin item, else the right origin, else the explicit
 * parent), climbs to the annotation entry (the item whose parent is the root `annotations` map) and
 * reads that annotation's tier. Anything Yjs would not integrate right away (a missing dependency,
 * a clock gap, a delete of clocks it does not have) would be stored as pending and applied later,
 * unchecked, so it makes the result `null`.
 *
 * Cost: O(structs of the update · log) plus the store structs inside the delete set's ranges (which
 * Yjs visits too when it applies the deletes). No cloning, nothing applied.
 */
import * as Y from 'yjs';
import { LAYER_ANNOTATIONS } from './layer.ts';

type Struct = Y.Item | Y.GC | Y.Skip;
/** A shared type (root or nested), as `doc.share` holds them. */
type YType = NonNullable<ReturnType<Y.Doc['share']['get']>>;

/** What an integrated item hangs in: a root (by name), a type already in the store, or a new type of the update. */
type Parent = { root: string } | { type: YType } | { added: Added };

/** A struct of the update as it would be integrated (a virtual addition to `doc.store`). */
interface Added {
  /** First clock actually integrated (the part the store already has is skipped) and end clock. */
  clock: number;
  end: number;
  /** Null for a GC struct. */
  item: Y.Item | null;
  /** Null when Yjs would integrate it as a GC struct (parent gone): no effect. */
  parent: Parent | null;
  parentSub: string | null;
  /** The annotation entry it belongs to (existing item or a new entry of this update); null outside `annotations`. */
  ann: Y.Item | Added | null;
  /** For a new annotation entry: whether the update writes a `tierId` value into it. */
  tierWritten: boolean;
  /** For a new annotation entry: created as deleted content, or deleted by the update's delete set. */
  gone: boolean;
  /** Whether this is the `tierId` field of an annotation entry. */
  tierField: boolean;
}

/**
 * A way the update may leave an annotation without a tier (its `tierId` value deleted or written as
 * deleted content): unless a later value of the key is placed after it (an item whose origin is
 * `last`), or the annotation itself goes away, the annotation ends on tier `''`.
 */
interface TierlessRisk {
  entry: Y.Item | Added;
  last: string;
}

/** A struct found by id: in the store, or added by the update. */
type Found = Y.Item | Y.GC | Added;

/** Thrown internally when part of the update cannot be attributed; the public function returns null. */
class Unattributable extends Error {}

/** Tier of a new annotation entry that sets no `tierId` (no tier has this id, so the caller refuses it). */
const NO_TIER = '';

/**
 * The ids of the tiers whose annotations `update` (Yjs v1 encoding) would create, change or delete
 * if applied to `doc` (a layer document) now. Changing an annotation's `tierId` touches the old and
 * the new tier; an annotation the update creates without a `tierId` (or with a non-string one)
 * touches tier `''`. Writes outside the root `annotations` map (e.g. `meta`) touch none.
 *
 * Returns null when the update cannot be fully attributed: a dependency the document does not have
 * (origin, parent, clock gap), deletes of clocks it does not have, an update that would release
 * structs or deletes the document holds as pending, a malformed entry of `annotations`, a struct of
 * length 0, or an update that does not decode. The caller must refuse the update then.
 */
export function tiersTouchedByUpdate(doc: Y.Doc, update: Uint8Array): Set<string> | null {
  try {
    return new Analysis(doc).run(update);
  } catch {
    // Unattributable, or Yjs would throw while applying it (e.g. an id no struct holds): refuse.
    return null;
  }
}

class Analysis {
  private readonly store: Y.Doc['store'];
  private readonly annotations: YType | undefined;
  /** Per client: clock after the virtual integration (absent = unchanged store state). */
  private readonly state = new Map<number, number>();
  /** Per client: integrated structs of the update, ascending clocks. */
  private readonly added = new Map<number, Added[]>();
  /** New annotation entries created by the update. */
  private readonly entries: Added[] = [];
  /** Memo: store type → the annotation entry its content belongs to (null: outside `annotations`). */
  private readonly typeAnn = new Map<YType, Y.Item | null>();
  /** Memo: existing annotation entry → its tier. */
  private readonly tiers = new Map<Y.Item, string>();
  private readonly touched = new Set<string>();
  /** `client:clock` of every struct an integrated item is placed right after (its effective origin). */
  private readonly successors = new Set<string>();
  private readonly tierless: TierlessRisk[] = [];
  /** Existing annotation entries the delete set removes. */
  private readonly deletedEntries = new Set<Y.Item>();

  constructor(doc: Y.Doc) {
    this.store = doc.store;
    this.annotations = doc.share.get(LAYER_ANNOTATIONS);
  }

  run(update: Uint8Array): Set<string> {
    const { structs, ds } = Y.decodeUpdate(update);
    this.integrateAll(groupByClient(structs));
    this.applyDeletes(ds);
    this.checkPending();
    for (const e of this.entries) if (!e.gone && !e.tierWritten) this.touched.add(NO_TIER);
    for (const { entry, last } of this.tierless) {
      const gone = entry instanceof Y.Item ? this.deletedEntries.has(entry) : entry.gone;
      if (!gone && !this.successors.has(last)) this.touched.add(NO_TIER);
    }
    return this.touched;
  }

  /** Clock of `client` after what the update integrated so far. */
  private current(client: number): number {
    return this.state.get(client) ?? Y.getState(this.store, client);
  }

  /** Mirrors Yjs' `integrateStructs`: same order, same dependency stack; anything left pending throws. */
  private integrateAll(groups: Map<number, { i: number; refs: Struct[] }>): void {
    const ids = [...groups.keys()].sort((a, b) => a - b);
    const nextTarget = (): { i: number; refs: Struct[] } | null => {
      while (ids.length > 0) {
        const t = groups.get(ids[ids.length - 1]) as { i: number; refs: Struct[] };
        if (t.i < t.refs.length) return t;
        ids.pop();
      }
      return null;
    };
    let target = nextTarget();
    if (target === null) return;
    const stack: Struct[] = [];
    let head = target.refs[target.i++];
    for (;;) {
      if (!(head instanceof Y.Skip)) {
        const offset = this.current(head.id.client) - head.id.clock;
        // A clock gap: Yjs would keep this struct (and whatever waits on it) pending.
        if (offset < 0) throw new Unattributable();
        const missing = head instanceof Y.Item ? this.missing(head) : null;
        if (missing !== null) {
          stack.push(head);
          const refs = groups.get(missing);
          // Depends on a struct neither the document nor the update has (or on a cycle): pending.
          if (refs === undefined || refs.i === refs.refs.length) throw new Unattributable();
          head = refs.refs[refs.i++];
          continue;
        }
        this.integrate(head, offset);
      }
      if (stack.length > 0) head = stack.pop() as Struct;
      else if (target !== null && target.i < target.refs.length) head = target.refs[target.i++];
      else {
        target = nextTarget();
        if (target === null) break;
        head = target.refs[target.i++];
      }
    }
  }

  /** `Item.getMissing`'s dependency check: the client of a referenced struct not integrated yet. */
  private missing(item: Y.Item): number | null {
    const parent: unknown = item.parent;
    for (const ref of [item.origin, item.rightOrigin, parent instanceof Y.ID ? parent : null])
      if (ref !== null && ref.client !== item.id.client && ref.clock >= this.current(ref.client)) return ref.client;
    return null;
  }

  /** Resolves the parent like `Item.getMissing`, then records the struct and attributes it. */
  private integrate(s: Y.Item | Y.GC, offset: number): void {
    const integrates = offset === 0 || offset < s.length;
    if (s instanceof Y.GC) {
      if (integrates) {
        const end = s.id.clock + s.length;
        this.add(s.id.client, { clock: s.id.clock + offset, end, item: null, parent: null, parentSub: null });
      }
      return;
    }
    // Yjs looks these up even for a struct it already has (and throws when they do not exist).
    const left = s.origin !== null ? this.find(s.origin) : null;
    const right = s.rightOrigin !== null ? this.find(s.rightOrigin) : null;
    const raw: unknown = s.parent;
    let parent: Parent | null = null;
    let parentSub = s.parentSub;
    if ((left !== null && isGc(left)) || (right !== null && isGc(right))) parent = null;
    else if (raw === null) {
      const from = (left ?? right) as Y.Item | Added | null;
      if (from !== null) {
        parent = from instanceof Y.Item ? storeParent(from) : from.parent;
        parentSub = from.parentSub;
      }
    } else if (typeof raw === 'string') parent = { root: raw };
    else if (raw instanceof Y.ID) parent = typeParent(this.find(raw));
    else throw new Unattributable();
    if (!integrates) return;
    const added = this.add(s.id.client, {
      clock: s.id.clock + offset,
      end: s.id.clock + s.length,
      item: s,
      parent,
      parentSub,
    });
    if (parent === null) return;
    // Yjs places the item right of its origin (of the preceding clock when it skips a known prefix).
    if (offset > 0) this.successors.add(idKey(s.id.client, s.id.clock + offset - 1));
    else if (s.origin !== null) this.successors.add(idKey(s.origin.client, s.origin.clock));
    this.attribute(added);
  }

  private add(client: number, a: Pick<Added, 'clock' | 'end' | 'item' | 'parent' | 'parentSub'>): Added {
    const added: Added = { ...a, ann: null, tierWritten: false, gone: false, tierField: false };
    let list = this.added.get(client);
    if (list === undefined) this.added.set(client, (list = []));
    list.push(added);
    this.state.set(client, added.end);
    return added;
  }

  /** Adds the tiers an integrated item touches. */
  private attribute(a: Added): void {
    const p = a.parent as Parent;
    let holder: Y.Item | Added;
    if ('added' in p) {
      holder = p.added;
      a.ann = p.added.ann;
    } else {
      const type = 'type' in p ? p.type : null;
      if ('root' in p || (type as YType)._item === null) {
        const inAnnotations = 'root' in p ? p.root === LAYER_ANNOTATIONS : type === this.annotations;
        if (!inAnnotations) return; // another root, e.g. `meta`
        // An entry of `annotations`: a new annotation (or junk). A list item there has no id.
        if (a.parentSub === null) throw new Unattributable();
        a.ann = a;
        a.gone = (a.item as Y.Item).content instanceof Y.ContentDeleted;
        this.entries.push(a);
        // Becoming the entry's value deletes the annotation currently stored under the same id.
        const live = this.annotations?._map.get(a.parentSub);
        if (live !== undefined && !live.deleted) this.touched.add(this.tier(live));
        return;
      }
      const t = type as YType;
      holder = t._item as Y.Item;
      a.ann = this.annOfType(t);
    }
    const ann = a.ann;
    if (ann === null) return;
    if (ann instanceof Y.Item) this.touched.add(this.tier(ann));
    if (holder === ann && a.parentSub === 'tierId') {
      // A write of the annotation's tier: the new tier is touched too.
      a.tierField = true;
      const value = tierValue((a.item as Y.Item).content);
      if (value === null) this.tierless.push({ entry: ann, last: idKey((a.item as Y.Item).id.client, a.end - 1) });
      else {
        this.touched.add(value);
        if (!(ann instanceof Y.Item)) ann.tierWritten = true;
      }
    }
  }

  /** The struct holding `id`: in the store, or integrated earlier from the update. */
  private find(id: Y.ID): Found {
    const structs = this.store.clients.get(id.client);
    if (structs !== undefined && id.clock < Y.getState(this.store, id.client))
      return structs[Y.findIndexSS(structs, id.clock)];
    const list = this.added.get(id.client);
    if (list !== undefined && id.clock < this.current(id.client)) {
      const a = list[this.indexAdded(list, id.clock)];
      if (a !== undefined && a.clock <= id.clock && id.clock < a.end) return a;
    }
    throw new Unattributable();
  }

  /** Index of the first added struct ending after `clock` (binary search; the list is in clock order). */
  private indexAdded(list: Added[], clock: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].end <= clock) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The annotation entry that the content of a (non-root) store type belongs to. */
  private annOfType(type: YType): Y.Item | null {
    const path: YType[] = [];
    let t = type;
    let result: Y.Item | null;
    for (;;) {
      const memo = this.typeAnn.get(t);
      if (memo !== undefined) {
        result = memo;
        break;
      }
      const item = t._item;
      if (item === null) throw new Unattributable();
      path.push(t);
      const p: unknown = item.parent;
      if (!(p instanceof Y.AbstractType)) throw new Unattributable();
      if (p._item === null) {
        result = p === this.annotations ? entry(item) : null;
        break;
      }
      t = p;
    }
    for (const x of path) this.typeAnn.set(x, result);
    return result;
  }

  /** The annotation entry a store item belongs to (itself when it is an entry). */
  private annOfItem(item: Y.Item): Y.Item | null {
    const p: unknown = item.parent;
    if (!(p instanceof Y.AbstractType)) throw new Unattributable();
    if (p._item !== null) return this.annOfType(p);
    return p === this.annotations ? entry(item) : null;
  }

  /** Current tier of an existing annotation entry (`''` when it has none). */
  private tier(ann: Y.Item): string {
    let tier = this.tiers.get(ann);
    if (tier === undefined) {
      const field = ann.content instanceof Y.ContentType ? ann.content.type._map.get('tierId') : undefined;
      // A deleted annotation keeps its last tier (writes into it are no-ops but stay attributed).
      tier = field === undefined || (field.deleted && !ann.deleted) ? NO_TIER : (tierValue(field.content) ?? NO_TIER);
      this.tiers.set(ann, tier);
    }
    return tier;
  }

  /** Mirrors `readAndApplyDeleteSet` (run after the structs): deletes of live store items touch their annotation. */
  private applyDeletes(ds: ReturnType<typeof Y.decodeUpdate>['ds']): void {
    for (const [client, ranges] of ds.clients) {
      const storeState = Y.getState(this.store, client);
      const after = this.current(client);
      const structs = this.store.clients.get(client);
      for (const { clock, len } of ranges) {
        const end = clock + len;
        // Clocks the document will not have: Yjs keeps the delete pending and applies it later, unchecked.
        // That includes an empty range at or past the state (a v1 update can encode length 0), which
        // Yjs even fails to re-encode as pending ("Unexpected case", after integrating the structs).
        if (end > after || clock >= after) throw new Unattributable();
        // An empty range below the state deletes nothing.
        if (len <= 0) continue;
        const upto = Math.min(end, storeState);
        if (structs !== undefined && clock < upto)
          for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i].id.clock < upto; i++) {
            const s = structs[i];
            if (s instanceof Y.Item && !s.deleted) this.deleteStored(s);
          }
        // Structs the update itself adds were attributed when integrated; what matters is which go away.
        if (end > storeState) this.deleteAdded(client, Math.max(clock, storeState), end);
      }
    }
  }

  private deleteStored(s: Y.Item): void {
    const ann = this.annOfItem(s);
    if (ann === null) return;
    this.touched.add(this.tier(ann));
    if (ann === s) this.deletedEntries.add(s);
    else if (s.parentSub === 'tierId' && (s.parent as YType)._item === ann)
      this.tierless.push({ entry: ann, last: idKey(s.id.client, s.id.clock + s.length - 1) });
  }

  private deleteAdded(client: number, clock: number, end: number): void {
    const list = this.added.get(client) ?? [];
    for (let i = this.indexAdded(list, clock); i < list.length && list[i].clock < end; i++) {
      const a = list[i];
      if (a.ann === a) a.gone = true;
      else if (a.tierField && a.ann !== null) this.tierless.push({ entry: a.ann, last: idKey(client, a.end - 1) });
    }
  }

  /** Refuses an update that would release what the document holds as pending (never checked). */
  private checkPending(): void {
    const pending = this.store.pendingStructs;
    if (pending !== null)
      for (const [client, clock] of pending.missing) if (clock < this.current(client)) throw new Unattributable();
    if (this.store.pendingDs !== null) {
      for (const [client, ranges] of Y.decodeUpdateV2(this.store.pendingDs).ds.clients) {
        const from = Y.getState(this.store, client);
        const to = this.current(client);
        for (const { clock, len } of ranges)
          if (len > 0 && clock < to && clock + len > from) throw new Unattributable();
      }
    }
  }
}

/**
 * The update's structs per client, in order. A client in several groups (Yjs keeps only the last) is
 * refused, and so is a struct of length 0 (e.g. an empty `ContentAny`, which no Yjs client writes):
 * Yjs would integrate it as a second struct at the clock of the next one, a store it later fails on
 * ("Unexpected case" when a delete garbage-collects the type holding it).
 */
function groupByClient(structs: Struct[]): Map<number, { i: number; refs: Struct[] }> {
  const groups = new Map<number, { i: number; refs: Struct[] }>();
  let refs: Struct[] = [];
  let last: Struct | null = null;
  for (const s of structs) {
    if (!(s.length > 0)) throw new Unattributable();
    if (last === null || s.id.client !== last.id.client) {
      if (groups.has(s.id.client)) throw new Unattributable();
      refs = [];
      groups.set(s.id.client, { i: 0, refs });
    } else if (s.id.clock !== last.id.clock + last.length) throw new Unattributable();
    refs.push(s);
    last = s;
  }
  return groups;
}

function isGc(f: Found): boolean {
  if (f instanceof Y.GC) return true;
  if (f instanceof Y.Item) return false;
  return f.parent === null;
}

function storeParent(item: Y.Item): Parent | null {
  const p: unknown = item.parent;
  return p instanceof Y.AbstractType ? { type: p } : null;
}

/** The type a parent id designates, or null when Yjs would drop the child (GC, or not a type). */
function typeParent(f: Found): Parent | null {
  if (f instanceof Y.GC) return null;
  if (f instanceof Y.Item) return f.content instanceof Y.ContentType ? { type: f.content.type } : null;
  return f.parent !== null && f.item !== null && f.item.content instanceof Y.ContentType ? { added: f } : null;
}

function idKey(client: number, clock: number): string {
  return `${client}:${clock}`;
}

/** An item directly in `annotations` is an annotation entry only under a key. */
function entry(item: Y.Item): Y.Item {
  if (item.parentSub === null) throw new Unattributable();
  return item;
}

/**
 * The tier id an item stores as a map value: what `Y.Map.get` would read (its last value); `''` for
 * a value that is not a string; null for no value (deleted content, e.g. a key written twice in one
 * transaction: the overwritten item travels as deleted content).
 */
function tierValue(content: Y.Item['content']): string | null {
  const values = content.getContent();
  if (values.length === 0) return null;
  const v: unknown = values[values.length - 1];
  return typeof v === 'string' ? v : NO_TIER;
}
