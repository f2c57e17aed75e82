// A stand-in for the `vscode` module, used ONLY by the activation benchmark to time require() +
// activate() of a bundle in plain Node. Every API is a recursive no-op proxy; nothing is asserted
// about behaviour (the extension-host suite tests behaviour in a real VS Code).
'use strict';
const noop = () => undefined;
function deep(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a thenable
      if (prop === 'dispose') return noop;
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'event') return () => ({ dispose: noop });
      return deep(`${name}.${String(prop)}`);
    },
    // Assignments (e.g. `statusBarItem.name = …`) are accepted and forgotten.
    set() {
      return true;
    },
    apply() {
      return deep(`${name}()`);
    },
    construct() {
      return deep(`new ${name}`);
    },
  });
}
// esbuild's ESM interop copies the module's own keys, so the top-level names must be real keys.
const names = ['window', 'workspace', 'commands', 'languages', 'env', 'extensions', 'debug', 'tasks', 'authentication', 'tests', 'chat', 'lm',
  'Uri', 'Range', 'Position', 'Selection', 'Location', 'Diagnostic', 'DiagnosticSeverity', 'Hover', 'MarkdownString', 'CodeLens', 'CodeAction',
  'CodeActionKind', 'WorkspaceEdit', 'TextEdit', 'ThemeIcon', 'ThemeColor', 'TreeItem', 'TreeItemCollapsibleState', 'StatusBarAlignment',
  'ConfigurationTarget', 'ViewColumn', 'ProgressLocation', 'RelativePattern', 'CancellationError', 'CancellationTokenSource', 'FileType',
  'QuickPickItemKind', 'DiagnosticTag', 'SnippetString', 'CompletionItem', 'CompletionItemKind', 'TreeItemCheckboxState', 'UIKind'];
const shim = {
  l10n: { bundle: undefined, t: (m, ...a) => (typeof m === 'string' ? m.replace(/\{(\d+)\}/g, (_, i) => String(a[i])) : m.message) },
  EventEmitter: class {
    constructor() {
      this.event = () => ({ dispose: noop });
    }
    fire() {}
    dispose() {}
  },
  Disposable: class {
    static from() {
      return { dispose: noop };
    }
    constructor(f) {
      this.dispose = f;
    }
  },
};
for (const n of names) shim[n] = deep(`vscode.${n}`);
module.exports = shim;
