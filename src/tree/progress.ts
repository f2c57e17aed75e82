import * as vscode from 'vscode';

/** After this long, a tree load also shows a notification with a Cancel button. */
const NOTIFY_AFTER_MS = 2000;

/**
 * Runs a tree load with the view's progress bar. View progress cannot be cancelled by the user,
 * so a load that is still running after two seconds (a slow or unreachable cluster) also gets a
 * cancellable notification; cancelling aborts `controller`, which aborts the HTTP requests.
 */
export async function withTreeProgress<T>(viewId: string, title: string, controller: AbortController, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  let done = false;
  const running = work(controller.signal).finally(() => {
    done = true;
  });
  const settled = running.then(
    () => undefined,
    () => undefined,
  );
  void vscode.window.withProgress({ location: { viewId } }, () => settled);
  const timer = setTimeout(() => {
    if (done) return;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      const sub = token.onCancellationRequested(() => controller.abort());
      return settled.finally(() => sub.dispose());
    });
  }, NOTIFY_AFTER_MS);
  try {
    return await running;
  } finally {
    clearTimeout(timer);
  }
}
