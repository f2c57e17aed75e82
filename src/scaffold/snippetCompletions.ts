/**
 * The YAML snippets (snippets/k8s-tokens.code-snippets) as completions, offered only while the stem
 * `k8s-sa-` is being typed (src/scaffold/snippetTrigger.ts). The file is read on the first request.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { snippetTriggerAt } from './snippetTrigger';

interface SnippetEntry {
  /** The snippet's name (its key in the file): short, shown beside the prefix. */
  name: string;
  prefix: string;
  description: string;
  body: string[];
}

export class SnippetCompletions implements vscode.CompletionItemProvider {
  private entries: SnippetEntry[] | undefined;

  constructor(private readonly file: vscode.Uri) {}

  private load(): SnippetEntry[] {
    if (!this.entries) {
      const parsed = JSON.parse(fs.readFileSync(this.file.fsPath, 'utf8')) as Record<string, Omit<SnippetEntry, 'name'>>;
      this.entries = Object.entries(parsed)
        .map(([name, e]) => ({ ...e, name }))
        .filter((e) => typeof e.prefix === 'string' && Array.isArray(e.body));
    }
    return this.entries;
  }

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const trigger = snippetTriggerAt(document.lineAt(position.line).text, position.character);
    if (!trigger) return [];
    const range = new vscode.Range(position.line, trigger.start, position.line, position.character);
    return this.load().map((e) => {
      const item = new vscode.CompletionItem({ label: e.prefix, description: e.name }, vscode.CompletionItemKind.Snippet);
      item.insertText = new vscode.SnippetString(e.body.join('\n'));
      item.filterText = e.prefix;
      item.range = range;
      item.detail = e.description;
      item.documentation = new vscode.MarkdownString().appendCodeblock(e.body.join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|}]*)(?:,[^,|}]*)*\|\}/g, '$1').replace(/\$\{\d+\}/g, ''), 'yaml');
      return item;
    });
  }
}

export function registerSnippetCompletions(context: vscode.ExtensionContext): void {
  const file = vscode.Uri.joinPath(context.extensionUri, 'snippets', 'k8s-tokens.code-snippets');
  context.subscriptions.push(vscode.languages.registerCompletionItemProvider({ language: 'yaml' }, new SnippetCompletions(file), '-'));
}
