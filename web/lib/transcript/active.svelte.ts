/**
 * Which one key (a segment id) is "active", readable per key: `is(id)` depends only on that key's
 * flag, so moving the active mark from one row to the next re-renders those two rows, not every
 * row of a long transcript (as reading one shared `activeId` would).
 *
 * Flags must be created by `ensure` outside the reactions that read them (Svelte does not track a
 * signal in the reaction that created it); a key read before `ensure` falls back to a shared
 * version signal, which is correct but not fine-grained.
 */
import { untrack } from 'svelte';

export class ActiveKey {
  // The map itself is not reactive on purpose: each flag in it is.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #flags = new Map<string, { on: boolean }>();
  #current: string | null = null;
  #version = $state(0);

  /** Creates the flags of new keys (call from an effect or event handler, before rows read). */
  ensure(keys: Iterable<string>): void {
    for (const key of keys) {
      if (this.#flags.has(key)) continue;
      const flag = $state({ on: key === this.#current });
      this.#flags.set(key, flag);
    }
  }

  /** True when `key` is the active one (reactive, per key once ensured). */
  is(key: string): boolean {
    const flag = this.#flags.get(key);
    if (flag !== undefined) return flag.on;
    void this.#version;
    return key === this.#current;
  }

  get current(): string | null {
    return this.#current;
  }

  set current(key: string | null) {
    if (key === this.#current) return;
    const prev = this.#current;
    this.#current = key;
    if (prev !== null) {
      const f = this.#flags.get(prev);
      if (f !== undefined) f.on = false;
    }
    if (key !== null) {
      const f = this.#flags.get(key);
      if (f !== undefined) f.on = true;
    }
    this.#version = untrack(() => this.#version) + 1;
  }
}
