/**
 * What the NATS sink (sinks/nats.ts) and the BuildCompleted consumer (bus/nats-builds.ts) share:
 * the connection options DCP always uses, and "the stream exists" — created when missing, never
 * changed when present (an operator's own limits, replicas or placement win over DCP's defaults).
 */
import { jetstreamManager, StorageType, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { connect, type NodeConnectionOptions } from '@nats-io/transport-node';

/** `nats://a:4222,nats://b:4222` or a list → the list (blanks dropped). */
export function serverList(servers: string | string[]): string[] {
  const list = (Array.isArray(servers) ? servers : servers.split(',')).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('no NATS server given (DCP_NATS_URL: e.g. nats://127.0.0.1:4222, comma-separated for several)');
  return list;
}

/**
 * A connection that reconnects for ever once it has connected: a NATS restart is a pause, not an
 * end. The first connect is tried once (`waitOnFirstConnect: false`), so a caller learns at once
 * that the server is down and can say so (and try again later itself).
 */
export function openConnection(servers: string[], extra: Partial<NodeConnectionOptions> = {}): Promise<NatsConnection> {
  return connect({
    servers,
    name: 'dcp',
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    timeout: 5_000,
    ...extra,
  });
}

/** JetStream's "stream not found" API error code. */
const STREAM_NOT_FOUND = 10059;

function apiCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown; api_error?: { err_code?: unknown } })?.api_error?.err_code ?? (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Whether a JetStream API error says the stream does not exist. */
export function isStreamNotFound(error: unknown): boolean {
  return apiCode(error) === STREAM_NOT_FOUND || /stream not found/i.test(String((error as Error)?.message));
}

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** How long JetStream remembers a `Nats-Msg-Id` to drop a repeat. */
  duplicateWindowMs: number;
}

/** The stream's info; created (file storage, limits retention) when it does not exist. */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(spec.name);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  // Two DCPs starting at once may both add it: JetStream answers an identical add with the stream.
  return jsm.streams.add({
    name: spec.name,
    subjects: spec.subjects,
    storage: StorageType.File,
    duplicate_window: nanos(spec.duplicateWindowMs),
  });
}

export { jetstreamManager };
