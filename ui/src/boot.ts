// Start-up: settings and language, the four screens, dropped files, then the tokens (with the
// demo token when none is plugged in). `window.__kysoReadyMs` marks the first interactive screen.

import { App } from "./app";
import { startFrameMonitor } from "./frames";
import { errorText } from "./i18n";
import { CheckScreen } from "./screens/check";
import { HistoryScreen } from "./screens/history";
import { SettingsScreen } from "./screens/settings";
import { SignScreen } from "./screens/sign";

export async function boot(root: HTMLElement): Promise<App | null> {
  startFrameMonitor();
  const app = new App(root);
  try {
    await app.start();
  } catch (e) {
    root.textContent = errorText(e);
    return null;
  }
  app.add(new SignScreen(app));
  app.add(new CheckScreen(app));
  app.add(new HistoryScreen(app));
  app.add(new SettingsScreen(app));
  app.go("sign");
  window.__kysoReadyMs = performance.now();
  try {
    const { getCurrentWebview } = await import("@tauri-apps/api/webview");
    await getCurrentWebview().onDragDropEvent((event) => {
      if (event.payload.type === "drop") app.drop(event.payload.paths);
    });
  } catch {
    // Not inside Tauri (unit tests): no native drops.
  }
  await app.tokensAtStart();
  return app;
}
