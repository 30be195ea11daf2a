/**
 * Why a deployment ended Failed or Cancelled, and what to do about it. The one place where the
 * app's troubleshooting advice lives (the user guide's "Deployment Failure Troubleshooting Tips").
 */
import type { Check, Deployment, Phase, Release } from './types.ts';

export type FailureKind =
  | 'release-failed'
  | 'scan-findings'
  | 'check-http'
  | 'check-prometheus'
  | 'check-failed'
  | 'approval-rejected'
  | 'change-case-rejected'
  | 'change-case-timed-out'
  | 'change-case-window-ended'
  | 'change-case-closed'
  | 'cancelled-by-user'
  | 'unknown';

export interface Diagnosis {
  kind: FailureKind;
  title: string;
  /** The failing phase, when one failed or was cancelled. */
  phase: Phase | null;
  /** The failing phase's statusDetail (else the deployment's). */
  detail: string;
  failedReleases: Release[];
  failedCheck: Check | null;
  tips: string[];
}

const TIPS: Record<FailureKind, { title: string; tips: string[] }> = {
  'release-failed': {
    title: 'A release failed',
    tips: [
      'Open the failed release below: its detail is the error CPC reported for that cluster.',
      'Check the target cluster: is it reachable and healthy, and does the namespace exist? Look at the CPC and Helm logs for the release (helm history / helm status on that cluster).',
      'Image pull errors (ImagePullBackOff, ErrImagePull): confirm every image digest in the artifact manifest exists in the registry and that the cluster can pull from it.',
      'Chart errors: check the chart name, version and repository, and the values for this environment — a failed template or a missing value fails the install.',
      'Pods that never become ready (CrashLoopBackOff, failed probes, missing secrets or config) make Helm time out: read the pod events and logs on the cluster.',
      'Releases that were already in flight keep their own outcome, and later phases did not start. Once fixed, clone this deployment to try again, or ship a new build.',
    ],
  },
  'scan-findings': {
    title: 'The security scan check failed',
    tips: [
      'The artifact’s security scan found vulnerabilities at or above the severity this environment allows (the check’s maxSeverity).',
      'Fix the vulnerabilities: upgrade the affected base image or dependencies named in the scan report.',
      'Rebuild and publish a new artifact; the new build starts a fresh deployment. Cloning this one would deploy the same vulnerable artifact again.',
    ],
  },
  'check-http': {
    title: 'An HTTP check failed',
    tips: [
      'An http check calls a URL and passes on a 2xx (or the expected status) and, if configured, when a JSON path equals the expected value.',
      'Open the URL from the check yourself: is the endpoint up, and does it answer with the expected status and body?',
      'A timeout or connection error means the endpoint was not reachable from DCP: check DNS, network policy and the service’s health.',
      'When the service is healthy again, clone this deployment to run the checks again.',
    ],
  },
  'check-prometheus': {
    title: 'A Prometheus check failed',
    tips: [
      'A prometheus check runs an instant query and passes when every series satisfies the configured comparison with the threshold.',
      'Run the query in Prometheus or Grafana: which series breach the threshold (error rate, latency, saturation)?',
      'Fix the underlying problem (or roll back the change that caused it), then clone this deployment to check again.',
      'If the query returns no data or cannot be evaluated, check the Prometheus URL and that the metric still exists.',
    ],
  },
  'check-failed': {
    title: 'A check failed',
    tips: [
      'A failed check cancels the phase at once. Read the check’s detail below for what it found.',
      'scan checks compare the artifact’s scan findings with the allowed maximum severity; http checks call an endpoint; prometheus checks compare a query with a threshold.',
      'Fix what the check found, then clone this deployment (or ship a new build for scan findings).',
    ],
  },
  'approval-rejected': {
    title: 'The approval was rejected',
    tips: [
      'Someone rejected this phase; one rejection cancels it. Their name and comment are shown with the phase’s approvals.',
      'Talk to the reviewer about their concern, fix it, and start a new deployment (or clone this one) when it is resolved.',
    ],
  },
  'change-case-rejected': {
    title: 'The change case was rejected',
    tips: [
      'The change case for this phase was rejected by its approvers, so the phase was cancelled.',
      'Read the reviewers’ comments on the case, address them (risk, test evidence, rollback plan, timing) and re-plan the change.',
      'Clone this deployment to get a new change case, then submit it with the corrected details.',
    ],
  },
  'change-case-timed-out': {
    title: 'The change case timed out',
    tips: [
      'The change case was not scheduled-approved within the environment’s timeout (14 hours by default), so the phase was cancelled.',
      'Make sure someone owns the case: set the change type and risk, choose a deploy window and submit it for approval promptly.',
      'Re-plan: clone this deployment to create a new case, and get it approved within the timeout.',
    ],
  },
  'change-case-window-ended': {
    title: 'The deploy window ended',
    tips: [
      'The change case’s deploy window ended before the phase could deploy (it may have waited on approvals, a bake time or a freeze).',
      'Re-plan: clone this deployment and approve its new case with a window that leaves time for the remaining prerequisites.',
    ],
  },
  'change-case-closed': {
    title: 'The change case was closed',
    tips: [
      'The change case was closed before the phase deployed, so the phase was cancelled.',
      'If that was a mistake, clone this deployment to create a new case and take it through approval again.',
    ],
  },
  'cancelled-by-user': {
    title: 'Cancelled by a user',
    tips: [
      'Someone cancelled this deployment (their name and reason are in the detail). Nothing failed.',
      'Releases already in flight finished with their real outcome, so “what runs where” on the service page is accurate.',
      'To deploy this artifact after all, clone the deployment.',
    ],
  },
  unknown: {
    title: 'The deployment did not complete',
    tips: [
      'Read the failing phase’s detail and the timeline below for the last thing that happened.',
      'When the cause is fixed, clone this deployment to try again.',
    ],
  },
};

function classifyCancelled(phase: Phase, detail: string): { kind: FailureKind; check: Check | null } {
  const check = phase.checks.find((c) => c.status === 'Failed') ?? null;
  if (check || detail.startsWith('Check ')) {
    const type = check?.type;
    const kind = type === 'scan' ? 'scan-findings' : type === 'http' ? 'check-http' : type === 'prometheus' ? 'check-prometheus' : 'check-failed';
    return { kind, check };
  }
  if (detail.startsWith('Cancelled by ')) return { kind: 'cancelled-by-user', check: null };
  if (phase.prerequisites.approvals?.rejectedBy || detail.startsWith('Rejected by ')) return { kind: 'approval-rejected', check: null };
  const changeCase = phase.prerequisites.changeCase;
  if (changeCase?.status === 'rejected' || /change case .* was rejected/i.test(detail)) return { kind: 'change-case-rejected', check: null };
  if (/not approved within|timed out/i.test(detail)) return { kind: 'change-case-timed-out', check: null };
  if (/deploy window .* ended/i.test(detail)) return { kind: 'change-case-window-ended', check: null };
  if (changeCase?.status === 'closed' || /was closed/i.test(detail)) return { kind: 'change-case-closed', check: null };
  return { kind: 'unknown', check: null };
}

/** Null unless the deployment ended Failed or Cancelled. */
export function diagnose(deployment: Deployment): Diagnosis | null {
  if (deployment.status !== 'Failed' && deployment.status !== 'Cancelled') return null;
  const phase = deployment.phases.find((p) => p.status === 'Failed') ?? deployment.phases.find((p) => p.status === 'Cancelled') ?? null;
  const detail = phase?.statusDetail || deployment.statusDetail;
  let kind: FailureKind;
  let failedCheck: Check | null = null;
  if (phase?.status === 'Failed') kind = 'release-failed';
  else if (phase) ({ kind, check: failedCheck } = classifyCancelled(phase, detail));
  else kind = deployment.statusDetail.startsWith('Cancelled by ') ? 'cancelled-by-user' : 'unknown';
  const failedReleases = phase?.releases.filter((r) => r.status === 'Failed') ?? [];
  return { kind, title: TIPS[kind].title, phase, detail, failedReleases, failedCheck, tips: TIPS[kind].tips };
}
