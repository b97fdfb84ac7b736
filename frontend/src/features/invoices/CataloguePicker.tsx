/** Add a line from the catalogue: the server searches the items as you type. */
import { useState } from "react";
import type { Item } from "../../api/client";
import { Combobox } from "../../components/Combobox";
import { useDebounced } from "../../hooks/useDebounced";
import { useI18n } from "../../i18n";
import { useItemMatches } from "../items/api";

export function CataloguePicker({ onPick }: { onPick: (item: Item) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const search = useDebounced(text.trim());
  const [opened, setOpened] = useState(false);
  const matches = useItemMatches(search, opened);
  // only what the server found for the text as it is now (not the previous search's, kept while this one runs)
  const settled = search === text.trim() && matches.isSuccess && !matches.isPlaceholderData;
  const items = settled ? matches.data.data : [];
  return (
    <Combobox
      label={t("editor.fromCatalogue")}
      text={text}
      onTextChange={setText}
      options={items.map((item) => ({ id: item.id, label: item.name }))}
      searching={!settled && !matches.isError}
      error={matches.isError ? matches.error : undefined}
      onOpen={() => setOpened(true)}
      onPick={(option) => {
        const item = items.find((x) => x.id === option.id);
        if (item) onPick(item);
        setText("");
      }}
    />
  );
}
