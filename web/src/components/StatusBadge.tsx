/**
 * A status as a badge: colour-coded and readable without colour (an icon per kind of status,
 * drawn by CSS so the element's text stays exactly the status).
 */
import type { ReactNode } from 'react';
import styles from './StatusBadge.module.css';

export type Tone = 'ok' | 'bad' | 'off' | 'skip' | 'idle' | 'wait' | 'run';

const TONES: Record<string, Tone> = {
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

export function toneOf(status: string): Tone {
  return TONES[status] ?? 'idle';
}

interface BadgeProps {
  tone: Tone;
  children: ReactNode;
  testId?: string;
  size?: 'small' | 'large';
  /** Placement from the parent's module (e.g. pushed to the right of a row). */
  className?: string;
}

export function Badge({ tone, children, testId, size, className }: BadgeProps) {
  const classes = [styles.badge, styles[tone], size && styles[size], className].filter(Boolean).join(' ');
  return (
    <span className={classes} data-testid={testId}>
      {children}
    </span>
  );
}

interface Props {
  status: string;
  testId?: string;
  small?: boolean;
  large?: boolean;
  className?: string;
}

export function StatusBadge({ status, testId, small, large, className }: Props) {
  return (
    <Badge tone={toneOf(status)} testId={testId} size={small ? 'small' : large ? 'large' : undefined} className={className}>
      {status}
    </Badge>
  );
}
