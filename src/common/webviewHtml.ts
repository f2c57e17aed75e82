/**
 * The HTML shell of our webviews (expiry dashboard, mint result, permissions view): a CSP that allows only our stylesheet and the one script carrying
 * this load's nonce, and an empty #app the script fills. Pure, so the policy is unit-tested.
 */

export interface WebviewHtmlInput {
  /** webview.cspSource */
  cspSource: string;
  /** Fresh per load, from crypto.randomBytes. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  lang: string;
  title: string;
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return `default-src 'none'; style-src ${cspSource}; script-src 'nonce-${nonce}'; img-src ${cspSource}`;
}

export function webviewHtml(input: WebviewHtmlInput): string {
  const a = (s: string): string => escapeAttr(s);
  return `<!DOCTYPE html>
<html lang="${a(input.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(contentSecurityPolicy(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${a(input.styleUri)}">
<title>${a(input.title)}</title>
</head>
<body>
<main id="app"></main>
<script nonce="${a(input.nonce)}" src="${a(input.scriptUri)}"></script>
</body>
</html>`;
}
