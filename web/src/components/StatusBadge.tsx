/**
 * A status as a badge: colour-coded and readable without colour (an icon per kind of status,
 * drawn by CSS so the element's text stays exactly the status).
 */
const TONES: Record<string, string> = {
  Completed: 'ok',
  Succeeded: 'ok',
  Passed: 'ok',
  'scheduled-approved': 'ok',
  approve: 'ok',
  Failed: 'bad',
  rejected: 'bad',
  reject: 'bad',
  Cancelled: 'off',
  closed: 'off',
  Skipped: 'skip',
  Pending: 'idle',
  NotEvaluated: 'idle',
  new: 'idle',
  creating: 'idle',
  AwaitingPrerequisites: 'wait',
  submitted: 'wait',
  Scanning: 'run',
  Scanned: 'run',
  InProgress: 'run',
  Checking: 'run',
  Deploying: 'run',
};

export function toneOf(status: string): string {
  return TONES[status] ?? 'idle';
}

interface Props {
  status: string;
  testId?: string;
  small?: boolean;
}

export function StatusBadge({ status, testId, small }: Props) {
  return (
    <span className={`badge badge-${toneOf(status)}${small ? ' badge-sm' : ''}`} data-testid={testId}>
      {status}
    </span>
  );
}
