/** The create or edit form of a record (customer, catalogue item). */
import type { FormEvent, ReactNode } from "react";
import { useI18n } from "../i18n";
import { FieldErrors } from "./FieldErrors";
import { FormButtons } from "./FormButtons";
import type { Mutation, NamedRecord, RecordKind } from "./records";
import { toast } from "./toast";

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
