/**
 * Scaffolding: the generators (RBAC, projected-token Pod, rotation CronJob), Apply Manifest with its
 * permission proof, the YAML diagnostics, and the snippets of snippets/ as completions behind the
 * stem `k8s-sa-` (not contributed statically: VS Code would offer them on ordinary words).
 */
import type { Services } from '../services';
import type { PermissionsDocuments } from '../permissions/view';
import { registerApplyCommand } from './applyCommand';
import { ManifestDiagnostics } from './diagnostics';
import { registerGenerateCommands } from './generateCommands';
import { registerSnippetCompletions } from './snippetCompletions';

/** `onApplied`: after Apply changed the cluster (the extension refreshes the tree with it). */
export function registerScaffold(services: Services, permissionDocuments: PermissionsDocuments, onApplied: () => void = () => undefined): void {
  registerGenerateCommands(services);
  registerApplyCommand(services, permissionDocuments, onApplied);
  services.context.subscriptions.push(new ManifestDiagnostics(services));
  registerSnippetCompletions(services.context);
}
