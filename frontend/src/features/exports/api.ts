/** Server state for exports (`/v1/exports`): start one, follow it while it runs, download its file. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../api/client";
import { FIELD_ERRORS_INLINE } from "../../api/errors";
import { saveAs } from "../invoices/api";

export const EXPORT_TYPES = ["documents", "lines", "payments"] as const satisfies readonly Schemas["ExportCreate"]["type"][];
export const EXPORT_FORMATS = ["csv", "xlsx", "pdf_zip"] as const satisfies readonly Schemas["ExportOut"]["format"][];
export type Export = Schemas["ExportOut"];
export type ExportCreate = Schemas["ExportCreate"];
type ExportList = Schemas["ExportList"];

/** Still being made: the list is asked again until none is. */
export const isRunning = (e: Export): boolean => e.status === "queued" || e.status === "running";
/** How often a running export is asked after (ms). */
const POLL = 1000;

/** The recent exports, newest first; asked again every second while one is queued or running. */
export function useExports() {
  return useQuery({
    queryKey: ["exports"],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/exports", { params: { query: { limit: 20 } }, signal })),
    refetchInterval: (query) => (query.state.data?.data.some(isRunning) ? POLL : false),
  });
}

/** Start an export (202); the list shows it at once and follows it. */
export function useStartExport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ExportCreate) => unwrap(api.POST("/v1/exports", { body })),
    onSuccess: (started) => {
      client.setQueryData<ExportList>(["exports"], (list) =>
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
      unwrap(api.GET("/v1/exports/{export_id}/file", { params: { path: { export_id: e.id } }, parseAs: "blob" })),
    onSuccess: (blob, e) => saveAs(blob as Blob, e.file?.name ?? `${e.id}.${e.format === "pdf_zip" ? "zip" : e.format}`),
  });
}
