/**
 * An accessible confirmation dialog as a promise: `if (await confirmAction({...})) remove()`.
 * The layout renders the one ConfirmDialog that answers these requests.
 */
export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel?: string;
  /** Styles the confirm button as destructive. */
  danger?: boolean;
}

interface Pending extends ConfirmRequest {
  resolve: (ok: boolean) => void;
}

class ConfirmState {
  pending = $state<Pending | null>(null);

  ask(request: ConfirmRequest): Promise<boolean> {
    // A second request while one is open answers the first with "no".
    this.pending?.resolve(false);
    return new Promise<boolean>((resolve) => {
      this.pending = { ...request, resolve };
    });
  }

  answer(ok: boolean): void {
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(ok);
  }
}

export const confirmState = new ConfirmState();

export function confirmAction(request: ConfirmRequest): Promise<boolean> {
  return confirmState.ask(request);
}
