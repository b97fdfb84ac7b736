/**
 * A searchable list of records (customers, catalogue items) with create, and per row edit and delete (with a
 * confirm step) for those who may write them; the texts are the kind's (`customers.new`, `items.deleted`, …).
 */
import type { UseQueryResult } from "@tanstack/react-query";
import { type FormEvent, Fragment, type ReactNode, useState } from "react";
import { useI18n } from "../../i18n";
import { navigate } from "../../router";
import { ConfirmDelete, type RowAction, RowActions } from "./rows";
import { toast } from "./toasts";
import { FieldErrors, FormButtons, QueryResult } from "./ui";

export type RecordKind = "customers" | "items";

interface NamedRecord {
  id: string;
  name: string;
}

/** What a form or a confirm step needs of a mutation. */
interface Mutation<V, R> {
  mutate: (variables: V, options: { onSuccess: (result: R) => void }) => void;
  isPending: boolean;
  error: unknown;
}

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

/**
 * Create a record, or edit one (`record`): `body` reads the form, `children` are its fields (given the error,
 * a 422's `errors[].field` shown next to its field; the fields in `shown` are not listed again above).
 */
export function RecordForm<T extends NamedRecord, C, U>({
  kind,
  record,
  create,
  update,
  body,
  shown,
  onDone,
  children,
}: {
  kind: RecordKind;
  record?: T;
  create: Mutation<C, T>;
  update: Mutation<U, T>;
  body: (form: FormData) => C & U;
  shown: readonly string[];
  onDone: () => void;
  children: (error: unknown) => ReactNode;
}) {
  const { t } = useI18n();
  const mutation = record ? update : create;
  const title = record ? t(`${kind}.editTitle`, { name: record.name }) : t(`${kind}.new`);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = body(new FormData(event.currentTarget));
    const done = (saved: T) => {
      toast(t(record ? `${kind}.updated` : `${kind}.created`, { name: saved.name }));
      onDone();
    };
    if (record) update.mutate(values, { onSuccess: done });
    else create.mutate(values, { onSuccess: done });
  };
  const error = mutation.error;
  return (
    <form className="panel" onSubmit={submit} aria-label={title} noValidate={!!record}>
      <h2>{title}</h2>
      <FieldErrors error={error} shown={shown} />
      <div className="grid">{children(error)}</div>
      <FormButtons label={record ? t("common.save") : t("common.create")} disabled={mutation.isPending} onCancel={onDone} />
    </form>
  );
}

function DeleteRecord<T extends NamedRecord>({
  kind,
  record,
  useDelete,
  onDone,
}: {
  kind: RecordKind;
  record: T;
  useDelete: () => Mutation<string, unknown>;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const remove = useDelete();
  return (
    <ConfirmDelete
      label={t(`${kind}.deleteTitle`, { name: record.name })}
      question={t(`${kind}.confirmDelete`, { name: record.name })}
      busy={remove.isPending}
      onCancel={onDone}
      onConfirm={() =>
        remove.mutate(record.id, {
          onSuccess: () => {
            toast(t(`${kind}.deleted`, { name: record.name }));
            onDone();
          },
        })
      }
    />
  );
}
