/** Server state for exports (`/v1/exports`): start one, follow it while it runs, download its file. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { FIELD_ERRORS_INLINE } from "../../api/errors";
import { saveAs } from "../invoices/api";

export const EXPORT_TYPES = ["documents", "lines", "payments"] as const;
export const EXPORT_FORMATS = ["csv", "xlsx", "pdf_zip"] as const;
export type ExportStatus = "queued" | "running" | "done" | "failed";

export interface ExportFilters {
  date_from?: string;
  date_to?: string;
  status?: string;
  metadata?: Record<string, string>;
}

export interface Export {
  id: string;
  object: "export";
  type: (typeof EXPORT_TYPES)[number];
  format: (typeof EXPORT_FORMATS)[number];
  filters: ExportFilters;
  entity_id: string | null;
  status: ExportStatus;
  progress: { done: number; total: number | null };
  error: string | null;
  file: { name: string; size: number; content_type: string } | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  expires_at: string | null;
}

export interface ExportCreate {
  type: Export["type"];
  format: Export["format"];
  filters: ExportFilters;
}

/** Still being made: the list is asked again until none is. */
export const isRunning = (e: Export): boolean => e.status === "queued" || e.status === "running";
/** How often a running export is asked after (ms). */
const POLL = 1000;

// TODO(merge i14-exports): the typed paths, once openapi.json has them
type Call = (
  path: string,
  init?: { params?: { query?: Record<string, string | number>; path?: Record<string, string> }; body?: unknown; signal?: AbortSignal; parseAs?: "blob" },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const get = api.GET as unknown as Call;
const post = api.POST as unknown as Call;

/** The recent exports, newest first; asked again every second while one is queued or running. */
export function useExports() {
  return useQuery({
    queryKey: ["exports"],
    queryFn: ({ signal }) => unwrap(get("/v1/exports", { params: { query: { limit: 20 } }, signal })) as Promise<{ data: Export[]; next_cursor: string | null }>,
    refetchInterval: (query) => (query.state.data?.data.some(isRunning) ? POLL : false),
  });
}

/** Start an export (202); the list shows it at once and follows it. */
export function useStartExport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ExportCreate) => unwrap(post("/v1/exports", { body })) as Promise<Export>,
    onSuccess: (started) => {
      client.setQueryData<{ data: Export[]; next_cursor: string | null }>(["exports"], (list) =>
        list ? { ...list, data: [started, ...list.data.filter((e) => e.id !== started.id)] } : list,
      );
      void client.invalidateQueries({ queryKey: ["exports"] });
    },
    meta: FIELD_ERRORS_INLINE,
  });
}

/** Download a finished export's file (through the session, like the PDFs). */
export function useDownloadExport() {
  return useMutation({
    mutationFn: (e: Export) =>
      unwrap(get("/v1/exports/{export_id}/file", { params: { path: { export_id: e.id } }, parseAs: "blob" })) as Promise<Blob>,
    onSuccess: (blob, e) => saveAs(blob, e.file?.name ?? `${e.id}.${e.format === "pdf_zip" ? "zip" : e.format}`),
  });
}
