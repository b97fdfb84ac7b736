/**
 * Catches what a screen throws while rendering (most often its code chunk failing to load: the network went
 * away, or Folio was updated while the dashboard was open and the old chunk is gone) so the frame and its
 * navigation stay and the user is told what to do, instead of a blank frame. Keyed by the view, so moving to
 * another screen starts afresh.
 */
import { Component, type ReactNode } from "react";
import { useI18n } from "../i18n";

function ScreenFailed() {
  const { t } = useI18n();
  return (
    <div role="alert" className="state state-error">
      <p>{t("error.screenLoad")}</p>
      <button type="button" className="button" onClick={() => location.reload()}>
        {t("app.retry")}
      </button>
    </div>
  );
}

export class ScreenBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  componentDidCatch(error: unknown): void {
    console.error("a dashboard screen failed", error);
  }

  render(): ReactNode {
    return this.state.failed ? <ScreenFailed /> : this.props.children;
  }
}
