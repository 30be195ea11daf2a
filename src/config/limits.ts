/**
 * How much config DCP reads (docs/decisions.md, "Config limits"). The same limits hold on every
 * path: the start-up import of DCP_CONFIG, `POST /api/v1/config/reload` (the folder on disk or the
 * uploaded `files`) and `dcp import DIR`, which checks them before it sends anything.
 *
 * Why these numbers: a large real catalog (thousands of services) is a few MB; 1 MiB per file and
 * 32 MiB per folder leave room for that and keep one import's memory and time bounded. YAML aliases
 * are refused past a small count (the `yaml` package's `maxAliasCount` rule), because a few KB of
 * nested aliases expand to millions of nodes: configs repeat a block by anchoring it, not by
 * multiplying it.
 */
export interface ConfigLimits {
  /** Bytes (UTF-8) of one file. */
  fileBytes: number;
  /** Bytes of every config file together. */
  folderBytes: number;
  /** Config files in a folder (channels.yaml, environments.yaml, access.yaml and catalog/). */
  files: number;
  /** The `yaml` package's maxAliasCount: references to an anchor × the aliases inside it. */
  aliases: number;
  /** Problems listed in one ConfigError; the rest are counted in a last "and N more" entry. */
  problems: number;
  /** Characters of a problem's message, field or file shown; longer ones are cut with "…". */
  shownChars: number;
  /** Reading and validating runs in a worker thread, which is stopped after this long. */
  timeoutMs: number;
  /** The worker's heap (MB); past it the worker is stopped and the import refused. */
  memoryMb: number;
}

export const CONFIG_LIMITS: Readonly<ConfigLimits> = Object.freeze({
  fileBytes: 1024 * 1024,
  folderBytes: 32 * 1024 * 1024,
  files: 5000,
  aliases: 100,
  problems: 100,
  shownChars: 300,
  timeoutMs: 30_000,
  memoryMb: 1024,
});

/**
 * The HTTP body limit of an upload (`files` as JSON): the folder limit doubled, since JSON escapes
 * newlines and quotes, plus room for the names. The decoded files are then held to the limits above.
 */
export function uploadBodyLimit(limits: ConfigLimits = CONFIG_LIMITS): number {
  return 2 * limits.folderBytes + 1024 * 1024;
}

/** `1 MiB`, `32 MiB`, `900 KiB`: sizes in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}

/** Text cut to `max` characters, with "…" when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A name of an environment, channel, cluster, team, service or strategy: 1 to 63 characters,
 * letters, digits and `-`, `_`, `.`, starting and ending with a letter or digit (Backstage's and
 * Kubernetes' rule). Names go into URLs, log lines, Slack messages and change cases.
 */
export const NAME_MAX = 63;
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** Why `name` is not a valid name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character (NUL, newline, tab …)';
  if (name.length > NAME_MAX) return `is ${name.length} characters long; at most ${NAME_MAX} are allowed`;
  if (!NAME.test(name)) return 'may hold only letters, digits, "-", "_" and ".", and must start and end with a letter or digit';
  return undefined;
}
