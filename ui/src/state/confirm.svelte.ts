export interface ConfirmOptions {
  /** The question, which is also the dialog's accessible name. */
  title: string;
  /** More about what will happen. */
  message?: string;
  /** The confirming button's text ("Confirm" by default). */
  confirmLabel?: string;
  /** A destructive action: the confirming button is red and the cancel button has the focus. */
  danger?: boolean;
}

interface PendingConfirm extends ConfirmOptions {
  resolve(answer: boolean): void;
}

/** The one confirmation dialog; ConfirmDialog.svelte (mounted once by App.svelte) shows it. */
class ConfirmState {
  pending = $state<PendingConfirm | null>(null);

  ask(options: ConfirmOptions): Promise<boolean> {
    this.pending?.resolve(false);
    return new Promise((resolve) => {
      this.pending = { ...options, resolve };
    });
  }

  answer(yes: boolean): void {
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(yes);
  }
}

export const confirmState = new ConfirmState();

/** confirm asks the user to confirm an action: true when they did, false when they cancelled. */
export function confirm(options: ConfirmOptions): Promise<boolean> {
  return confirmState.ask(options);
}
