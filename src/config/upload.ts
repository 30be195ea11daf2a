/**
 * The names of uploaded config files (`POST /api/v1/config/reload` with `files`, as `dcp import
 * DIR` sends them): each must be a path the config folder reads — `channels.yaml`,
 * `environments.yaml`, `access.yaml` or `catalog/…/NAME.yaml|yml` — written plainly: relative,
 * `/`-separated, no empty, `.` or `..` segment, no control character or backslash, at most 255
 * characters. Anything else is refused (an InputError naming the file) before a byte is written,
 * rather than normalised: a name that needed normalising was not what the sender meant.
 */
import { InputError, type FieldIssue } from '../core/errors.ts';
import { clip, type ConfigLimits } from './limits.ts';

export const TOP_LEVEL_FILES = ['channels.yaml', 'environments.yaml', 'access.yaml'] as const;
const NAME_MAX = 255;

/** Why `name` is not an upload file name, or undefined when it is one. */
export function uploadNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.length > NAME_MAX) return `is ${name.length} characters long; at most ${NAME_MAX} are allowed`;
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return 'contains a control character or a backslash';
  if (name.startsWith('/')) return 'is absolute: expected a path relative to the config folder';
  const segments = name.split('/');
  if (segments.some((s) => s === '')) return 'has an empty segment (a doubled or trailing "/")';
  if (segments.some((s) => s === '.' || s === '..')) return 'has a "." or ".." segment';
  if (segments.length === 1 && (TOP_LEVEL_FILES as readonly string[]).includes(name)) return undefined;
  if (segments.length > 1 && segments[0] === 'catalog' && /\.ya?ml$/.test(name)) return undefined;
  return `is not a config file: expected ${TOP_LEVEL_FILES.join(', ')} or catalog/…/NAME.yaml (or .yml)`;
}

/** Refuses the upload (400, every bad name listed) unless every name is a config file's. */
export function checkUploadNames(names: string[], limits: ConfigLimits): void {
  const max = limits.files + TOP_LEVEL_FILES.length;
  if (names.length > max) {
    throw new InputError(`too many files: ${names.length}, at most ${max}`, [{ field: 'files', message: `holds ${names.length} files; a config folder may hold at most ${max}` }]);
  }
  const issues: FieldIssue[] = names.flatMap((name) => {
    const problem = uploadNameProblem(name);
    const shown = clip(JSON.stringify(name), 120);
    return problem ? [{ file: clip(name, 120), field: `files[${shown}]`, message: `file name ${shown} ${problem}` }] : [];
  });
  if (issues.length === 0) return;
  const listed = issues.slice(0, limits.problems);
  if (issues.length > listed.length) listed.push({ field: '(more)', message: `and ${issues.length - listed.length} more bad file names` });
  throw new InputError(`bad file name${issues.length === 1 ? '' : 's'}: ${listed[0].message}`, listed);
}
