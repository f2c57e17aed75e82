/**
 * Scaffolding: the generators (RBAC, projected-token Pod, rotation CronJob), Apply Manifest with its
 * permission proof, and the YAML diagnostics. Snippets are contributed statically (snippets/).
 */
import type { Services } from '../services';
import type { PermissionsDocuments } from '../permissions/view';
import { registerApplyCommand } from './applyCommand';
import { ManifestDiagnostics } from './diagnostics';
import { registerGenerateCommands } from './generateCommands';

export function registerScaffold(services: Services, permissionDocuments: PermissionsDocuments): void {
  registerGenerateCommands(services);
  registerApplyCommand(services, permissionDocuments);
  services.context.subscriptions.push(new ManifestDiagnostics(services));
}
