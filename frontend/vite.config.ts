import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The BFF serves dist/ under /static/ and finds the entry through dist/.vite/manifest.json ("index.html").
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
    proxy: {
      "/embed/session": folio,
      "/embed/api": folio,
    },
  },
});
