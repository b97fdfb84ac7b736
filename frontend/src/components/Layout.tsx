/** The dashboard frame: the entity's logo and name, the main navigation, the toasts. On a narrow screen the
 * navigation is one row that scrolls sideways (styles.css), kept scrolled to the current section. */
import { type ReactNode, useLayoutEffect, useRef } from "react";
import { config, isAppMode } from "../embed/config";
import { can, useSession } from "../embed/session";
import { type MessageKey, useI18n } from "../i18n";
import { hrefFor, navigate, useLocation } from "../router";
import { Account } from "./Account";
import { Toasts } from "./Toasts";

const SECTIONS: { view: string; label: MessageKey; match: (v: string) => boolean; permission?: string }[] = [
  { view: "home", label: "nav.home", match: (v) => v === "home" },
  { view: "invoices", label: "nav.invoices", match: (v) => v === "invoices" || v.startsWith("invoice/") },
  { view: "advances", label: "nav.advances", match: (v) => v === "advances" || v.startsWith("advance/") },
  { view: "estimates", label: "nav.estimates", match: (v) => v === "estimates" || v.startsWith("estimate/") },
  { view: "recurring", label: "nav.recurring", match: (v) => v === "recurring" || v.startsWith("recurring/") },
  { view: "customers", label: "nav.customers", match: (v) => v === "customers" },
  { view: "items", label: "nav.items", match: (v) => v === "items" },
  { view: "reports", label: "nav.reports", match: (v) => v === "reports", permission: "reports:read" },
  { view: "exports", label: "nav.exports", match: (v) => v === "exports", permission: "exports:create" },
  { view: "settings", label: "nav.settings", match: (v) => v === "settings" },
  { view: "team", label: "nav.team", match: (v) => v === "team", permission: "team:read" },
  { view: "audit", label: "nav.audit", match: (v) => v === "audit", permission: "audit:read" },
];

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { view } = useLocation();
  const session = useSession();
  const name = session?.entity.name ?? config.entityName ?? "";
  const logo = config.branding.logo_url;
  const tabs = useRef<HTMLUListElement>(null);
  // bring the current section into the tab row's view (by its own scroll: scrollIntoView would move the host page)
  useLayoutEffect(() => {
    const list = tabs.current;
    const current = list?.querySelector<HTMLElement>('[aria-current="page"]');
    if (!list || !current || list.scrollWidth <= list.clientWidth) return;
    const left = current.offsetLeft; // the list is positioned: offsets are within it
    if (left < list.scrollLeft || left + current.offsetWidth > list.scrollLeft + list.clientWidth)
      list.scrollLeft = left - (list.clientWidth - current.offsetWidth) / 2;
  }, [view]);
  // say which way the row runs on past the screen (styles.css fades that edge)
  useLayoutEffect(() => {
    const list = tabs.current;
    if (!list) return;
    const update = () => {
      const left = list.scrollLeft > 1;
      const right = list.scrollLeft + list.clientWidth < list.scrollWidth - 1;
      list.dataset.more = [left && "left", right && "right"].filter(Boolean).join(" ");
    };
    update();
    list.addEventListener("scroll", update, { passive: true });
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(update);
    observer?.observe(list);
    return () => {
      list.removeEventListener("scroll", update);
      observer?.disconnect();
    };
  }, []);
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          {logo && <img src={logo} alt="" className="brand-logo" />}
          <span className="brand-name">{name}</span>
        </div>
        <nav aria-label={t("nav.label")}>
          <ul className="tabs" ref={tabs}>
            {SECTIONS.filter((s) => !s.permission || can(s.permission)).map((s) => (
              <li key={s.view}>
                <a
                  href={hrefFor(s.view)}
                  aria-current={s.match(view) ? "page" : undefined}
                  onClick={(e) => {
                    if (e.metaKey || e.ctrlKey || e.shiftKey) return;
                    e.preventDefault();
                    navigate(s.view);
                  }}
                >
                  {t(s.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {isAppMode() && <Account email={session?.user.email ?? ""} />}
      </header>
      <main className="content">{children}</main>
      <Toasts />
    </div>
  );
}
