/** White-label theming through CSS variables on :root (set first by the shell from the entity's branding). */
export interface Theme {
  primary_color?: string | null;
}

const COLOR = /^#[0-9a-fA-F]{3,8}$/;

export function applyTheme(theme: Theme): void {
  const color = theme.primary_color;
  if (color && COLOR.test(color)) document.documentElement.style.setProperty("--folio-primary", color);
}

export function currentPrimary(): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue("--folio-primary").trim();
  return COLOR.test(value) && value.length === 7 ? value : "#2563eb";
}
