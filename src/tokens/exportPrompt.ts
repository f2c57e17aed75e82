/**
 * The words of the modal in front of replacing an existing export target. Pure (no vscode): the
 * host tier cannot see a modal (VS Code refuses dialogs under extension tests and answers Cancel),
 * so what it says and the order of its buttons are unit-tested here (test/unit/exportPrompt.test.ts).
 */
import * as l10n from '@vscode/l10n';
import type { SecretTarget } from '../common/secretFile';

export interface ReplacePrompt {
  message: string;
  detail: string;
  /**
   * In the order shown. VS Code focuses the first button of a modal (Enter presses it), so the
   * first is always harmless: choosing another file. Cancel is added by VS Code.
   */
  buttons: readonly [chooseAnother: string, replace: string];
}

/** The prompt for an existing file or link; undefined when nothing is there to replace. */
export function replacePrompt(t: SecretTarget): ReplacePrompt | undefined {
  if (t.kind === 'absent') return undefined;
  const another = l10n.t('Choose Another File…');
  if (t.kind === 'symlink') {
    const real = t.linkTarget ?? '?';
    return {
      message: t.dangling ? l10n.t('{0} is a symbolic link to {1}, which does not exist.', t.path, real) : l10n.t('{0} is a symbolic link to {1}.', t.path, real),
      detail: l10n.t(
        'Exporting never writes through a link: Replace Link puts a new file readable only by you in place of the link, and {0} is not changed. To write the kubeconfig there, choose that path.',
        real,
      ),
      buttons: [another, l10n.t('Replace Link')],
    };
  }
  const owner = t.foreignOwner !== undefined ? ' ' + l10n.t('It belongs to another user (uid {0}); the new file will belong to you and be readable only by you.', t.foreignOwner) : '';
  return { message: l10n.t('{0} exists. Overwrite it?', t.path), detail: l10n.t('Its current content is lost.') + owner, buttons: [another, l10n.t('Overwrite')] };
}
