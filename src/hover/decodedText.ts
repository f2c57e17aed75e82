/**
 * The text of the Decode Token document: the explanation as `//` comments above the header and
 * payload as JSON (a JSONC document, highlighted and never rendered). The signature is left out,
 * so the document does not hold a usable credential. Pure.
 */
import * as l10n from '@vscode/l10n';
import type { DecodedJwt } from '../jwt/decode';
import type { Explanation } from '../jwt/explain';
import { prettyJson } from './prettyJson';

/** Nesting shown in the JSON; deeper arrays and objects become a comment (no claim Kubernetes reads is deeper than 3). */
const MAX_JSON_DEPTH = 20;

// A claim with a line break must not end its comment line and become JSON text.
// eslint-disable-next-line no-control-regex
const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');

export function decodedText(jwt: DecodedJwt, x: Explanation): string {
  const lines: string[] = [];
  const comment = (s = ''): void => {
    lines.push(s.length > 0 ? `// ${oneLine(s)}` : '//');
  };
  comment(x.headline);
  comment(x.statusText);
  comment();
  const width = Math.min(24, Math.max(0, ...x.rows.map((r) => r.label.length)));
  for (const r of x.rows) comment(`${`${r.label}:`.padEnd(width + 1)} ${r.value}`);
  for (const note of x.notes) {
    comment();
    comment(note);
  }
  comment();
  comment(l10n.t('Decoded without verifying the signature ({0} characters, not shown). Check Token Against Cluster verifies it.', jwt.signatureLength));
  const body = prettyJson({ header: jwt.header, payload: jwt.payload }, MAX_JSON_DEPTH, l10n.t('nested deeper than {0} levels: not shown', MAX_JSON_DEPTH));
  return `${lines.join('\n')}\n${body}\n`;
}
