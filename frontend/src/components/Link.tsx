/** An in-app link: a real anchor (keyboard, middle-click) that navigates without a reload. */
import type { ReactNode } from "react";
import { hrefFor, navigate } from "../router";

/** An in-app link: a real anchor (keyboard, middle-click) that navigates without a reload. */
export function Link({ view, params, children, className }: { view: string; params?: Record<string, string | null | undefined>; children: ReactNode; className?: string }) {
  return (
    <a
      href={hrefFor(view, params)}
      className={className}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(view, params);
      }}
    >
      {children}
    </a>
  );
}
