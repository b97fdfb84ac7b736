/** The shell's boot configuration, rendered by the BFF into `<script id="folio-config" type="application/json">`. */
export interface Branding {
  primary_color?: string | null;
  logo_url?: string | null;
}

export interface ShellConfig {
  mode: "embed" | "app";
  apiBase: string;
  sessionUrl: string;
  /** App mode only: where a teammate asks for a sign-in link, and where they sign out. */
  signInUrl?: string;
  signOutUrl?: string;
  locale: string;
  branding: Branding;
  entityName?: string;
  view?: string;
}

const DEFAULTS: ShellConfig = {
  mode: "embed",
  apiBase: "/embed/api/v1",
  sessionUrl: "/embed/session",
  locale: "en",
  branding: {},
};

export function readConfig(doc: Document = document): ShellConfig {
  const el = doc.getElementById("folio-config");
  if (!el?.textContent) return DEFAULTS;
  try {
    return { ...DEFAULTS, ...(JSON.parse(el.textContent) as Partial<ShellConfig>) };
  } catch {
    return DEFAULTS;
  }
}

export const config = readConfig();

/** The standalone dashboard at `/app` (first-party cookie session), as opposed to the iframe at `/embed`. */
export const isAppMode = (): boolean => config.mode === "app";
