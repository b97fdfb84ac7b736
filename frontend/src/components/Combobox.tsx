/**
 * A text input that searches as you type and offers what it finds in a list below it (the ARIA combobox
 * pattern: `role="combobox"` on the input, `role="listbox"` with `role="option"` under it). Arrow keys move
 * through the options, Enter picks, Escape closes; a click picks too. The parent owns the text and the search.
 */
import { type KeyboardEvent, useId, useState } from "react";
import { describeError } from "../api/errors";
import { useI18n } from "../i18n";

export interface ComboboxOption {
  id: string;
  label: string;
  /** a second, quieter line (an e-mail address, a price) */
  hint?: string;
}

export function Combobox({
  label,
  text,
  onTextChange,
  options,
  searching,
  error,
  onPick,
  onOpen,
  className,
}: {
  label: string;
  text: string;
  onTextChange: (text: string) => void;
  options: readonly ComboboxOption[];
  searching: boolean;
  /** the search failed (said in the error policy's words) */
  error?: unknown;
  onPick: (option: ComboboxOption) => void;
  /** the list opened (the first time is when a picker starts searching) */
  onOpen?: () => void;
  className?: string;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const listId = `${id}-list`;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const current = active >= 0 && active < options.length ? active : -1;

  const show = () => {
    setOpen(true);
    onOpen?.();
  };
  const pick = (option: ComboboxOption) => {
    onPick(option);
    setOpen(false);
    setActive(-1);
  };
  const keyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const n = options.length;
      show();
      if (!n) return;
      if (event.key === "ArrowDown") setActive(current < 0 ? 0 : (current + 1) % n);
      else setActive(current < 0 ? n - 1 : (current - 1 + n) % n);
    } else if (event.key === "Enter" && open && current >= 0) {
      event.preventDefault();
      pick(options[current]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setOpen(false);
      setActive(-1);
    }
  };

  return (
    <div className={className ? `combobox ${className}` : "combobox"}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && current >= 0 ? `${id}-${current}` : undefined}
        value={text}
        onChange={(event) => {
          onTextChange(event.target.value);
          show();
          setActive(-1);
        }}
        onFocus={show}
        onBlur={() => setOpen(false)}
        onKeyDown={keyDown}
      />
      <div className="combobox-popup" hidden={!open}>
        <ul id={listId} role="listbox" aria-busy={searching}>
          {options.map((option, index) => (
            <li
              key={option.id}
              id={`${id}-${index}`}
              role="option"
              aria-selected={index === current}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(option)}
            >
              <span>{option.label}</span>
              {option.hint && <span className="muted"> {option.hint}</span>}
            </li>
          ))}
        </ul>
        {open && (error || searching || options.length === 0) && (
          <p className="combobox-status" role="status">
            {error ? describeError(error, i18n) : searching ? t("common.searching") : t("common.noMatches")}
          </p>
        )}
      </div>
    </div>
  );
}
