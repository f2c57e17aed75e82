/**
 * The real-cluster launcher: etcd + kube-apiserver + kube-controller-manager built from Go modules.
 * Usage and options: realcluster/README.md; contract: api.ts (extends testserver/api.ts's neutral one).
 */
export type { ClientCertificate, KeyPairPem, PresetUser, RealCluster, RealClusterOptions, ServiceAccountKeys } from './api';
export { assertBinaries, locateBinaries, realBinariesPresent } from './binaries';
export { startRealCluster } from './cluster';
export { AUDIT_POLICY, CONTROLLERS } from './flags';
export { closeSharedRealClusters, sharedRealCluster } from './shared';
