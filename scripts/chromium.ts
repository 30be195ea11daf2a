/**
 * The Chromium the browser tests (test/e2e) drive through playwright-core.
 *
 *   import { ensureChromium } from './chromium.ts';
 *   const executable = await ensureChromium();   // '/usr/bin/chromium'
 *
 * or, by hand: `node scripts/chromium.ts` prints the path (installing Chromium first if need be).
 *
 * - `/usr/bin/chromium` present: that one.
 * - Missing, as root with apt-get: `apt-get update`, then
 *   `DEBIAN_FRONTEND=noninteractive apt-get install -y chromium` (Debian's package), output
 *   streamed. A dpkg/apt lock held by another process (unattended upgrades, a second test run) is
 *   waited for, retrying for up to LOCK_WAIT_MS.
 * - Missing otherwise: an Error that says what to install. Never a silent skip, and never a
 *   browser downloaded any other way (no `playwright install`).
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasCommand, isExecutable } from './system.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** How long to keep retrying while another process holds the dpkg/apt lock. */
const LOCK_WAIT_MS = 5 * 60_000;
const LOCK_RETRY_MS = 5_000;
/** What apt-get says when another process holds one of its locks. */
const LOCK_HELD = /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock (the )?(administration )?directory|is another process using it/i;

const isRoot = process.getuid?.() === 0;

const HOW_TO_INSTALL =
  'Install Chromium at /usr/bin/chromium (Debian: `sudo apt-get install -y chromium`; ' +
  'Ubuntu: a non-snap chromium package, or link a Chromium/Chrome binary there), then run the tests again through `npm test`.';

/** Prints progress on stderr, so that the CLI's stdout carries only the path. */
function log(message: string): void {
  process.stderr.write(`[chromium] ${message}\n`);
}



/**
 * Runs apt-get with its output streamed to our stderr (and kept, to recognise a held lock).
 * Resolves with the exit code and the output.
 */
function aptGet(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      // stdin closed: nothing here may ask a question (CI has no stdin).
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const forward = (chunk: Buffer): void => {
      output += chunk.toString();
      process.stderr.write(chunk);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', (error) => reject(new Error(`could not run apt-get: ${error.message}`)));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

/** `apt-get ARGS`, retried while another process holds the dpkg/apt lock (up to LOCK_WAIT_MS); scripts/nats-server.ts uses it too. */
export async function aptGetWaitingForLock(args: string[]): Promise<void> {
  const command = `DEBIAN_FRONTEND=noninteractive apt-get ${args.join(' ')}`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    log(command);
    // DPkg::Lock::Timeout makes apt itself wait for the dpkg lock a while; the loop covers the rest.
    const { code, output } = await aptGet(['-o', 'DPkg::Lock::Timeout=60', ...args]);
    if (code === 0) return;
    if (!LOCK_HELD.test(output)) throw new Error(`\`${command}\` exited with code ${code}`);
    if (Date.now() >= deadline) {
      throw new Error(`\`${command}\` could not get the dpkg/apt lock: another process held it for over ${LOCK_WAIT_MS / 60_000} minutes`);
    }
    log(`another process holds the dpkg/apt lock; retrying in ${LOCK_RETRY_MS / 1000}s`);
    await sleep(LOCK_RETRY_MS);
  }
}

/** The path of a Chromium executable for the browser tests, installing Chromium with apt-get when it is missing and we may. */
export async function ensureChromium(): Promise<string> {
  if (isExecutable(CHROMIUM)) return CHROMIUM;
  const missing = `Chromium not found (the browser tests need an executable ${CHROMIUM})`;
  if (!isRoot || !hasCommand('apt-get')) {
    throw new Error(`${missing}. ${isRoot ? 'apt-get is not available to install it' : 'Not root, so not installing it'}. ${HOW_TO_INSTALL}`);
  }
  log(`${missing}; installing it with apt-get`);
  try {
    await aptGetWaitingForLock(['update']);
    await aptGetWaitingForLock(['install', '-y', 'chromium']);
  } catch (error) {
    throw new Error(`${missing}, and installing it with apt-get failed: ${(error as Error).message}\n${HOW_TO_INSTALL}`);
  }
  if (!isExecutable(CHROMIUM)) throw new Error(`${missing}, even after \`apt-get install -y chromium\` succeeded. ${HOW_TO_INSTALL}`);
  log(`installed ${CHROMIUM}`);
  return CHROMIUM;
}

// CLI: print the path (installing Chromium first if need be).
if (import.meta.main) {
  process.stdout.write(`${await ensureChromium()}\n`);
}
