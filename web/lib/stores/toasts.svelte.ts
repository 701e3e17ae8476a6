/** Short-lived notifications ("Saved", "Upload failed"), announced through an aria-live region. */
export type ToastKind = 'success' | 'error' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

const MAX_VISIBLE = 3;

class Toasts {
  items = $state<Toast[]>([]);
  private next = 1;

  show(message: string, kind: ToastKind = 'info', timeoutMs = kind === 'error' ? 8000 : 4000): number {
    const id = this.next++;
    // At most a few at once: the oldest make room.
    this.items = [...this.items, { id, kind, message }].slice(-MAX_VISIBLE);
    if (timeoutMs > 0) setTimeout(() => this.dismiss(id), timeoutMs);
    return id;
  }

  success(message: string): number {
    return this.show(message, 'success');
  }

  error(message: string): number {
    return this.show(message, 'error');
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
