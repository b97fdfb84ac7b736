/** What the record screens (customers, catalogue items) have in common: the kind, a record, a mutation. */
export type RecordKind = "customers" | "items";

export interface NamedRecord {
  id: string;
  name: string;
}

/** What a form or a confirm step needs of a mutation. */
export interface Mutation<V, R> {
  mutate: (variables: V, options: { onSuccess: (result: R) => void }) => void;
  isPending: boolean;
  error: unknown;
}
