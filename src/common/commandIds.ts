/** Command ids, equal to `contributes.commands` in package.json (a test checks both ways). */
export const CommandIds = {
  refresh: 'k8sTokens.refresh',
  filterNamespaces: 'k8sTokens.filterNamespaces',
  clearNamespaceFilter: 'k8sTokens.clearNamespaceFilter',
  retry: 'k8sTokens.retry',
  loadMore: 'k8sTokens.loadMore',
  useContext: 'k8sTokens.useContext',
  addKubeconfig: 'k8sTokens.addKubeconfig',
  mintToken: 'k8sTokens.mintToken',
  mintRevocableToken: 'k8sTokens.mintRevocableToken',
  remintToken: 'k8sTokens.remintToken',
  revokeToken: 'k8sTokens.revokeToken',
  copyToken: 'k8sTokens.copyToken',
  forgetToken: 'k8sTokens.forgetToken',
  exportKubeconfig: 'k8sTokens.exportKubeconfig',
  createLegacyTokenSecret: 'k8sTokens.createLegacyTokenSecret',
  copySecretToken: 'k8sTokens.copySecretToken',
  openBindingRole: 'k8sTokens.openBindingRole',
  decodeToken: 'k8sTokens.decodeToken',
  checkToken: 'k8sTokens.checkToken',
  generateRbac: 'k8sTokens.generateRbac',
  applyManifest: 'k8sTokens.applyManifest',
  generateProjectedPod: 'k8sTokens.generateProjectedPod',
  generateRotationCronJob: 'k8sTokens.generateRotationCronJob',
  showDashboard: 'k8sTokens.showDashboard',
  showPermissions: 'k8sTokens.showPermissions',
  whoCan: 'k8sTokens.whoCan',
  deleteRevocableSecret: 'k8sTokens.deleteRevocableSecret',
  auditTokenUse: 'k8sTokens.auditTokenUse',
  findLegacyTokenSecrets: 'k8sTokens.findLegacyTokenSecrets',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/** Tree item context values, used in package.json `when` clauses as `viewItem == …`. */
export const ContextValues = {
  context: 'k8sTokens.context',
  namespace: 'k8sTokens.namespace',
  serviceAccount: 'k8sTokens.serviceAccount',
  tokenSecret: 'k8sTokens.tokenSecret',
  keptToken: 'k8sTokens.keptToken',
  revocableSecret: 'k8sTokens.revocableSecret',
  binding: 'k8sTokens.binding',
  folder: 'k8sTokens.folder',
  error: 'k8sTokens.error',
  loadMore: 'k8sTokens.loadMore',
  info: 'k8sTokens.info',
} as const;
