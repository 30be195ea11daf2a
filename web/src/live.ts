/**
 * One shared EventSource on /api/v1/stream for the whole app. Pages subscribe(fn) and get every
 * event (a CloudEvent). The browser reconnects by itself and resumes with Last-Event-ID; if the
 * stream is closed for good (e.g. the server restarted mid-request), it is reopened after a pause
 * from the last position seen (and the session is checked, since an ended session also closes it).
 * The stream closes a few seconds after its last subscriber leaves.
 */
import { api } from './api.ts';
import type { DcpEvent } from './types.ts';

export type LiveState = 'connecting' | 'open' | 'down';
type Listener = (event: DcpEvent) => void;

const listeners = new Set<Listener>();
const stateListeners = new Set<(state: LiveState) => void>();
let source: EventSource | null = null;
let lastPosition: string | null = null;
let state: LiveState = 'connecting';
let reopenTimer: ReturnType<typeof setTimeout> | undefined;
let closeTimer: ReturnType<typeof setTimeout> | undefined;
let failures = 0;

function setState(next: LiveState): void {
  if (next === state) return;
  state = next;
  for (const fn of stateListeners) fn(state);
}

function open(): void {
  reopenTimer = undefined;
  const url = lastPosition ? `/api/v1/stream?after=${encodeURIComponent(lastPosition)}` : '/api/v1/stream';
  const es = new EventSource(url, { withCredentials: true });
  source = es;
  setState('connecting');
  es.onopen = () => {
    failures = 0;
    setState('open');
  };
  es.onmessage = (message) => {
    if (message.lastEventId) lastPosition = message.lastEventId;
    let event: DcpEvent;
    try {
      event = JSON.parse(message.data) as DcpEvent;
    } catch {
      return;
    }
    for (const fn of listeners) fn(event);
  };
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      source = null;
      setState('down');
      failures += 1;
      // EventSource hides the status: ask whether the session ended (a 401 brings the sign-in back).
      api.session().catch(() => undefined);
      reopenTimer = setTimeout(open, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)));
    } else {
      setState('connecting');
    }
  };
}

/** Stops the stream now (on sign-out). */
export function closeLive(): void {
  clearTimeout(reopenTimer);
  clearTimeout(closeTimer);
  reopenTimer = undefined;
  source?.close();
  source = null;
  lastPosition = null;
  setState('connecting');
}

export function subscribe(fn: Listener): () => void {
  listeners.add(fn);
  clearTimeout(closeTimer);
  if (!source && !reopenTimer) open();
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0) {
      clearTimeout(closeTimer);
      closeTimer = setTimeout(() => {
        if (listeners.size === 0) closeLive();
      }, 5000);
    }
  };
}

export function liveState(): LiveState {
  return state;
}

export function onLiveState(fn: (state: LiveState) => void): () => void {
  stateListeners.add(fn);
  return () => stateListeners.delete(fn);
}
