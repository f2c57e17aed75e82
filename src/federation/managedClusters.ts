/**
 * What the managed Kubernetes services offer instead of `--authentication-config`: their control
 * plane flags are not the user's to set, so the AuthenticationConfiguration cannot be installed as
 * a file there. Each entry says what the provider documents, with the page it was read on
 * (read 2026-12 with the project's search tool). Pure.
 */
import * as l10n from '@vscode/l10n';
import type { ProviderId } from '../jwt/providers';

export interface ManagedAcceptorNote {
  provider: ProviderId;
  /** What to do there instead, in words (one line each). */
  lines: string[];
  source: string;
  /** A prefix the provider requires every mapped user and group name to start with. */
  requiredPrefix?: string;
}

const EKS_IDP = 'https://docs.aws.amazon.com/cli/latest/reference/eks/associate-identity-provider-config.html';
const AKS_STRUCTURED = 'https://learn.microsoft.com/en-us/azure/aks/external-identity-provider-authentication-configure';
const GKE_EXTERNAL_IDP = 'https://cloud.google.com/kubernetes-engine/docs/how-to/oidc';

/** AKS: "All usernames and groups mapped through structured authentication must be prefixed with `aks:jwt:`". */
export const AKS_REQUIRED_PREFIX = 'aks:jwt:';

export interface AcceptorNoteInput {
  issuer: string;
  audience: string;
  prefix: string;
  /** A name for the provider-side object (identity provider config, JWT authenticator). */
  name: string;
}

/** The note for an accepting cluster run by `provider`; undefined for a provider without one (ACK: nothing read). */
export function managedAcceptorNote(provider: ProviderId, i: AcceptorNoteInput): ManagedAcceptorNote | undefined {
  switch (provider) {
    case 'eks':
      // The --oidc structure has issuerUrl, clientId, usernameClaim/usernamePrefix, groupsClaim/groupsPrefix and
      // requiredClaims; the issuer URL "must be publicly accessible over the internet". No CA, no discovery URL, no CEL.
      return {
        provider,
        source: EKS_IDP,
        lines: [
          l10n.t('Amazon EKS: the control plane flags cannot be set. Its own feature is an OIDC identity provider configuration:'),
          `aws eks associate-identity-provider-config --cluster-name <cluster> --oidc identityProviderConfigName=${i.name},issuerUrl=${i.issuer},clientId=${i.audience},usernameClaim=sub,usernamePrefix=${i.prefix}`,
          l10n.t('It has no discovery URL and no CA field: the issuer URL itself must serve discovery, publicly on the internet. It has no CEL either, and ServiceAccount tokens carry no groups claim: bind the mapped user names, not groups.'),
        ],
      };
    case 'aks':
      return {
        provider,
        source: AKS_STRUCTURED,
        requiredPrefix: AKS_REQUIRED_PREFIX,
        lines: [
          l10n.t('Azure AKS: the control plane flags cannot be set. Its structured authentication (preview) takes the JWT authenticator of this file (the element of jwt:, as JSON) as a cluster resource:'),
          `az aks jwtauthenticator add --resource-group <group> --cluster-name <cluster> --name ${i.name} --config-file jwt-authenticator.json`,
          l10n.t('AKS requires every mapped user and group name to start with {0}, and the issuer\'s discovery to be publicly accessible; it documents issuer.url and issuer.audiences only (no discoveryURL, no CA).', AKS_REQUIRED_PREFIX),
        ],
      };
    case 'gke':
      return {
        provider,
        source: GKE_EXTERNAL_IDP,
        lines: [
          l10n.t('Google GKE: the control plane flags cannot be set, and GKE documents no JWT authenticator. Its ways to sign in with external identities are Workforce Identity Federation (recommended; a browser sign-in, headless systems are not supported) and Identity Service for GKE (deprecated, Standard clusters only). Neither is documented for another cluster\'s ServiceAccount tokens.'),
        ],
      };
    case 'ack':
      return undefined;
  }
}
