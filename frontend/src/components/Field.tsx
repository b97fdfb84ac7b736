/** A labelled input with its field error (a 422's `errors[].field`) right under it. */
import { type InputHTMLAttributes, useId } from "react";
import { fieldError } from "./fieldErrors";

/** A labelled input with its field error (a 422's `errors[].field`) right under it. */
export function Field({
  label,
  name,
  error,
  grow,
  ...input
}: { label: string; name: string; error: unknown; grow?: boolean } & Omit<InputHTMLAttributes<HTMLInputElement>, "name">) {
  const id = useId();
  const message = fieldError(error, name);
  return (
    <div className={grow ? "field grow" : "field"}>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={message ? true : undefined} aria-describedby={message ? `${id}-error` : undefined} {...input} />
      {message && (
        <span id={`${id}-error`} className="hint error">
          {message}
        </span>
      )}
    </div>
  );
}
