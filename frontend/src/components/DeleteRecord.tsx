/** A record's delete confirmation, and the delete. */
import { useI18n } from "../i18n";
import { ConfirmDelete } from "./ConfirmDelete";
import type { Mutation, NamedRecord, RecordKind } from "./records";
import { toast } from "./toast";

export function DeleteRecord<T extends NamedRecord>({
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
