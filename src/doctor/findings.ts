/**
 * The token doctor's vocabulary: what a finding and a report are. Types only, so the judgement
 * modules (doctorFindings.ts, signatureFindings.ts) and the views (src/hover/) share them without
 * importing each other.
 */
export type Severity = 'error' | 'warning' | 'info' | 'ok';

export interface Finding {
  /** Stable id, e.g. `rejected.expired`, `unknownKid`, `serviceAccountRecreated` (tests and telemetry-free logic use it). */
  code: string;
  severity: Severity;
  title: string;
  detail: string;
  fix?: string;
  /** A command the report offers for this finding, beside its fix. */
  action?: FindingAction;
}

/**
 * What the doctor can offer to do about a finding. `crossClusterTrust`: make the checked cluster
 * accept tokens of `issuer` (the Set Up Cross-Cluster Trust command, src/federation/).
 */
export type FindingAction = { kind: 'crossClusterTrust'; issuer: string };

export interface DoctorReport {
  context: string;
  server: string;
  /** What the cluster said: it accepts the token, rejects it, or could not be asked. */
  verdict: 'accepted' | 'rejected' | 'unknown';
  findings: Finding[];
}
