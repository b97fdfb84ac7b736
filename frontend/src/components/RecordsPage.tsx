/** A searchable list of records (customers, catalogue items) with create, and per row edit and delete for those who may write them. */
import type { UseQueryResult } from "@tanstack/react-query";
import { Fragment, type ReactNode, useState } from "react";
import { useI18n } from "../i18n";
import { navigate } from "../router";
import { DeleteRecord } from "./DeleteRecord";
import { QueryResult } from "./QueryResult";
import type { Mutation, NamedRecord, RecordKind } from "./records";
import { type RowAction, RowActions } from "./RowActions";

export function RecordsPage<T extends NamedRecord>({
  kind,
  search,
  query,
  writer,
  columns,
  cells,
  form,
  useDelete,
}: {
  kind: RecordKind;
  search: string;
  query: UseQueryResult<{ data: T[] }>;
  writer: boolean;
  /** the column headers (`num` for a right-aligned number), without the actions column */
  columns: { label: string; num?: boolean }[];
  cells: (record: T) => ReactNode;
  /** the create form (no `record`) or a record's edit form */
  form: (record: T | undefined, onDone: () => void) => ReactNode;
  useDelete: () => Mutation<string, unknown>;
}) {
  const { t } = useI18n();
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<{ id: string; what: RowAction } | null>(null);

  return (
    <section aria-labelledby={`${kind}-title`}>
      <div className="page-head">
        <h1 id={`${kind}-title`}>{t(`${kind}.title`)}</h1>
        {writer && (
          <button type="button" className="button primary" aria-expanded={creating} onClick={() => setCreating((c) => !c)}>
            {t(`${kind}.new`)}
          </button>
        )}
      </div>
      {creating && writer && form(undefined, () => setCreating(false))}
      <form
        role="search"
        className="filters"
        key={search}
        onSubmit={(e) => {
          e.preventDefault();
          navigate(kind, { search: String(new FormData(e.currentTarget).get("search") ?? "").trim() });
        }}
      >
        <label className="grow">
          {t(`${kind}.searchLabel`)}
          <input type="search" name="search" defaultValue={search} />
        </label>
        <button type="submit" className="button">
          {t("common.search")}
        </button>
      </form>
      <QueryResult query={query} isEmpty={(data) => data.data.length === 0} empty={t(`${kind}.empty`)}>
        {(data) => (
          <table className="table" aria-label={t(`${kind}.list`)}>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column.label} scope="col" className={column.num ? "num" : undefined}>
                    {column.label}
                  </th>
                ))}
                {writer && (
                  <th scope="col">
                    <span className="sr-only">{t("invoice.actions")}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {data.data.map((record) => (
                <Fragment key={record.id}>
                  <tr>
                    {cells(record)}
                    {writer && (
                      <td className="nowrap">
                        <RowActions
                          name={record.name}
                          open={open?.id === record.id ? open.what : null}
                          onOpen={(what) => setOpen(what && { id: record.id, what })}
                        />
                      </td>
                    )}
                  </tr>
                  {writer && open?.id === record.id && (
                    <tr className="row-panel">
                      <td colSpan={columns.length + 1}>
                        {open.what === "edit" ? (
                          form(record, () => setOpen(null))
                        ) : (
                          <DeleteRecord kind={kind} record={record} useDelete={useDelete} onDone={() => setOpen(null)} />
                        )}
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
      </QueryResult>
    </section>
  );
}
