/**
 * What applies to a legacy token Secret created by hand (the Create Legacy Token Secret command), in
 * words for its confirmation dialog. Pure; strings through @vscode/l10n.
 *
 * Read in kubernetes v1.37.2:
 * - pkg/controller/serviceaccount/legacy_serviceaccount_token_cleaner.go (LegacyServiceAccountTokenCleanUp,
 *   beta 1.29, GA 1.30): only Secrets listed in their ServiceAccount's `secrets` field are labelled
 *   `kubernetes.io/legacy-token-invalid-since` after `--legacy-service-account-token-clean-up-period`
 *   (default 1 year) without use, and deleted one period later ("can't determine if this is an
 *   auto-generated token" skips every other Secret). The Secret created here is annotated with its
 *   ServiceAccount but not listed in `secrets`, so the cleaner never touches it.
 * - pkg/serviceaccount/legacy.go (LegacyServiceAccountTokenTracking, GA 1.28): every use labels the
 *   Secret `kubernetes.io/legacy-token-last-used` with the date and audits it as
 *   `authentication.k8s.io/legacy-token-manual-secret`; a Secret carrying the invalid-since label is
 *   refused, whoever set it.
 */
import * as l10n from '@vscode/l10n';

export function legacySecretDialogDetail(): string {
  return l10n.t(
    'This is discouraged. The token never expires: it stays valid until this Secret or the ServiceAccount is deleted, so a leaked copy works for as long as nobody notices. Nothing removes it for you: the legacy token cleaner (Kubernetes 1.30 and later) invalidates and deletes only auto-generated token Secrets listed in the ServiceAccount\'s secrets field, and this Secret is not listed there. The API server records the day of its last use in the label kubernetes.io/legacy-token-last-used; adding the label kubernetes.io/legacy-token-invalid-since makes the API server refuse the token. Prefer Mint Token (short-lived, and revocable when bound to a Secret).',
  );
}
