/**
 * Where an exported kubeconfig goes: the save dialog, the refusals and confirmations in front of
 * the write, and the write itself as a secret file (src/common/secretFile.ts). The modal
 * (exportPrompt.ts) offers a harmless action first (VS Code focuses the first button, so Enter never
 * replaces anything) and names what is really at the chosen path: the real path of a link, another
 * user's file.
 */
import * as vscode from 'vscode';
import { inspectSecretTarget, refusalOf, SecretFileError, writeSecretFile, type SecretTarget } from '../common/secretFile';
import { replacePrompt } from './exportPrompt';

export type ExportOutcome = { status: 'exported'; path: string; context: string; caSource: 'kubeconfig' | 'caFile' | 'configMap' | 'none' | 'insecure' } | { status: 'cancelled' } | { status: 'failed'; message: string };

type Answer = 'replace' | 'chooseAnother' | 'cancel';

/**
 * The modal in front of replacing an existing file or link. `overwrite` (from the command's
 * arguments) answers it for callers that asked already.
 */
async function confirmReplace(t: SecretTarget, overwrite: boolean | undefined): Promise<Answer> {
  const prompt = replacePrompt(t);
  if (!prompt) return 'replace';
  if (overwrite !== undefined) return overwrite ? 'replace' : 'cancel';
  const [another, replace] = prompt.buttons;
  // A modal that cannot be shown (VS Code refuses dialogs under extension tests) answers no.
  const choice = await vscode.window.showWarningMessage(prompt.message, { modal: true, detail: prompt.detail }, another, replace).then(
    (c) => c,
    () => undefined,
  );
  return choice === replace ? 'replace' : choice === another ? 'chooseAnother' : 'cancel';
}

export interface KubeconfigFileRequest {
  /** The path given by the caller; without it, a save dialog asks. */
  file?: string;
  overwrite?: boolean;
  title: string;
  defaultFile: string;
}

/** Asks where (unless given), refuses what must not be written to, confirms a replacement, writes. */
export async function writeKubeconfigFile(text: string, req: KubeconfigFileRequest): Promise<{ notWritten: ExportOutcome } | { written: SecretTarget }> {
  const failed = (message: string): { notWritten: ExportOutcome } => {
    void vscode.window.showErrorMessage(message);
    return { notWritten: { status: 'failed', message } };
  };
  let file = req.file;
  for (;;) {
    if (!file) {
      const uri = await vscode.window.showSaveDialog({ title: req.title, defaultUri: vscode.Uri.file(req.defaultFile), saveLabel: vscode.l10n.t('Export') });
      if (!uri) return { notWritten: { status: 'cancelled' } };
      file = uri.fsPath;
    }
    const t = await inspectSecretTarget(file);
    const refusal = refusalOf(t);
    if (refusal) return failed(refusal.message);
    const answer = await confirmReplace(t, req.overwrite);
    if (answer === 'cancel') return { notWritten: { status: 'cancelled' } };
    if (answer === 'chooseAnother') {
      file = undefined;
      continue;
    }
    try {
      await writeSecretFile(t, text);
    } catch (e) {
      if (e instanceof SecretFileError) return failed(e.message);
      throw e;
    }
    return { written: t };
  }
}
