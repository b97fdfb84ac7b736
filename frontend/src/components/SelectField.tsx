/** A labelled select of fixed options. */
import type { ReactNode } from "react";

/** A labelled select of `options` (after any `children`, such as an "any" choice). */
export function SelectField<V extends string>({
  label,
  name,
  defaultValue,
  options,
  optionLabel,
  children,
}: {
  label: string;
  name: string;
  defaultValue: string;
  options: readonly V[];
  optionLabel: (option: V) => string;
  children?: ReactNode;
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={defaultValue}>
        {children}
        {options.map((option) => (
          <option key={option} value={option}>
            {optionLabel(option)}
          </option>
        ))}
      </select>
    </label>
  );
}
