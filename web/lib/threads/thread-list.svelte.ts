/**
 * The threads of a task document as reactive state: re-read after each change of the threads
 * (local or remote), so the panel, the timeline strip and the tab's badge follow live.
 */
import type { TaskDoc, Thread } from '../../../shared/model/task-doc.ts';
import { countOpen } from './threads.ts';

export class ThreadList {
  threads = $state<Thread[]>([]);
  readonly open = $derived(countOpen(this.threads));

  /** Follows `doc` (null: none yet); returns the unsubscribe, for an `$effect`. */
  watch(doc: TaskDoc | null): () => void {
    if (doc === null) {
      this.threads = [];
      return () => {};
    }
    const read = () => (this.threads = doc.listThreads());
    read();
    return doc.observe((c) => {
      if (c.part === 'threads') read();
    });
  }
}
