import react from "@vitejs/plugin-react";
import { defineConfig, searchForWorkspaceRoot } from "vite";

// The BFF serves dist/ under /static/ and finds the entry through dist/.vite/manifest.json ("index.html").
// The UI texts are ../locales/ui/*.json (beside the server's), so the dev server may read that folder too.
// `npm run dev` proxies the session and API calls to a running `folio serve` (FOLIO_URL, default :8000).
const folio = process.env.FOLIO_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "/static/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    target: "es2022",
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
  server: {
    fs: { allow: [searchForWorkspaceRoot(process.cwd()), "../locales"] },
    proxy: {
      "/embed/session": folio,
      "/embed/api": folio,
    },
  },
});
