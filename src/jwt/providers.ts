/**
 * What managed Kubernetes services document about their ServiceAccount tokens, and which one
 * issued a token, recognised from the form of its issuer. Pure. Every fact carries the page it was
 * read on; a fact no documentation we could read states is `unknown`, never a guess, so the hover
 * and the grant explanation say "not documented" instead of inventing a number.
 *
 * Read 2026-12 with the project's search tool (docs and pages corpora).
 */

/** A documented value with the page that states it. */
export interface Documented<T> {
  known: true;
  value: T;
  source: string;
}

/** Not stated in any documentation we could read. */
export interface Unknown {
  known: false;
}

export type Fact<T> = Documented<T> | Unknown;

export type ProviderId = 'eks' | 'gke' | 'aks' | 'ack';

export interface ProviderFacts {
  id: ProviderId;
  /** Product name, the same in every language. */
  name: string;
  /** The issuer form, as documented (placeholders in angle brackets). */
  issuerForm: Documented<string>;
  /** Longest lifetime a TokenRequest is granted (`--service-account-max-token-expiration` or its equivalent). */
  maxTokenSeconds: Fact<number>;
  /**
   * What happens to kubelet tokens past `warnafter`: accepted until this many seconds after they were
   * issued (`seconds`), or not extended at all (`disabled`).
   */
  extension: Fact<{ kind: 'seconds'; seconds: number } | { kind: 'disabled'; sinceVersion: string }>;
  /** The audiences a token gets when it asks for none (the API audiences). */
  defaultAudiences: Fact<readonly string[]>;
}

const unknown: Unknown = { known: false };
const DAY = 24 * 3600;

const EKS_SERVICE_ACCOUNTS = 'https://docs.aws.amazon.com/eks/latest/userguide/service-accounts.html';
const AKS_OIDC_ISSUER = 'https://learn.microsoft.com/en-us/azure/aks/use-oidc-issuer';
const AKS_OIDC_ISSUER_CN = 'https://docs.azure.cn/en-us/aks/use-oidc-issuer';

export const PROVIDERS: readonly ProviderFacts[] = [
  {
    id: 'eks',
    name: 'Amazon EKS',
    // The OIDC provider ARN example `arn:aws:iam::123456:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/AB123456ABC`
    // and "You can find your OIDC Issuer URL by: aws eks describe-cluster … cluster.identity.oidc.issuer".
    issuerForm: { known: true, value: 'https://oidc.eks.<region>.amazonaws.com/id/<id>', source: 'https://docs.aws.amazon.com/cdk/api/v1/docs/@aws-cdk_aws-eks.OpenIdConnectProviderProps.html' },
    // Not stated by the EKS user guide pages we could read.
    maxTokenSeconds: unknown,
    // "For Amazon EKS clusters, the extended expiry period is 90 days. Your Amazon EKS cluster's Kubernetes
    // API server rejects requests with tokens older than 90 days." (A real EKS 1.21 kubelet token still
    // carries exp = iat + 365 d: discuss.kubernetes.io/t/wrong-exp-date-in-projected-serviceaccount-token/17697.)
    extension: { known: true, value: { kind: 'seconds', seconds: 90 * DAY }, source: EKS_SERVICE_ACCOUNTS },
    defaultAudiences: unknown,
  },
  {
    id: 'gke',
    name: 'Google Kubernetes Engine',
    // The discovery document is served at
    // `https://container.googleapis.com/v1/{parent=projects/*/locations/*/clusters/*}/.well-known/openid-configuration`,
    // so the issuer is that path without `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4).
    issuerForm: {
      known: true,
      value: 'https://container.googleapis.com/v1/projects/<project>/locations/<location>/clusters/<cluster>',
      source: 'https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters.well-known/getOpenid-configuration',
    },
    // No GKE page we could read states a maximum, an extension period or the API audiences.
    maxTokenSeconds: unknown,
    extension: unknown,
    defaultAudiences: unknown,
  },
  {
    id: 'aks',
    name: 'Azure Kubernetes Service',
    // "By default, the issuer uses the base URL https://{region}.oic.prod-aks.azure.com/{uuid}", example
    // https://eastus.oic.prod-aks.azure.com/00000000-…/00000000-…/
    issuerForm: { known: true, value: 'https://<region>.oic.prod-aks.azure.com/<tenant>/<uuid>/', source: AKS_OIDC_ISSUER },
    // "The maximum lifetime of the token issued by the OIDC provider is one day."
    maxTokenSeconds: { known: true, value: DAY, source: AKS_OIDC_ISSUER },
    // "For clusters running Kubernetes v1.30.0 and later, AKS sets the API server flag
    // --service-account-extend-token-expiration=false."
    extension: { known: true, value: { kind: 'disabled', sinceVersion: '1.30.0' }, source: AKS_OIDC_ISSUER_CN },
    defaultAudiences: unknown,
  },
  {
    id: 'ack',
    name: 'Alibaba Cloud ACK',
    // RRSA "creates a dedicated OIDC issuer for the cluster, managed by ACK". The page we could read does
    // not spell the URL out; the host form below is the one in Alibaba's own RRSA trust-policy examples
    // (`oidc:iss` https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/<cluster-id>).
    issuerForm: { known: true, value: 'https://oidc-ack-<region>.oss-<region>.aliyuncs.com/<cluster-id>', source: 'https://www.alibabacloud.com/help/doc-detail/356611.html' },
    // The ACK pages we could read describe the kubelet's refresh rule (80 % or 24 h) but no maximum,
    // extension period or API audiences.
    maxTokenSeconds: unknown,
    extension: unknown,
    defaultAudiences: unknown,
  },
];

// Anchored, no nested quantifiers: linear on any issuer text.
const ISSUER_PATTERNS: Record<ProviderId, RegExp> = {
  eks: /^https:\/\/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/id\/[A-Za-z0-9]+\/?$/,
  gke: /^https:\/\/container\.googleapis\.com\/v1(?:beta1)?\/projects\/[^/]+\/(?:locations|zones)\/[^/]+\/clusters\/[^/]+\/?$/,
  aks: /^https:\/\/[a-z0-9-]+\.oic\.prod-aks\.azure\.com\/[^/]+\/[^/]+\/?$/,
  ack: /^https:\/\/oidc-ack-[a-z0-9-]+\.oss-[a-z0-9-]+\.aliyuncs\.com\/[^/]+\/?$/,
};

/** Longest issuer we try to recognise; real ones are well under 200 characters. */
const MAX_ISSUER_LENGTH = 512;

/** The managed service whose issuer form `issuer` has, if any. */
export function providerOfIssuer(issuer: string | undefined): ProviderFacts | undefined {
  if (typeof issuer !== 'string' || issuer.length > MAX_ISSUER_LENGTH) return undefined;
  return PROVIDERS.find((p) => ISSUER_PATTERNS[p.id].test(issuer));
}
