/** The empty state of a list or section. */
import type { ReactNode } from "react";

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}
