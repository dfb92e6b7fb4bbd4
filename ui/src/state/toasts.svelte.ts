export type ToastKind = "success" | "error" | "info";

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

/** How long a toast stays; errors stay longer, and every toast can be dismissed sooner. */
const lifetimeMs: Record<ToastKind, number> = { success: 4000, info: 5000, error: 8000 };

/** Short messages shown in a corner (and announced to screen readers), which go away by themselves. */
class Toasts {
  items = $state<Toast[]>([]);
  #nextId = 1;

  success(message: string): void {
    this.#add("success", message);
  }

  info(message: string): void {
    this.#add("info", message);
  }

  error(message: string): void {
    this.#add("error", message);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }

  clear(): void {
    this.items = [];
  }

  #add(kind: ToastKind, message: string): void {
    // the same message twice in a row shows once
    if (this.items.some((t) => t.kind === kind && t.message === message)) return;
    const id = this.#nextId++;
    this.items = [...this.items, { id, kind, message }];
    setTimeout(() => this.dismiss(id), lifetimeMs[kind]);
  }
}

export const toasts = new Toasts();
