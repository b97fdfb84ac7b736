/** The toast queue: short messages shown by `<Toasts>` (info ones leave by themselves after six seconds). */
export interface Toast {
  id: number;
  kind: "info" | "error";
  text: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function toast(text: string, kind: Toast["kind"] = "info"): void {
  if (toasts.some((t) => t.text === text && t.kind === kind)) return;
  const id = nextId++;
  toasts = [...toasts, { id, kind, text }];
  emit();
  if (kind === "info") setTimeout(() => dismiss(id), 6000);
}

export function dismiss(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export const snapshot = (): readonly Toast[] => toasts;
