/**
 * One DCP process per embedded data directory. The lock is a file naming its owner: the pid, and
 * (where /proc exists) the process's start time (`/proc/<pid>/stat` field 22) and command line. A
 * lock is stale — taken over, so nothing stays stuck — when its process is gone, is a zombie (a
 * kill -9'd DCP its parent has not reaped yet: `kill(pid, 0)` still succeeds for it), or is
 * another process that has been given the same pid since (its start time, or its command, differs).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Who holds a lock, as written in the file. */
export interface LockOwner {
  pid: number;
  /** Clock ticks since boot at which the process started (`/proc/<pid>/stat` field 22); null without /proc. */
  start: string | null;
  /** The process's command line (NULs as spaces); null without /proc. */
  command: string | null;
}

interface ProcInfo {
  state: string;
  start: string;
}

/** State and start time of a process from /proc, or null when /proc has no such process (or no /proc). */
function procStat(pid: number): ProcInfo | null | 'no-proc' {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return readable('/proc/self/stat') ? null : 'no-proc';
    return 'no-proc';
  }
  // `pid (comm) state ...`: comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], start: fields[19] }; // fields 3 and 22 of the whole line
}

function readable(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}

function commandOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replaceAll('\0', ' ');
  } catch {
    return null;
  }
}

/** This process as a lock owner. */
export function currentOwner(pid = process.pid): LockOwner {
  const stat = procStat(pid);
  return { pid, start: stat && stat !== 'no-proc' ? stat.start : null, command: commandOf(pid) };
}

/** Reads a lock file: the JSON this module writes, or a bare pid (a lock from an older DCP). */
export function parseLock(text: string): LockOwner | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), start: null, command: null };
  try {
    const value = JSON.parse(trimmed) as Partial<LockOwner>;
    if (!Number.isInteger(value.pid) || value.pid! <= 0) return null;
    return { pid: value.pid!, start: typeof value.start === 'string' ? value.start : null, command: typeof value.command === 'string' ? value.command : null };
  } catch {
    return null;
  }
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the lock's owner is still running: the same process, not a zombie, not a reused pid. */
export function ownerAlive(owner: LockOwner): boolean {
  const stat = procStat(owner.pid);
  if (stat === 'no-proc') return signalable(owner.pid); // no /proc (macOS): the pid is all there is
  if (stat === null) return false;
  if (stat.state === 'Z' || stat.state === 'X') return false; // dead, not reaped yet
  if (owner.start !== null) return owner.start === stat.start;
  // A lock without a start time (an older DCP): a live process that is not a DCP has reused the pid.
  const command = commandOf(owner.pid);
  return command === null || owner.command === null ? /\bnode\b/.test(command ?? 'node') : command === owner.command;
}

/** Takes the lock or throws naming the process that holds it; returns the release function. */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'dcp.lock');
  const me = currentOwner();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      return () => {
        // Only our own lock: a process that found ours stale (it never is while we run) would own it.
        const held = readLockFile(file);
        if (held?.pid === me.pid && held.start === me.start) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readLockFile(file);
      if (owner && owner.pid !== process.pid && ownerAlive(owner)) {
        throw new Error(
          `${dir} is in use by DCP process ${owner.pid}: the embedded database allows one process. ` +
            'Stop that process, use another DCP_DATA_DIR, or set DATABASE_URL to share a PostgreSQL server.',
        );
      }
      rmSync(file, { force: true }); // stale: its process is gone (or a zombie, or the pid is another process's now)
    }
  }
  throw new Error(`could not lock ${dir}`);
}

function readLockFile(file: string): LockOwner | null {
  try {
    return parseLock(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}
